/**
 * AES-256-CTR as a long-lived stream (ADNL-TCP keeps one per direction for the whole connection, DIGEST §2.1)
 * and as a one-shot call (AES-with-digest, DIGEST §1). Standard CTR: the 16-byte iv is the initial counter
 * block and is incremented as one 128-bit big-endian integer per block.
 *
 * Built on noble's AES block function (unsafe.encrypt + expandKeyLE) because noble's public `ctr` is one-shot:
 * keeping the expanded key, the counter and the unused part of the last keystream block lets update() take
 * chunks of any size, with no re-keying per call. Compared against noble's `ctr` and WebCrypto in the tests
 * and in bench/crypto.bench.ts.
 */
import { unsafe } from '@noble/ciphers/aes.js';
import { expectAnyBytes, expectBytes } from './bytes.ts';

export interface AesCtrStream {
  /** En- or decrypts `data` (same operation), continuing the keystream where the previous call stopped. */
  update(data: Uint8Array): Uint8Array;
}

/** Uint32 views read bytes in platform order; the word fast path below is only valid on little-endian hosts. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const bswap32 = (x: number): number =>
  ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);

class AesCtr implements AesCtrStream {
  readonly #xk: Uint32Array;
  /** Counter block as four big-endian 32-bit words, most significant first. */
  #c0: number;
  #c1: number;
  #c2: number;
  #c3: number;
  /** The current keystream block and how many of its bytes have been used (16 = none left). */
  readonly #ks = new Uint8Array(16);
  #used = 16;

  constructor(key: Uint8Array, iv: Uint8Array) {
    this.#xk = unsafe.expandKeyLE(key);
    const word = (i: number) => ((iv[i] << 24) | (iv[i + 1] << 16) | (iv[i + 2] << 8) | iv[i + 3]) >>> 0;
    this.#c0 = word(0);
    this.#c1 = word(4);
    this.#c2 = word(8);
    this.#c3 = word(12);
  }

  update(data: Uint8Array): Uint8Array {
    expectAnyBytes('AES-CTR input', data);
    const n = data.length;
    const out = new Uint8Array(n);
    const ks = this.#ks;
    let used = this.#used;
    let i = 0;
    while (used < 16 && i < n) out[i] = data[i++] ^ ks[used++];
    const blocks = (n - i) >>> 4;
    if (blocks > 0) {
      if (LITTLE_ENDIAN && ((data.byteOffset + i) & 3) === 0 && (i & 3) === 0) {
        this.#xorBlocks32(
          new Uint32Array(data.buffer, data.byteOffset + i, blocks * 4),
          new Uint32Array(out.buffer, i, blocks * 4),
        );
      } else {
        this.#xorBlocks8(data, out, i, blocks);
      }
      i += blocks * 16;
    }
    if (i < n) {
      this.#nextBlock();
      used = 0;
      while (i < n) out[i] = data[i++] ^ ks[used++];
    }
    this.#used = used;
    return out;
  }

  /** Encrypts the counter block (noble takes the block as four little-endian words) and increments it. */
  #encryptCounter(): { s0: number; s1: number; s2: number; s3: number } {
    const s = unsafe.encrypt(
      this.#xk,
      bswap32(this.#c0),
      bswap32(this.#c1),
      bswap32(this.#c2),
      bswap32(this.#c3),
    );
    this.#c3 = (this.#c3 + 1) >>> 0;
    if (this.#c3 === 0) {
      this.#c2 = (this.#c2 + 1) >>> 0;
      if (this.#c2 === 0) {
        this.#c1 = (this.#c1 + 1) >>> 0;
        if (this.#c1 === 0) this.#c0 = (this.#c0 + 1) >>> 0;
      }
    }
    return s;
  }

  #xorBlocks32(src: Uint32Array, dst: Uint32Array): void {
    for (let j = 0; j < src.length; j += 4) {
      const s = this.#encryptCounter();
      dst[j] = src[j] ^ s.s0;
      dst[j + 1] = src[j + 1] ^ s.s1;
      dst[j + 2] = src[j + 2] ^ s.s2;
      dst[j + 3] = src[j + 3] ^ s.s3;
    }
  }

  #xorBlocks8(src: Uint8Array, dst: Uint8Array, start: number, blocks: number): void {
    const ks = this.#ks;
    for (let b = 0, i = start; b < blocks; b++, i += 16) {
      this.#storeBlock(this.#encryptCounter(), ks);
      for (let k = 0; k < 16; k++) dst[i + k] = src[i + k] ^ ks[k];
    }
  }

  #nextBlock(): void {
    this.#storeBlock(this.#encryptCounter(), this.#ks);
  }

  #storeBlock(s: { s0: number; s1: number; s2: number; s3: number }, out: Uint8Array): void {
    storeWordLE(out, 0, s.s0);
    storeWordLE(out, 4, s.s1);
    storeWordLE(out, 8, s.s2);
    storeWordLE(out, 12, s.s3);
  }
}

function storeWordLE(out: Uint8Array, at: number, x: number): void {
  out[at] = x & 0xff;
  out[at + 1] = (x >>> 8) & 0xff;
  out[at + 2] = (x >>> 16) & 0xff;
  out[at + 3] = x >>> 24;
}

/** A streaming AES-256-CTR cipher: 32-byte key, 16-byte initial counter block. */
export function createAesCtr(key: Uint8Array, iv: Uint8Array): AesCtrStream {
  expectBytes('AES-256 key', key, 32);
  expectBytes('AES-CTR iv', iv, 16);
  return new AesCtr(key, iv);
}

/** One-shot AES-256-CTR of `data` from counter block `iv`. */
export function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  return createAesCtr(key, iv).update(data);
}
