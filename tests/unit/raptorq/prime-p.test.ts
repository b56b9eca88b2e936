/**
 * RaptorQ for every K in 1..2605 whose P is prime, against xssnick/raptorq v1.0.0 (tonutils-go's RaptorQ): there
 * TON's P1 (smallest prime > P) and RFC 6330's (>= P) differ, and with them every repair symbol. For each K: the
 * parameters, the repair symbols the vector pins (sha256 of ESI K, K+1, K+7; full bytes of ESI K for some K), and
 * a decode from repair symbols only (ESI K, K+1, ... until done; the vector's own bytes where it lists them).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramsForK, RaptorQDecoder, RaptorQEncoder } from '../../../src/net/raptorq/index.ts';

interface RepairSymbol {
  esi: number;
  sha256: string;
  hex?: string;
}
interface PrimePVector {
  K: number;
  data_size: number;
  K_prime: number;
  J: number;
  S: number;
  H: number;
  W: number;
  L: number;
  P: number;
  P1: number;
  P1_if_ge_rule: number;
  payload_sha256: string;
  repair_symbols: RepairSymbol[];
}
interface PrimePFile {
  symbol_size: number;
  payload_rule: string;
  data_size_rule: string;
  prime_P_K_count: number;
  K_range: [number, number];
  prime_P_K: number[];
  full_hex_K: number[];
  vectors: PrimePVector[];
}

const file = JSON.parse(
  readFileSync(
    new URL('../../../../shared/spec/vectors/tonutils-go/raptorq-prime-p.json', import.meta.url),
    'utf8',
  ),
) as PrimePFile;
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const T = file.symbol_size;

/** The largest payload of the file, by payload_rule; each vector uses a prefix of it. */
const payload = new Uint8Array(Math.max(...file.vectors.map((v) => v.data_size)));
for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;

describe('raptorq vs xssnick/raptorq where P is prime (P1 = smallest prime > P)', () => {
  it('the file lists every K of its range whose P is prime, with the rules the test follows', () => {
    expect(file.payload_rule).toBe('byte[i] = (i*31 + 7) & 0xff');
    expect(file.data_size_rule).toBe('K*768 - 5 for K > 1; 1 for K = 1');
    expect(T).toBe(768);
    const [lo, hi] = file.K_range;
    const primeP: number[] = [];
    const isPrime = (n: number): boolean => {
      for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
      return n >= 2;
    };
    for (let K = lo; K <= hi; K++) if (isPrime(paramsForK(K).P)) primeP.push(K);
    expect(primeP).toEqual(file.prime_P_K);
    expect(file.vectors.map((v) => v.K)).toEqual(file.prime_P_K);
    expect(file.vectors.length).toBe(file.prime_P_K_count);
    expect(file.vectors.filter((v) => v.repair_symbols.some((s) => s.hex)).map((v) => v.K)).toEqual(
      file.full_hex_K,
    );
  });

  for (const v of file.vectors) {
    it(`K=${v.K}: parameters, repair symbols ${v.repair_symbols.map((s) => s.esi).join(', ')}, decode from repairs only`, () => {
      expect(v.data_size).toBe(v.K === 1 ? 1 : v.K * T - 5);
      const data = payload.subarray(0, v.data_size);
      expect(sha256(data)).toBe(v.payload_sha256);

      const p = paramsForK(v.K);
      expect([p.K, p.Kp, p.J, p.S, p.H, p.W, p.L, p.P, p.P1]).toEqual([
        v.K,
        v.K_prime,
        v.J,
        v.S,
        v.H,
        v.W,
        v.L,
        v.P,
        v.P1,
      ]);
      expect(v.P1_if_ge_rule).toBe(v.P);
      expect(p.P1).toBeGreaterThan(p.P);

      const enc = new RaptorQEncoder(data, T);
      expect(enc.k).toBe(v.K);
      const given = new Map<number, Uint8Array>();
      for (const s of v.repair_symbols) {
        const mine = enc.symbol(s.esi);
        expect(sha256(mine), `ESI ${s.esi}`).toBe(s.sha256);
        if (s.hex !== undefined) {
          expect(Buffer.from(mine).toString('hex'), `ESI ${s.esi}`).toBe(s.hex);
          given.set(s.esi, Uint8Array.from(Buffer.from(s.hex, 'hex')));
        }
      }

      // Repair symbols only: the vector's bytes where it gives them, our encoder (pinned above) for the rest.
      const dec = new RaptorQDecoder(v.data_size, T, v.data_size);
      let id = v.K;
      while (!dec.addSymbol(id, given.get(id) ?? enc.symbol(id)) && id < 2 * v.K + 10) id++;
      expect(dec.done).toBe(true);
      expect(dec.received).toBeGreaterThanOrEqual(v.K);
      expect(dec.received).toBeLessThanOrEqual(v.K + 10);
      expect(sha256(dec.data())).toBe(v.payload_sha256);
      expect(Buffer.from(dec.data()).equals(Buffer.from(data))).toBe(true);
    });
  }
});
