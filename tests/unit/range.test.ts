/** parseRangeSpec: the one reader of a single bytes= range (RFC 9110 §14.1.2) for the storage server, the devnet's sites and the extension. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRangeSpec } from '../../src/net/range.ts';

describe('parseRangeSpec', () => {
  it.each([
    ['bytes=0-9', { first: 0, last: 9 }],
    ['bytes=90-', { first: 90, last: null }],
    ['bytes=-10', { suffix: 10 }],
    [' Bytes = 5 - 7 ', { first: 5, last: 7 }],
    ['bytes=5-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    ['bytes=-', null],
    ['bytes=1234567890123456-', null],
  ] as const)('%j', (value, expected) => {
    expect(parseRangeSpec(value)).toEqual(expected);
  });

  it('gives safe integers or null for any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `bytes=${s}`),
        ),
        (value) => {
          const spec = parseRangeSpec(value);
          if (spec === null) return;
          for (const n of Object.values(spec)) if (n !== null) expect(Number.isSafeInteger(n)).toBe(true);
        },
      ),
    );
  });
});
