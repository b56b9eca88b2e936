/**
 * One-shot SHA-256 (FIPS 180-4) tuned for the ADNL hot path: every channel datagram is hashed once on seal and
 * once on open (AES-with-digest, DIGEST §1). All arithmetic stays in int32 (Int32Array tables, `| 0` sums) so
 * V8 keeps it in registers; blocks are read straight from the input, and only the padded tail is copied.
 *
 * The constants are derived at load time as the standard defines them (first 32 bits of the fractional parts of
 * the square roots of the first 8 primes, cube roots of the first 64 primes); checked against the FIPS examples,
 * noble and WebCrypto in tests/unit/crypto/sha256.test.ts.
 */

const K = new Int32Array(64);
const H0 = new Int32Array(8);

(function buildConstants(): void {
  const primes: number[] = [];
  for (let n = 2; primes.length < 64; n++) if (primes.every((p) => n % p !== 0)) primes.push(n);
  const frac32 = (x: number) => ((x - Math.floor(x)) * 0x100000000) | 0;
  for (let i = 0; i < 8; i++) H0[i] = frac32(Math.sqrt(primes[i]));
  for (let i = 0; i < 64; i++) {
    // Math.cbrt need not be correctly rounded: correct the root to the exact one in integers (x^3 vs p·2^96).
    const p = primes[i];
    let root = BigInt(Math.floor(Math.cbrt(p) * 2 ** 32));
    const target = BigInt(p) << 96n;
    while (root ** 3n > target) root--;
    while ((root + 1n) ** 3n <= target) root++;
    K[i] = Number(root & 0xffffffffn) | 0;
  }
})();

const W = new Int32Array(64);
const STATE = new Int32Array(8);
const TAIL = new Uint8Array(128);

/** Compresses the 64-byte blocks of `data` from `at` (`blocks` of them) into STATE. */
function compress(data: Uint8Array, at: number, blocks: number): void {
  const w = W;
  const k = K;
  let h0 = STATE[0];
  let h1 = STATE[1];
  let h2 = STATE[2];
  let h3 = STATE[3];
  let h4 = STATE[4];
  let h5 = STATE[5];
  let h6 = STATE[6];
  let h7 = STATE[7];
  for (let blk = 0; blk < blocks; blk++, at += 64) {
    for (let t = 0, i = at; t < 16; t++, i += 4) {
      w[t] = (data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3];
    }
    for (let t = 16; t < 64; t++) {
      const x = w[t - 15];
      const y = w[t - 2];
      const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    let f = h5;
    let g = h6;
    let h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (h + S1 + ((e & f) ^ (~e & g)) + k[t] + w[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  STATE[0] = h0;
  STATE[1] = h1;
  STATE[2] = h2;
  STATE[3] = h3;
  STATE[4] = h4;
  STATE[5] = h5;
  STATE[6] = h6;
  STATE[7] = h7;
}

/** SHA-256 of `data` (32 bytes). Synchronous and not re-entered, so the module scratch buffers are safe. */
export function sha256Fast(data: Uint8Array): Uint8Array {
  STATE.set(H0);
  const n = data.length;
  const full = n >>> 6;
  compress(data, 0, full);
  // Tail: the remaining bytes, 0x80, zeros, and the bit length as a 64-bit big-endian number.
  const rest = n - full * 64;
  const tail = TAIL;
  tail.fill(0);
  tail.set(data.subarray(full * 64), 0);
  tail[rest] = 0x80;
  const tailBlocks = rest < 56 ? 1 : 2;
  const end = tailBlocks * 64;
  const bitsHigh = Math.floor(n / 0x20000000); // n·8 / 2^32
  const bitsLow = (n * 8) >>> 0;
  tail[end - 8] = bitsHigh >>> 24;
  tail[end - 7] = bitsHigh >>> 16;
  tail[end - 6] = bitsHigh >>> 8;
  tail[end - 5] = bitsHigh;
  tail[end - 4] = bitsLow >>> 24;
  tail[end - 3] = bitsLow >>> 16;
  tail[end - 2] = bitsLow >>> 8;
  tail[end - 1] = bitsLow;
  compress(tail, 0, tailBlocks);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const x = STATE[i];
    out[4 * i] = x >>> 24;
    out[4 * i + 1] = x >>> 16;
    out[4 * i + 2] = x >>> 8;
    out[4 * i + 3] = x;
  }
  return out;
}
