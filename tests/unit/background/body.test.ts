/** Bounded body reading (src/background/body.ts), base64 for CDP bodies, against plain slicing and Node's Buffer. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Error, base64ToBytes, bytesToBase64 } from '../../../src/background/base64.ts';
import {
  BodyTooLargeError,
  parseByteRange,
  readBounded,
  readBoundedOrStream,
  readWindow,
  windowOf,
} from '../../../src/background/body.ts';

function chunked(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let last = 0;
  for (const p of [...points, bytes.length]) {
    if (p > last) parts.push(bytes.slice(last, p));
    last = Math.max(last, p);
  }
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < parts.length) c.enqueue(parts[i++]);
      else c.close();
    },
  });
}

describe('byte ranges', () => {
  it('parses single open or closed ranges only', () => {
    expect(parseByteRange('bytes=0-')).toEqual({ start: 0, end: null });
    expect(parseByteRange('Bytes = 10 - 20')).toEqual({ start: 10, end: 20 });
    expect(parseByteRange('bytes=-500')).toBeNull(); // suffix: passed through as is
    expect(parseByteRange('bytes=0-1,5-6')).toBeNull();
    expect(parseByteRange('bytes=9-3')).toBeNull();
    expect(parseByteRange('items=0-1')).toBeNull();
    expect(parseByteRange(null)).toBeNull();
  });

  it('windows a range to at most the window size', () => {
    expect(windowOf({ start: 1000, end: null }, 100)).toEqual({ start: 1000, end: 1099 });
    expect(windowOf({ start: 0, end: 10 }, 100)).toEqual({ start: 0, end: 10 });
    expect(windowOf({ start: 0, end: 1000 }, 100)).toEqual({ start: 0, end: 99 });
  });
});

describe('readWindow / readBounded', () => {
  it('gives exactly the slice, whatever the chunking', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.nat(3500),
        fc.nat(3500),
        async (bytes, cuts, a, len) => {
          const end = a + len;
          const { bytes: got, total } = await readWindow(chunked(bytes, cuts), a, end);
          expect([...got]).toEqual([...bytes.slice(a, end + 1)]);
          if (end + 1 > bytes.length) expect(total).toBe(bytes.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('reads whole bodies up to the limit and refuses more', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (bytes, cuts) => {
          expect([...(await readBounded(chunked(bytes, cuts), 2000))]).toEqual([...bytes]);
        },
      ),
      { numRuns: 100 },
    );
    await expect(readBounded(chunked(new Uint8Array(101), [50]), 100)).rejects.toBeInstanceOf(
      BodyTooLargeError,
    );
    expect((await readBounded(null)).length).toBe(0);
  });

  it('hands a body over the limit on as one stream of all its bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 600 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.nat({ max: 700 }),
        async (bytes, cuts, limit) => {
          const read = await readBoundedOrStream(chunked(bytes, cuts), limit);
          if (bytes.length <= limit) {
            expect('bytes' in read && [...read.bytes]).toEqual([...bytes]);
            return;
          }
          expect('stream' in read).toBe(true);
          if (!('stream' in read)) return;
          expect([...(await readBounded(read.stream, 1000))]).toEqual([...bytes]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('base64 for DevTools bodies', () => {
  it('agrees with Buffer both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70_000 }), (bytes) => {
        const b64 = bytesToBase64(bytes);
        expect(b64).toBe(Buffer.from(bytes).toString('base64'));
        expect([...base64ToBytes(b64, bytes.length)]).toEqual([...bytes]);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects malformed or oversized input with Base64Error', () => {
    expect(() => base64ToBytes('!!!', 10)).toThrow(Base64Error);
    expect(() => base64ToBytes(Buffer.alloc(100).toString('base64'), 99)).toThrow(Base64Error);
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          base64ToBytes(s, 30);
        } catch (error) {
          expect(error).toBeInstanceOf(Base64Error);
        }
      }),
    );
  });
});
