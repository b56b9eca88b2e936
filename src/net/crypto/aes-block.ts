/**
 * AES-256 keystream blocks for CTR mode, on noble's AES block function (`unsafe.expandKeyLE` / `unsafe.encrypt`
 * from @noble/ciphers: the project takes its crypto primitives from noble). noble's public `ctr` is one-shot;
 * these two calls let aes-ctr.ts keep a stream's expanded key and counter, and write keystream into reusable
 * scratch without per-block objects of its own.
 */
import { unsafe } from '@noble/ciphers/aes.js';

/** Int32 views read bytes in platform order: on a big-endian host the keystream words are byte-swapped. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const bswap32 = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

/** The 60 round-key words of AES-256 in noble's layout, into `w` if given (60 words). `key` must be 32 bytes. */
export function expandKey256(key: Uint8Array, w: Uint32Array = new Uint32Array(60)): Uint32Array {
  w.set(unsafe.expandKeyLE(key));
  return w;
}

/**
 * Writes `blocks` AES-256-CTR keystream blocks into `out` (4 words per block, from word 0) so that the bytes of
 * `out` are the keystream bytes, starting from the counter block `ctr` (four big-endian words as int32, most
 * significant first). `ctr` is advanced by `blocks` as one 128-bit big-endian integer (wrapping at 2^128).
 */
export function ctrKeystream(xk: Uint32Array, ctr: Int32Array, out: Int32Array, blocks: number): void {
  let c0 = ctr[0];
  let c1 = ctr[1];
  let c2 = ctr[2];
  let c3 = ctr[3];
  for (let b = 0, o = 0; b < blocks; b++, o += 4) {
    // noble takes and returns the block as four little-endian words.
    const s = unsafe.encrypt(xk, bswap32(c0), bswap32(c1), bswap32(c2), bswap32(c3));
    if (LITTLE_ENDIAN) {
      out[o] = s.s0;
      out[o + 1] = s.s1;
      out[o + 2] = s.s2;
      out[o + 3] = s.s3;
    } else {
      out[o] = bswap32(s.s0);
      out[o + 1] = bswap32(s.s1);
      out[o + 2] = bswap32(s.s2);
      out[o + 3] = bswap32(s.s3);
    }
    c3 = (c3 + 1) | 0;
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
