/**
 * HmLabel of block.tlb (lines 20-22), the edge label of every Patricia dictionary:
 *   hml_short$0 {m:#} {n:#} len:(Unary ~n) {n <= m} s:(n * Bit) = HmLabel ~n m;
 *   hml_long$10 {m:#} n:(#<= m) s:(n * Bit) = HmLabel ~n m;
 *   hml_same$11 {m:#} v:Bit n:(#<= m) = HmLabel ~n m;
 * Labels are handled as strings of '0'/'1' (dictionary keys here are at most 256 bits).
 */
import type { Builder, Slice } from '@ton/core';
import { TlbError } from './errors.ts';

/** Bits of `#<= m`: ceil(log2(m + 1)). */
export function lenBits(m: number): number {
  return m === 0 ? 0 : 32 - Math.clz32(m);
}

/** The `n` bits of `key` (most significant first) as a '0'/'1' string. */
export function keyBits(key: bigint, n: number): string {
  return n === 0 ? '' : key.toString(2).padStart(n, '0');
}

function loadBits(s: Slice, n: number): string {
  let bits = '';
  for (let i = 0; i < n; i++) bits += s.loadBit() ? '1' : '0';
  return bits;
}

/** Reads an HmLabel of at most `m` bits. TlbError('malformed') for a longer one. */
export function loadHmLabel(s: Slice, m: number): string {
  if (!s.loadBit()) {
    let n = 0;
    while (s.loadBit()) {
      if (++n > m) throw new TlbError('malformed', `dictionary label longer than ${m} bits`);
    }
    return loadBits(s, n);
  }
  const same = s.loadBit();
  const v = same ? (s.loadBit() ? '1' : '0') : '';
  const n = s.loadUint(lenBits(m));
  if (n > m) throw new TlbError('malformed', `dictionary label longer than ${m} bits`);
  return same ? v.repeat(n) : loadBits(s, n);
}

/** Writes `bits` as an HmLabel with bound m, choosing the shortest of short/long/same (as the C++ writer does). */
export function storeHmLabel(b: Builder, bits: string, m: number): void {
  const n = bits.length;
  const k = lenBits(m);
  const shortLen = 2 + 2 * n;
  const longLen = 2 + k + n;
  const same = n > 0 && (/^0+$/.test(bits) || /^1+$/.test(bits));
  const sameLen = same ? 3 + k : Infinity;
  if (shortLen <= longLen && shortLen <= sameLen) {
    b.storeBit(0);
    for (let i = 0; i < n; i++) b.storeBit(1);
    b.storeBit(0);
    for (const c of bits) b.storeBit(c === '1');
  } else if (longLen <= sameLen) {
    b.storeUint(0b10, 2).storeUint(n, k);
    for (const c of bits) b.storeBit(c === '1');
  } else {
    b.storeUint(0b11, 2)
      .storeBit(bits[0] === '1')
      .storeUint(n, k);
  }
}
