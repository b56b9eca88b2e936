/**
 * Round trips over random sizes and loss patterns (sources only, repairs only, mixed, shuffled), and malformed
 * input: only RaptorQError, never a crash or an allocation beyond the caller's limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isPrime } from '../../../src/net/raptorq/params.ts';
import { paramsForK, RaptorQDecoder, RaptorQEncoder, RaptorQError } from '../../../src/net/raptorq/index.ts';
import { noise as randomBytes } from '../noise.ts';

type Pattern = 'sources' | 'repairs' | 'mixed' | 'shuffled';

/** Symbol ids a receiver sees for a loss pattern, in arrival order (more than enough to decode). */
function arrivals(k: number, pattern: Pattern, rnd: () => number): number[] {
  const shuffle = (a: number[]): number[] => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  };
  const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
  switch (pattern) {
    case 'sources':
      return shuffle(range(0, k));
    case 'repairs': {
      const start = k + Math.floor(rnd() * 5000);
      return range(start, k + 40);
    }
    case 'mixed': {
      const loss = rnd();
      return [...range(0, k).filter(() => rnd() >= loss), ...range(k, k + 40)];
    }
    case 'shuffled':
      return shuffle(range(0, 2 * k + 40));
  }
}

function roundTrip(size: number, symbolSize: number, pattern: Pattern, seed: number): number {
  const data = randomBytes(size, seed);
  const enc = new RaptorQEncoder(data, symbolSize);
  const dec = new RaptorQDecoder(size, symbolSize, size);
  let s = seed >>> 0 || 1;
  const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  let used = 0;
  for (const id of arrivals(enc.k, pattern, rnd)) {
    used++;
    if (dec.addSymbol(id, enc.symbol(id))) break;
  }
  expect(dec.done).toBe(true);
  expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
  return used - enc.k;
}

const patternArb = fc.constantFrom<Pattern>('sources', 'repairs', 'mixed', 'shuffled');

describe('raptorq round trips', () => {
  it('random sizes up to 60 kB, random symbol sizes, every loss pattern', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.constantFrom(768, 768, 20, 1, 3, 64, 1000),
        patternArb,
        fc.integer(),
        (anySize, symbolSize, pattern, seed) => {
          const size = Math.min(anySize, symbolSize * 400); // at most 400 source symbols: keeps the suite fast
          const overhead = roundTrip(size, symbolSize, pattern, seed);
          expect(overhead).toBeLessThanOrEqual(pattern === 'sources' ? 0 : 10);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('random sizes up to 2,000,000 bytes (a few samples)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 60_000, max: 2_000_000 }),
        patternArb,
        fc.integer(),
        (size, pattern, seed) => {
          roundTrip(size, 768, pattern, seed);
        },
      ),
      { numRuns: 3 },
    );
    roundTrip(2_000_000, 768, 'repairs', 7);
  });

  it('every K from 1 to 40 (K-prime rows 10, 12, 18, 20, 26, 30, 32, 36 of Table 2) from repairs only', () => {
    for (let k = 1; k <= 40; k++) roundTrip(4 * k - (k % 3), 4, 'repairs', k);
  });

  it('random K in 1..2605 (prime P included), symbols of 4..32 bytes, a random mix of sources and repairs', () => {
    // K whose P is prime: there TON's P1 (> P) and RFC 6330's (>= P) differ (params.ts).
    const primeP = Array.from({ length: 2605 }, (_, i) => i + 1).filter((K) => isPrime(paramsForK(K).P));
    expect(primeP.length).toBe(608);
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 1, max: 2605 }), fc.constantFrom(...primeP)),
        fc.integer({ min: 4, max: 32 }),
        fc.integer({ min: 0, max: 31 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer(),
        (K, symbolSize, short, loss, repairStart, seed) => {
          const size = Math.max(1, K * symbolSize - (short % symbolSize));
          const data = randomBytes(size, seed);
          const enc = new RaptorQEncoder(data, symbolSize);
          expect(enc.k).toBe(K);
          let s = seed >>> 0 || 1;
          const rnd = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
          const ids: number[] = [];
          for (let id = 0; id < K; id++) if (rnd() >= loss) ids.push(id);
          for (let i = 0; i < K + 40; i++) ids.push(K + repairStart + i);
          for (let i = ids.length - 1; i > 0; i--) {
            const j = Math.floor(rnd() * (i + 1));
            [ids[i], ids[j]] = [ids[j], ids[i]];
          }
          const dec = new RaptorQDecoder(size, symbolSize, size);
          let used = 0;
          for (const id of ids) {
            used++;
            if (dec.addSymbol(id, enc.symbol(id))) break;
          }
          expect(dec.done).toBe(true);
          expect(used - K).toBeLessThanOrEqual(10);
          expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps taking symbols when K of them do not determine the data', () => {
    // About 1% of K-symbol sets are singular: find one and check the decoder takes K+1 (or more) and is right.
    const size = 10_000;
    const data = randomBytes(size, 11);
    const enc = new RaptorQEncoder(data);
    let needed = 0;
    let singular = 0;
    for (let start = enc.k; needed <= enc.k; start += enc.k) {
      const dec = new RaptorQDecoder(size);
      needed = 0;
      for (let id = start; !dec.addSymbol(id, enc.symbol(id)); id++) needed++;
      needed++;
      expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
      singular = start;
    }
    expect(needed).toBeGreaterThan(enc.k);

    // The same K repairs fill every source slot; then sources take their slots back, each moving the repair
    // there to the overflow, until the set decodes.
    const dec = new RaptorQDecoder(size);
    for (let id = singular; id < singular + enc.k; id++)
      expect(dec.addSymbol(id, enc.symbol(id))).toBe(false);
    let x = 0;
    while (!dec.addSymbol(x, enc.symbol(x))) x++;
    expect(dec.received).toBe(enc.k + x + 1);
    expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
  });

  it('decodes with the largest symbol ids (ISI beyond 2^31)', () => {
    const data = randomBytes(100_000, 5);
    const enc = new RaptorQEncoder(data);
    const dec = new RaptorQDecoder(data.length);
    for (let id = 1; id < enc.k; id++) expect(dec.addSymbol(id, enc.symbol(id))).toBe(false);
    let id = 0x7fffffff;
    while (!dec.addSymbol(id, enc.symbol(id))) id--;
    expect(0x7fffffff - id).toBeLessThan(5);
    expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
  });

  it('ignores duplicates and symbols after done', () => {
    const data = randomBytes(5000, 3);
    const enc = new RaptorQEncoder(data);
    const dec = new RaptorQDecoder(5000);
    expect(dec.addSymbol(100, enc.symbol(100))).toBe(false);
    expect(dec.addSymbol(100, enc.symbol(100))).toBe(false);
    expect(dec.addSymbol(3, enc.symbol(3))).toBe(false);
    expect(dec.addSymbol(3, enc.symbol(3))).toBe(false);
    expect(dec.received).toBe(2);
    let id = 200;
    while (!dec.addSymbol(id, enc.symbol(id))) id++;
    expect(dec.received).toBeLessThanOrEqual(enc.k + 2);
    expect(dec.addSymbol(5, enc.symbol(5))).toBe(true);
    expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
    expect(dec.data()).toBe(dec.data());
  });
});

