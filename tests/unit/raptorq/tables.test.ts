/**
 * The generated tables equal ../shared/spec/raptorq (regenerated in memory), GF(256) follows RFC 6330 §5.7, and
 * the derived parameters hold the invariants the codec relies on.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, generateRaptorqTables } from '../../../scripts/gen-raptorq-tables.ts';
import { gfInv, gfMul, MUL } from '../../../src/net/raptorq/gf256.ts';
import { isPrime, MAX_SOURCE_SYMBOLS, paramsForK } from '../../../src/net/raptorq/params.ts';
import { OCT_EXP, OCT_LOG, SYSTEMATIC_INDICES } from '../../../src/net/raptorq/tables.generated.ts';
import { RaptorQError } from '../../../src/net/raptorq/index.ts';

describe('raptorq tables', () => {
  it('committed tables.generated.ts equals a fresh generation (node --import tsx scripts/gen-raptorq-tables.ts)', async () => {
    expect(readFileSync(GENERATED_PATH, 'utf8') === (await generateRaptorqTables())).toBe(true);
  });

  it('OCT_EXP/OCT_LOG are the field of x^8+x^4+x^3+x^2+1 with alpha = 2', () => {
    let x = 1;
    for (let i = 0; i < 510; i++) {
      expect(OCT_EXP[i]).toBe(x);
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (let a = 1; a < 256; a++) expect(OCT_EXP[OCT_LOG[a]]).toBe(a);
  });

  it('multiplication table agrees with carry-less multiplication mod 0x11d', () => {
    const slow = (a: number, b: number): number => {
      let r = 0;
      for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
      for (let i = 15; i >= 8; i--) if ((r >> i) & 1) r ^= 0x11d << (i - 8);
      return r;
    };
    for (let a = 0; a < 256; a += 7) for (let b = 0; b < 256; b++) expect(MUL[(a << 8) | b]).toBe(slow(a, b));
    for (let a = 1; a < 256; a++) expect(gfMul(a, gfInv(a))).toBe(1);
  });

  it('every Table 2 row gives prime W and S, P >= H, and the spot checks of TON-RAPTORQ-PARAMS.md', () => {
    const rows = SYSTEMATIC_INDICES.length / 5;
    expect(rows).toBe(477);
    expect(Array.from(SYSTEMATIC_INDICES.subarray(0, 5))).toEqual([10, 254, 7, 10, 17]);
    expect(Array.from(SYSTEMATIC_INDICES.subarray(476 * 5))).toEqual([56403, 471, 907, 16, 56951]);
    for (let i = 0; i < rows; i++) {
      const p = paramsForK(SYSTEMATIC_INDICES[i * 5]);
      expect(isPrime(p.W) && isPrime(p.S) && isPrime(p.P1)).toBe(true);
      // TON's rule (params.ts): the smallest prime strictly greater than P
      expect(p.P1).toBeGreaterThan(p.P);
      for (let q = p.P + 1; q < p.P1; q++) expect(isPrime(q)).toBe(false);
      expect(p.P).toBeGreaterThanOrEqual(p.H);
      expect(p.Kp + p.S).toBeGreaterThanOrEqual(p.W);
    }
    expect(paramsForK(2605)).toMatchObject({
      Kp: 2640,
      S: 101,
      H: 11,
      W: 2671,
      L: 2752,
      P: 81,
      P1: 83,
      U: 70,
      B: 2570,
    });
    expect(MAX_SOURCE_SYMBOLS).toBe(56403);
    expect(() => paramsForK(0)).toThrow(RaptorQError);
    expect(() => paramsForK(56404)).toThrow(RaptorQError);
  });
});
