/**
 * Fuzz of parseHostPort (`HOST:PORT` / `[v6]:PORT` of `tonsite bridge --listen`, `proxy --listen`,
 * `devnet --bridge`): valid pairs parse to themselves; random and mutated text only ever throws BridgeConfigError
 * (the bridge module's error, which the commands turn into a usage error), never a plain Error.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BridgeConfigError } from '../../../src/node/bridge/limits.ts';
import { parseHostPort } from '../../../src/node/bridge/signals.ts';
import { onlyTyped, textMutation } from './mutate.ts';

const port = fc.integer({ min: 0, max: 65535 });
const host = fc.oneof(fc.domain(), fc.ipV4(), fc.constantFrom('localhost', '0.0.0.0'));
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }));
const anyChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom(':', '[', ']'),
);

describe('parseHostPort', () => {
  it('round-trip: HOST:PORT and [IPv6]:PORT parse to their parts', () => {
    fc.assert(
      fc.property(host, fc.ipV6(), port, (h, v6, p) => {
        expect(parseHostPort(`${h}:${p}`)).toEqual({ host: h, port: p });
        expect(parseHostPort(`[${v6}]:${p}`)).toEqual({ host: v6, port: p });
      }),
      { numRuns: 200 },
    );
  });

  it('random text and mutated pairs: BridgeConfigError only; what parses has a port in 0..65535', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.tuple(anyText, anyText).map(([a, b]) => `${a}:${b}`),
          fc.tuple(host, port).chain(([h, p]) => textMutation(`${h}:${p}`, anyChar)),
          fc.tuple(fc.ipV6(), port).chain(([h, p]) => textMutation(`[${h}]:${p}`, anyChar)),
        ),
        (text) => {
          const r = onlyTyped(BridgeConfigError, () => parseHostPort(text));
          if (!r) return;
          expect(Number.isInteger(r.port) && r.port >= 0 && r.port <= 65535).toBe(true);
          expect(r.host.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('regression: a missing or out-of-range port is a BridgeConfigError (was a plain Error)', () => {
    // Found by the property above: parseHostPort('') threw `Error: expected HOST:PORT, got ''`.
    for (const text of [
      '',
      'localhost',
      'localhost:65536',
      'localhost:123456',
      '[::1]',
      `${'a'.repeat(1 << 20)}:`,
    ]) {
      expect(() => parseHostPort(text)).toThrow(BridgeConfigError);
    }
  });
});
