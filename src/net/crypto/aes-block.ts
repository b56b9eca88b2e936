/**
 * AES-256 block encryption (FIPS-197) with 32-bit lookup tables, for the CTR keystream only (CTR never needs the
 * inverse cipher). Words are big-endian column words as in FIPS-197: byte 0 of a column is its top byte.
 *
 * Tables are computed at load time from the GF(2^8) definitions (no constant tables to mistype):
 *   SBOX[x] = affine(x^-1);  TE0[x] = (2·s, s, s, 3·s) with s = SBOX[x];  TE1..TE3 = TE0 rotated right by 8·k.
 * One round for column c is TE0[top byte of column c] ^ TE1[byte 1 of column c+1] ^ TE2[byte 2 of c+2] ^
 * TE3[byte 3 of c+3] ^ round key: SubBytes, ShiftRows and MixColumns in four lookups. The last round has no
 * MixColumns and uses SBOX directly. Checked against noble's AES and WebCrypto in tests/unit/crypto.
 */

const SBOX = new Uint8Array(256);
// Int32Array, not Uint32Array: words above 2^31 read from a Uint32Array leave V8's int32 fast path (heap numbers).
const TE0 = new Int32Array(256);
const TE1 = new Int32Array(256);
const TE2 = new Int32Array(256);
const TE3 = new Int32Array(256);

/** Multiplication by x (i.e. 2) in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1. */
const xtime = (a: number): number => ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;

(function buildTables(): void {
  // Walk the multiplicative group with generator 3: p = 3^i, q = 3^-i, so q = p^-1.
  let p = 1;
  let q = 1;
  do {
    p = p ^ xtime(p); // p · 3
    q ^= q << 1; // q / 3 (multiply by 3^-1 = 0xf6)
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    const rot = (x: number, n: number) => ((x << n) | (x >>> (8 - n))) & 0xff;
    SBOX[p] = (q ^ rot(q, 1) ^ rot(q, 2) ^ rot(q, 3) ^ rot(q, 4) ^ 0x63) & 0xff;
  } while (p !== 1);
  SBOX[0] = 0x63; // 0 has no inverse; affine(0)
  for (let x = 0; x < 256; x++) {
    const s = SBOX[x];
    const s2 = xtime(s);
    const s3 = s2 ^ s;
    const w = (s2 << 24) | (s << 16) | (s << 8) | s3;
    TE0[x] = w;
    TE1[x] = (w >>> 8) | (w << 24);
    TE2[x] = (w >>> 16) | (w << 16);
    TE3[x] = (w >>> 24) | (w << 8);
  }
})();

const subWord = (w: number): number =>
  ((SBOX[w >>> 24] << 24) |
    (SBOX[(w >>> 16) & 0xff] << 16) |
    (SBOX[(w >>> 8) & 0xff] << 8) |
    SBOX[w & 0xff]) >>>
  0;

/**
 * The 60 round-key words of AES-256 (FIPS-197 §5.2, Nk = 8, Nr = 14) as int32, into `w` if given (60 words).
 * `key` must be 32 bytes.
 */
export function expandKey256(key: Uint8Array, w: Int32Array = new Int32Array(60)): Int32Array {
  for (let i = 0; i < 8; i++) {
    w[i] = (key[4 * i] << 24) | (key[4 * i + 1] << 16) | (key[4 * i + 2] << 8) | key[4 * i + 3];
  }
  let rcon = 1;
  for (let i = 8; i < 60; i++) {
    let t = w[i - 1];
    if (i % 8 === 0) {
      t = subWord((t << 8) | (t >>> 24)) ^ (rcon << 24);
      rcon = xtime(rcon);
    } else if (i % 8 === 4) {
      t = subWord(t);
    }
    w[i] = w[i - 8] ^ t;
  }
  return w;
}

