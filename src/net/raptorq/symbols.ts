/**
 * Symbol kernels over 32-bit words. A symbol occupies `n` words of a Uint32Array (n a multiple of 4, the bytes
 * past the symbol size are zero and stay zero), so every XOR moves 4 bytes per operation and the loops unroll
 * by 4 without a tail. GF(256) kernels work on 4 packed bytes per word through the MUL table.
 */
import { MUL } from './gf256.ts';

/** d = a */
export function set1(d: Uint32Array, o: number, a: Uint32Array, ao: number, n: number): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] = a[ao + i];
    d[o + i + 1] = a[ao + i + 1];
    d[o + i + 2] = a[ao + i + 2];
    d[o + i + 3] = a[ao + i + 3];
  }
}

/** d = a ^ b */
export function set2(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  n: number,
) {
  for (let i = 0; i < n; i += 4) {
    d[o + i] = a[ao + i] ^ b[bo + i];
    d[o + i + 1] = a[ao + i + 1] ^ b[bo + i + 1];
    d[o + i + 2] = a[ao + i + 2] ^ b[bo + i + 2];
    d[o + i + 3] = a[ao + i + 3] ^ b[bo + i + 3];
  }
}

/** d = a ^ b ^ c */
export function set3(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  c: Uint32Array,
  co: number,
  n: number,
): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] = a[ao + i] ^ b[bo + i] ^ c[co + i];
    d[o + i + 1] = a[ao + i + 1] ^ b[bo + i + 1] ^ c[co + i + 1];
    d[o + i + 2] = a[ao + i + 2] ^ b[bo + i + 2] ^ c[co + i + 2];
    d[o + i + 3] = a[ao + i + 3] ^ b[bo + i + 3] ^ c[co + i + 3];
  }
}

/** d = a ^ b ^ c ^ e */
export function set4(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  c: Uint32Array,
  co: number,
  e: Uint32Array,
  eo: number,
  n: number,
): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] = a[ao + i] ^ b[bo + i] ^ c[co + i] ^ e[eo + i];
    d[o + i + 1] = a[ao + i + 1] ^ b[bo + i + 1] ^ c[co + i + 1] ^ e[eo + i + 1];
    d[o + i + 2] = a[ao + i + 2] ^ b[bo + i + 2] ^ c[co + i + 2] ^ e[eo + i + 2];
    d[o + i + 3] = a[ao + i + 3] ^ b[bo + i + 3] ^ c[co + i + 3] ^ e[eo + i + 3];
  }
}

/** d ^= a */
export function xor1(d: Uint32Array, o: number, a: Uint32Array, ao: number, n: number): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] ^= a[ao + i];
    d[o + i + 1] ^= a[ao + i + 1];
    d[o + i + 2] ^= a[ao + i + 2];
    d[o + i + 3] ^= a[ao + i + 3];
  }
}

/** d ^= a ^ b */
export function xor2(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  n: number,
) {
  for (let i = 0; i < n; i += 4) {
    d[o + i] ^= a[ao + i] ^ b[bo + i];
    d[o + i + 1] ^= a[ao + i + 1] ^ b[bo + i + 1];
    d[o + i + 2] ^= a[ao + i + 2] ^ b[bo + i + 2];
    d[o + i + 3] ^= a[ao + i + 3] ^ b[bo + i + 3];
  }
}

/** d ^= a ^ b ^ c */
export function xor3(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  c: Uint32Array,
  co: number,
  n: number,
): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] ^= a[ao + i] ^ b[bo + i] ^ c[co + i];
    d[o + i + 1] ^= a[ao + i + 1] ^ b[bo + i + 1] ^ c[co + i + 1];
    d[o + i + 2] ^= a[ao + i + 2] ^ b[bo + i + 2] ^ c[co + i + 2];
    d[o + i + 3] ^= a[ao + i + 3] ^ b[bo + i + 3] ^ c[co + i + 3];
  }
}

/** d ^= a ^ b ^ c ^ e */
export function xor4(
  d: Uint32Array,
  o: number,
  a: Uint32Array,
  ao: number,
  b: Uint32Array,
  bo: number,
  c: Uint32Array,
  co: number,
  e: Uint32Array,
  eo: number,
  n: number,
): void {
  for (let i = 0; i < n; i += 4) {
    d[o + i] ^= a[ao + i] ^ b[bo + i] ^ c[co + i] ^ e[eo + i];
    d[o + i + 1] ^= a[ao + i + 1] ^ b[bo + i + 1] ^ c[co + i + 1] ^ e[eo + i + 1];
    d[o + i + 2] ^= a[ao + i + 2] ^ b[bo + i + 2] ^ c[co + i + 2] ^ e[eo + i + 2];
    d[o + i + 3] ^= a[ao + i + 3] ^ b[bo + i + 3] ^ c[co + i + 3] ^ e[eo + i + 3];
  }
}

export function zero(d: Uint32Array, o: number, n: number): void {
  d.fill(0, o, o + n);
}

/** d ^= c * a in GF(256), c != 0, byte-wise through the packed words. */
export function fma(d: Uint32Array, o: number, a: Uint32Array, ao: number, c: number, n: number): void {
  const m = c << 8;
  for (let i = 0; i < n; i++) {
    const v = a[ao + i];
    if (v === 0) continue;
    d[o + i] ^=
      MUL[m | (v & 255)] |
      (MUL[m | ((v >>> 8) & 255)] << 8) |
      (MUL[m | ((v >>> 16) & 255)] << 16) |
      (MUL[m | (v >>> 24)] << 24);
  }
}

/** d = c * d in GF(256). */
export function scale(d: Uint32Array, o: number, c: number, n: number): void {
  const m = c << 8;
  for (let i = 0; i < n; i++) {
    const v = d[o + i];
    d[o + i] =
      MUL[m | (v & 255)] |
      (MUL[m | ((v >>> 8) & 255)] << 8) |
      (MUL[m | ((v >>> 16) & 255)] << 16) |
      (MUL[m | (v >>> 24)] << 24);
  }
}

/**
 * One step of the HDPC chain (RFC 6330 §5.3.3.3, G_HDPC = MT * GAMMA): y = alpha * y ^ a; then y is added to the
 * two accumulators of the HDPC rows that column of MT hits.
 */
export function chain(
  y: Uint32Array,
  yo: number,
  a: Uint32Array,
  ao: number,
  h1: number,
  h2: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i];
    const r = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d) ^ a[ao + i];
    y[yo + i] = r;
    y[h1 + i] ^= r;
    y[h2 + i] ^= r;
  }
}

/** chain() for a column without a known value: y = alpha * y, then the two accumulators. */
export function chain0(y: Uint32Array, yo: number, h1: number, h2: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i];
    const r = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d);
    y[yo + i] = r;
    y[h1 + i] ^= r;
    y[h2 + i] ^= r;
  }
}

/** y = alpha * y ^ a (a may be absent: pass ao < 0). */
export function alphaXor(y: Uint32Array, yo: number, a: Uint32Array, ao: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const v = y[yo + i];
    const r = ((v & 0x7f7f7f7f) << 1) ^ (((v >>> 7) & 0x01010101) * 0x1d);
    y[yo + i] = ao < 0 ? r : r ^ a[ao + i];
  }
}