describe('raptorq malformed input', () => {
  const isRaptorQError = (fn: () => unknown): void => {
    expect(fn).toThrow(RaptorQError);
  };

  it('rejects bad sizes before allocating', () => {
    isRaptorQError(() => new RaptorQDecoder(2_000_001, 768, 2_000_000));
    isRaptorQError(() => new RaptorQDecoder(2 ** 40, 768, 2_000_000));
    isRaptorQError(() => new RaptorQDecoder(0, 768, 10));
    isRaptorQError(() => new RaptorQDecoder(-1, 768, 10));
    isRaptorQError(() => new RaptorQDecoder(Number.NaN, 768, 10));
    isRaptorQError(() => new RaptorQDecoder(100, 0, 1000));
    isRaptorQError(() => new RaptorQDecoder(100, 2049, 1000));
    isRaptorQError(() => new RaptorQDecoder(100, 1.5, 1000));
    isRaptorQError(() => new RaptorQDecoder(100, 768, -1));
    // more than 56403 source symbols even though the caller's limit allows it
    isRaptorQError(() => new RaptorQDecoder(56404, 1, 1e9));
    isRaptorQError(() => new RaptorQEncoder(new Uint8Array(0)));
    isRaptorQError(() => new RaptorQEncoder(new Uint8Array(10), 0));
    isRaptorQError(() => new RaptorQEncoder(new Uint8Array(56404), 1));
  });

  it('rejects bad ids, wrong-size symbols and early data()', () => {
    const enc = new RaptorQEncoder(randomBytes(3000, 5));
    const dec = new RaptorQDecoder(3000);
    isRaptorQError(() => dec.addSymbol(0, new Uint8Array(767)));
    isRaptorQError(() => dec.addSymbol(0, new Uint8Array(769)));
    isRaptorQError(() => dec.addSymbol(-1, new Uint8Array(768)));
    isRaptorQError(() => dec.addSymbol(2 ** 31, new Uint8Array(768)));
    isRaptorQError(() => dec.addSymbol(1.5, new Uint8Array(768)));
    isRaptorQError(() => dec.data());
    isRaptorQError(() => enc.symbol(-1));
    isRaptorQError(() => enc.symbolInto(0, new Uint8Array(10)));
    expect(dec.received).toBe(0);
  });

  it('random ids and byte strings give booleans or RaptorQError only', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(
          fc.tuple(
            fc.oneof(fc.integer({ min: -5, max: 200 }), fc.integer()),
            fc.uint8Array({ maxLength: 40 }),
          ),
        ),
        (size, symbols) => {
          const dec = new RaptorQDecoder(size, 16, 20_000);
          for (const [id, bytes] of symbols) {
            try {
              expect(typeof dec.addSymbol(id, bytes)).toBe('boolean');
            } catch (e) {
              expect(e).toBeInstanceOf(RaptorQError);
            }
          }
          if (dec.done) expect(dec.data().length).toBe(size);
        },
      ),
      { numRuns: 200 },
    );
  });
});