/** Uint32 views read bytes in platform order; keystream words are stored so that their bytes come out in order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const bswap32 = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

/**
 * Writes `blocks` AES-256-CTR keystream blocks into `out` (4 words per block, from word 0) so that the bytes of
 * `out` are the keystream bytes, starting from the counter block `ctr` (four big-endian words as int32, most
 * significant first). `ctr` is advanced by `blocks` as one 128-bit big-endian integer (wrapping at 2^128).
 *
 * Counter-mode caching: for 256 consecutive blocks only the last counter byte changes, and that byte enters
 * round 1 through one lookup (column 0), so round 1 is one lookup and round 2 one lookup per column, the other
 * 27 lookups being computed once per run of 256 (recomputed whenever the increment carries out of the last byte).
 */
export function ctrKeystream(xk: Int32Array, ctr: Int32Array, out: Int32Array, blocks: number): void {
  let c0 = ctr[0];
  let c1 = ctr[1];
  let c2 = ctr[2];
  let c3 = ctr[3];
  const t0 = TE0;
  const t1 = TE1;
  const t2 = TE2;
  const t3 = TE3;
  const sb = SBOX;
  // Round-1 and round-2 parts that do not depend on the last counter byte.
  let b0 = 0;
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  let stale = true;
  for (let b = 0, o = 0; b < blocks; b++, o += 4) {
    if (stale) {
      const s0 = c0 ^ xk[0];
      const s1 = c1 ^ xk[1];
      const s2 = c2 ^ xk[2];
      const s3 = c3 ^ xk[3];
      b0 = t0[s0 >>> 24] ^ t1[(s1 >>> 16) & 0xff] ^ t2[(s2 >>> 8) & 0xff] ^ xk[4];
      const u1 = t0[s1 >>> 24] ^ t1[(s2 >>> 16) & 0xff] ^ t2[(s3 >>> 8) & 0xff] ^ t3[s0 & 0xff] ^ xk[5];
      const u2 = t0[s2 >>> 24] ^ t1[(s3 >>> 16) & 0xff] ^ t2[(s0 >>> 8) & 0xff] ^ t3[s1 & 0xff] ^ xk[6];
      const u3 = t0[s3 >>> 24] ^ t1[(s0 >>> 16) & 0xff] ^ t2[(s1 >>> 8) & 0xff] ^ t3[s2 & 0xff] ^ xk[7];
      f0 = t1[(u1 >>> 16) & 0xff] ^ t2[(u2 >>> 8) & 0xff] ^ t3[u3 & 0xff] ^ xk[8];
      f1 = t0[u1 >>> 24] ^ t1[(u2 >>> 16) & 0xff] ^ t2[(u3 >>> 8) & 0xff] ^ xk[9];
      f2 = t0[u2 >>> 24] ^ t1[(u3 >>> 16) & 0xff] ^ t3[u1 & 0xff] ^ xk[10];
      f3 = t0[u3 >>> 24] ^ t2[(u1 >>> 8) & 0xff] ^ t3[u2 & 0xff] ^ xk[11];
      stale = false;
    }
    const u0 = b0 ^ t3[(c3 ^ xk[3]) & 0xff];
    let s0 = f0 ^ t0[u0 >>> 24];
    let s1 = f1 ^ t3[u0 & 0xff];
    let s2 = f2 ^ t2[(u0 >>> 8) & 0xff];
    let s3 = f3 ^ t1[(u0 >>> 16) & 0xff];
    // Rounds 3..13 written out (measured ~10% faster than a loop in V8: round keys at constant offsets).
    const x3_0 = t0[s0 >>> 24] ^ t1[(s1 >>> 16) & 0xff] ^ t2[(s2 >>> 8) & 0xff] ^ t3[s3 & 0xff] ^ xk[12];
    const x3_1 = t0[s1 >>> 24] ^ t1[(s2 >>> 16) & 0xff] ^ t2[(s3 >>> 8) & 0xff] ^ t3[s0 & 0xff] ^ xk[13];
    const x3_2 = t0[s2 >>> 24] ^ t1[(s3 >>> 16) & 0xff] ^ t2[(s0 >>> 8) & 0xff] ^ t3[s1 & 0xff] ^ xk[14];
    const x3_3 = t0[s3 >>> 24] ^ t1[(s0 >>> 16) & 0xff] ^ t2[(s1 >>> 8) & 0xff] ^ t3[s2 & 0xff] ^ xk[15];
    const x4_0 =
      t0[x3_0 >>> 24] ^ t1[(x3_1 >>> 16) & 0xff] ^ t2[(x3_2 >>> 8) & 0xff] ^ t3[x3_3 & 0xff] ^ xk[16];
    const x4_1 =
      t0[x3_1 >>> 24] ^ t1[(x3_2 >>> 16) & 0xff] ^ t2[(x3_3 >>> 8) & 0xff] ^ t3[x3_0 & 0xff] ^ xk[17];
    const x4_2 =
      t0[x3_2 >>> 24] ^ t1[(x3_3 >>> 16) & 0xff] ^ t2[(x3_0 >>> 8) & 0xff] ^ t3[x3_1 & 0xff] ^ xk[18];
    const x4_3 =
      t0[x3_3 >>> 24] ^ t1[(x3_0 >>> 16) & 0xff] ^ t2[(x3_1 >>> 8) & 0xff] ^ t3[x3_2 & 0xff] ^ xk[19];
    const x5_0 =
      t0[x4_0 >>> 24] ^ t1[(x4_1 >>> 16) & 0xff] ^ t2[(x4_2 >>> 8) & 0xff] ^ t3[x4_3 & 0xff] ^ xk[20];
    const x5_1 =
      t0[x4_1 >>> 24] ^ t1[(x4_2 >>> 16) & 0xff] ^ t2[(x4_3 >>> 8) & 0xff] ^ t3[x4_0 & 0xff] ^ xk[21];
    const x5_2 =
      t0[x4_2 >>> 24] ^ t1[(x4_3 >>> 16) & 0xff] ^ t2[(x4_0 >>> 8) & 0xff] ^ t3[x4_1 & 0xff] ^ xk[22];
    const x5_3 =
      t0[x4_3 >>> 24] ^ t1[(x4_0 >>> 16) & 0xff] ^ t2[(x4_1 >>> 8) & 0xff] ^ t3[x4_2 & 0xff] ^ xk[23];
    const x6_0 =
      t0[x5_0 >>> 24] ^ t1[(x5_1 >>> 16) & 0xff] ^ t2[(x5_2 >>> 8) & 0xff] ^ t3[x5_3 & 0xff] ^ xk[24];
    const x6_1 =
      t0[x5_1 >>> 24] ^ t1[(x5_2 >>> 16) & 0xff] ^ t2[(x5_3 >>> 8) & 0xff] ^ t3[x5_0 & 0xff] ^ xk[25];
    const x6_2 =
      t0[x5_2 >>> 24] ^ t1[(x5_3 >>> 16) & 0xff] ^ t2[(x5_0 >>> 8) & 0xff] ^ t3[x5_1 & 0xff] ^ xk[26];
    const x6_3 =
      t0[x5_3 >>> 24] ^ t1[(x5_0 >>> 16) & 0xff] ^ t2[(x5_1 >>> 8) & 0xff] ^ t3[x5_2 & 0xff] ^ xk[27];
    const x7_0 =
      t0[x6_0 >>> 24] ^ t1[(x6_1 >>> 16) & 0xff] ^ t2[(x6_2 >>> 8) & 0xff] ^ t3[x6_3 & 0xff] ^ xk[28];
    const x7_1 =
      t0[x6_1 >>> 24] ^ t1[(x6_2 >>> 16) & 0xff] ^ t2[(x6_3 >>> 8) & 0xff] ^ t3[x6_0 & 0xff] ^ xk[29];
    const x7_2 =
      t0[x6_2 >>> 24] ^ t1[(x6_3 >>> 16) & 0xff] ^ t2[(x6_0 >>> 8) & 0xff] ^ t3[x6_1 & 0xff] ^ xk[30];
    const x7_3 =
      t0[x6_3 >>> 24] ^ t1[(x6_0 >>> 16) & 0xff] ^ t2[(x6_1 >>> 8) & 0xff] ^ t3[x6_2 & 0xff] ^ xk[31];
    const x8_0 =
      t0[x7_0 >>> 24] ^ t1[(x7_1 >>> 16) & 0xff] ^ t2[(x7_2 >>> 8) & 0xff] ^ t3[x7_3 & 0xff] ^ xk[32];
    const x8_1 =
      t0[x7_1 >>> 24] ^ t1[(x7_2 >>> 16) & 0xff] ^ t2[(x7_3 >>> 8) & 0xff] ^ t3[x7_0 & 0xff] ^ xk[33];
    const x8_2 =
      t0[x7_2 >>> 24] ^ t1[(x7_3 >>> 16) & 0xff] ^ t2[(x7_0 >>> 8) & 0xff] ^ t3[x7_1 & 0xff] ^ xk[34];
    const x8_3 =
      t0[x7_3 >>> 24] ^ t1[(x7_0 >>> 16) & 0xff] ^ t2[(x7_1 >>> 8) & 0xff] ^ t3[x7_2 & 0xff] ^ xk[35];
    const x9_0 =
      t0[x8_0 >>> 24] ^ t1[(x8_1 >>> 16) & 0xff] ^ t2[(x8_2 >>> 8) & 0xff] ^ t3[x8_3 & 0xff] ^ xk[36];
    const x9_1 =
      t0[x8_1 >>> 24] ^ t1[(x8_2 >>> 16) & 0xff] ^ t2[(x8_3 >>> 8) & 0xff] ^ t3[x8_0 & 0xff] ^ xk[37];
    const x9_2 =
      t0[x8_2 >>> 24] ^ t1[(x8_3 >>> 16) & 0xff] ^ t2[(x8_0 >>> 8) & 0xff] ^ t3[x8_1 & 0xff] ^ xk[38];
    const x9_3 =
      t0[x8_3 >>> 24] ^ t1[(x8_0 >>> 16) & 0xff] ^ t2[(x8_1 >>> 8) & 0xff] ^ t3[x8_2 & 0xff] ^ xk[39];
    const x10_0 =
      t0[x9_0 >>> 24] ^ t1[(x9_1 >>> 16) & 0xff] ^ t2[(x9_2 >>> 8) & 0xff] ^ t3[x9_3 & 0xff] ^ xk[40];
    const x10_1 =
      t0[x9_1 >>> 24] ^ t1[(x9_2 >>> 16) & 0xff] ^ t2[(x9_3 >>> 8) & 0xff] ^ t3[x9_0 & 0xff] ^ xk[41];
    const x10_2 =
      t0[x9_2 >>> 24] ^ t1[(x9_3 >>> 16) & 0xff] ^ t2[(x9_0 >>> 8) & 0xff] ^ t3[x9_1 & 0xff] ^ xk[42];
    const x10_3 =
      t0[x9_3 >>> 24] ^ t1[(x9_0 >>> 16) & 0xff] ^ t2[(x9_1 >>> 8) & 0xff] ^ t3[x9_2 & 0xff] ^ xk[43];
    const x11_0 =
      t0[x10_0 >>> 24] ^ t1[(x10_1 >>> 16) & 0xff] ^ t2[(x10_2 >>> 8) & 0xff] ^ t3[x10_3 & 0xff] ^ xk[44];
    const x11_1 =
      t0[x10_1 >>> 24] ^ t1[(x10_2 >>> 16) & 0xff] ^ t2[(x10_3 >>> 8) & 0xff] ^ t3[x10_0 & 0xff] ^ xk[45];
    const x11_2 =
      t0[x10_2 >>> 24] ^ t1[(x10_3 >>> 16) & 0xff] ^ t2[(x10_0 >>> 8) & 0xff] ^ t3[x10_1 & 0xff] ^ xk[46];
    const x11_3 =
      t0[x10_3 >>> 24] ^ t1[(x10_0 >>> 16) & 0xff] ^ t2[(x10_1 >>> 8) & 0xff] ^ t3[x10_2 & 0xff] ^ xk[47];
    const x12_0 =
      t0[x11_0 >>> 24] ^ t1[(x11_1 >>> 16) & 0xff] ^ t2[(x11_2 >>> 8) & 0xff] ^ t3[x11_3 & 0xff] ^ xk[48];
    const x12_1 =
      t0[x11_1 >>> 24] ^ t1[(x11_2 >>> 16) & 0xff] ^ t2[(x11_3 >>> 8) & 0xff] ^ t3[x11_0 & 0xff] ^ xk[49];
    const x12_2 =
      t0[x11_2 >>> 24] ^ t1[(x11_3 >>> 16) & 0xff] ^ t2[(x11_0 >>> 8) & 0xff] ^ t3[x11_1 & 0xff] ^ xk[50];
    const x12_3 =
      t0[x11_3 >>> 24] ^ t1[(x11_0 >>> 16) & 0xff] ^ t2[(x11_1 >>> 8) & 0xff] ^ t3[x11_2 & 0xff] ^ xk[51];
    const x13_0 =
      t0[x12_0 >>> 24] ^ t1[(x12_1 >>> 16) & 0xff] ^ t2[(x12_2 >>> 8) & 0xff] ^ t3[x12_3 & 0xff] ^ xk[52];
    const x13_1 =
      t0[x12_1 >>> 24] ^ t1[(x12_2 >>> 16) & 0xff] ^ t2[(x12_3 >>> 8) & 0xff] ^ t3[x12_0 & 0xff] ^ xk[53];
    const x13_2 =
      t0[x12_2 >>> 24] ^ t1[(x12_3 >>> 16) & 0xff] ^ t2[(x12_0 >>> 8) & 0xff] ^ t3[x12_1 & 0xff] ^ xk[54];
    const x13_3 =
      t0[x12_3 >>> 24] ^ t1[(x12_0 >>> 16) & 0xff] ^ t2[(x12_1 >>> 8) & 0xff] ^ t3[x12_2 & 0xff] ^ xk[55];
    s0 = x13_0;
    s1 = x13_1;
    s2 = x13_2;
    s3 = x13_3;
    // k = 56: the last round (SubBytes, ShiftRows, AddRoundKey).
    const r0 =
      ((sb[s0 >>> 24] << 24) |
        (sb[(s1 >>> 16) & 0xff] << 16) |
        (sb[(s2 >>> 8) & 0xff] << 8) |
        sb[s3 & 0xff]) ^
      xk[56];
    const r1 =
      ((sb[s1 >>> 24] << 24) |
        (sb[(s2 >>> 16) & 0xff] << 16) |
        (sb[(s3 >>> 8) & 0xff] << 8) |
        sb[s0 & 0xff]) ^
      xk[57];
    const r2 =
      ((sb[s2 >>> 24] << 24) |
        (sb[(s3 >>> 16) & 0xff] << 16) |
        (sb[(s0 >>> 8) & 0xff] << 8) |
        sb[s1 & 0xff]) ^
      xk[58];
    const r3 =
      ((sb[s3 >>> 24] << 24) |
        (sb[(s0 >>> 16) & 0xff] << 16) |
        (sb[(s1 >>> 8) & 0xff] << 8) |
        sb[s2 & 0xff]) ^
      xk[59];
    if (LITTLE_ENDIAN) {
      out[o] = bswap32(r0);
      out[o + 1] = bswap32(r1);
      out[o + 2] = bswap32(r2);
      out[o + 3] = bswap32(r3);
    } else {
      out[o] = r0;
      out[o + 1] = r1;
      out[o + 2] = r2;
      out[o + 3] = r3;
    }
    c3 = (c3 + 1) | 0;
    if ((c3 & 0xff) === 0) stale = true;
    if (c3 === 0) {
      c2 = (c2 + 1) | 0;
      if (c2 === 0) {
        c1 = (c1 + 1) | 0;
        if (c1 === 0) c0 = (c0 + 1) | 0;
      }
    }
  }
  ctr[0] = c0;
  ctr[1] = c1;
  ctr[2] = c2;
  ctr[3] = c3;
}
