/**
 * AES-256-CTR as a long-lived stream (ADNL-TCP keeps one per direction for the whole connection, DIGEST §2.1)
 * and as a one-shot call (AES-with-digest, DIGEST §1). Standard CTR: the 16-byte iv is the initial counter
 * block and is incremented as one 128-bit big-endian integer per block.
 *
 * Built on noble's AES block function (aes-block.ts) because noble's public `ctr` is one-shot: keeping the
 * expanded key, the counter and the unused part of the last keystream block lets update() take chunks of any
 * size, with no re-keying per call. Compared against noble's `ctr` and WebCrypto in the tests and in
 * bench/crypto.bench.ts.
 */
import { ctrKeystream, expandKey256 } from './aes-block.ts';
import { expectAnyBytes, expectBytes } from './bytes.ts';

export interface AesCtrStream {
  /** En- or decrypts `data` (same operation), continuing the keystream where the previous call stopped. */
  update(data: Uint8Array): Uint8Array;
}

/** Keystream scratch shared by all streams (update() is synchronous and never re-entered): 64 blocks. */
const SCRATCH_BLOCKS = 64;
const scratch32 = new Int32Array(SCRATCH_BLOCKS * 4);
const scratch8 = new Uint8Array(scratch32.buffer);

class AesCtr implements AesCtrStream {
  readonly #xk: Uint32Array;
  /** Counter block as four big-endian 32-bit words, most significant first. */
  readonly #ctr = new Int32Array(4);
  /** The current keystream block and how many of its bytes have been used (16 = none left). */
  readonly #ks32 = new Int32Array(4);
  readonly #ks = new Uint8Array(this.#ks32.buffer);
  #used = 16;

  constructor(key: Uint8Array, iv: Uint8Array) {
    this.#xk = expandKey256(key);
    for (let w = 0; w < 4; w++) {
      const i = 4 * w;
      this.#ctr[w] = (iv[i] << 24) | (iv[i + 1] << 16) | (iv[i + 2] << 8) | iv[i + 3];
    }
  }

  update(data: Uint8Array): Uint8Array {
    expectAnyBytes('AES-CTR input', data);
    const out = new Uint8Array(data.length);
    this.into(data, out);
    return out;
  }

  /** update() into `out` (at least data.length bytes; may be a view into a larger buffer, not overlapping data). */
  into(data: Uint8Array, out: Uint8Array): void {
    const n = data.length;
    const ks = this.#ks;
    let used = this.#used;
    let i = 0;
    while (used < 16 && i < n) out[i] = data[i++] ^ ks[used++];
    let blocks = (n - i) >>> 4;
    // Keystream words are stored in memory byte order, so aligned data XORs word by word on any host.
    const aligned = ((data.byteOffset + i) & 3) === 0 && ((out.byteOffset + i) & 3) === 0;
    while (blocks > 0) {
      const nb = blocks < SCRATCH_BLOCKS ? blocks : SCRATCH_BLOCKS;
      ctrKeystream(this.#xk, this.#ctr, scratch32, nb);
      const words = nb * 4;
      if (aligned) {
        const src = new Int32Array(data.buffer, data.byteOffset + i, words);
        const dst = new Int32Array(out.buffer, out.byteOffset + i, words);
        for (let j = 0; j < words; j++) dst[j] = src[j] ^ scratch32[j];
      } else {
        for (let j = 0, len = nb * 16; j < len; j++) out[i + j] = data[i + j] ^ scratch8[j];
      }
      i += nb * 16;
      blocks -= nb;
    }
    if (i < n) {
      ctrKeystream(this.#xk, this.#ctr, this.#ks32, 1);
      used = 0;
      while (i < n) out[i] = data[i++] ^ ks[used++];
    }
    this.#used = used;
  }
}

/** A streaming AES-256-CTR cipher: 32-byte key, 16-byte initial counter block. */
export function createAesCtr(key: Uint8Array, iv: Uint8Array): AesCtrStream {
  expectBytes('AES-256 key', key, 32);
  expectBytes('AES-CTR iv', iv, 16);
  return new AesCtr(key, iv);
}

/** Round keys and counter of the one-shot calls (synchronous, never re-entered): no objects per call. */
const oneShotKey = new Uint32Array(60);
const oneShotCtr = new Int32Array(4);

/** One-shot AES-256-CTR of `data` from counter block `iv`. */
export function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  expectAnyBytes('AES-CTR input', data);
  const out = new Uint8Array(data.length);
  aesCtrInto(key, iv, data, out);
  return out;
}

/** aesCtr() written into `out` (data.length bytes from its start; a view into a larger buffer, or `data` itself). */
export function aesCtrInto(key: Uint8Array, iv: Uint8Array, data: Uint8Array, out: Uint8Array): void {
  expectBytes('AES-256 key', key, 32);
  expectBytes('AES-CTR iv', iv, 16);
  expectAnyBytes('AES-CTR input', data);
  expectAnyBytes('AES-CTR output', out);
  const n = data.length;
  if (out.length < n) throw new RangeError('AES-CTR output shorter than input');
  const xk = expandKey256(key, oneShotKey);
  for (let w = 0; w < 4; w++) {
    const i = 4 * w;
    oneShotCtr[w] = (iv[i] << 24) | (iv[i + 1] << 16) | (iv[i + 2] << 8) | iv[i + 3];
  }
  const aligned = (data.byteOffset & 3) === 0 && (out.byteOffset & 3) === 0;
  for (let i = 0; i < n;) {
    const left = n - i;
    const nb = Math.min((left + 15) >>> 4, SCRATCH_BLOCKS);
    ctrKeystream(xk, oneShotCtr, scratch32, nb);
    const len = Math.min(nb * 16, left);
    let j = 0;
    if (aligned) {
      const words = len >>> 2;
      const src = new Int32Array(data.buffer, data.byteOffset + i, words);
      const dst = new Int32Array(out.buffer, out.byteOffset + i, words);
      for (; j < words; j++) dst[j] = src[j] ^ scratch32[j];
      j = words * 4;
    }
    for (; j < len; j++) out[i + j] = data[i + j] ^ scratch8[j];
    i += len;
  }
}
