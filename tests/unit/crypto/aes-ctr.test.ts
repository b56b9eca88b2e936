import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ctr } from '@noble/ciphers/aes.js';
import {
  CryptoError,
  aesCtr,
  aesCtrInto,
  createAesCtr,
  encryptWithSharedKey,
  encryptWithSharedKeyInto,
} from '../../../src/net/crypto/index.ts';

const subtle = globalThis.crypto.subtle;
/** WebCrypto's typings want ArrayBuffer-backed views; nothing here is backed by a SharedArrayBuffer. */
const ab = (u: Uint8Array): Uint8Array<ArrayBuffer> => u as Uint8Array<ArrayBuffer>;

async function webCryptoCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Promise<Uint8Array> {
  const cryptoKey = await subtle.importKey('raw', ab(key), 'AES-CTR', false, ['encrypt']);
  return new Uint8Array(
    await subtle.encrypt({ name: 'AES-CTR', counter: ab(iv), length: 128 }, cryptoKey, ab(data)),
  );
}

/** Feeds `data` to a fresh stream in pieces of the given sizes (the last piece takes what is left). */
function streamed(
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  sizes: number[],
  offset = 0,
): Uint8Array {
  const stream = createAesCtr(key, iv);
  const out = new Uint8Array(data.length);
  // Copy into a buffer at `offset` so chunks start at unaligned byteOffsets too.
  const backing = new Uint8Array(offset + data.length);
  backing.set(data, offset);
  const source = backing.subarray(offset);
  let pos = 0;
  for (const size of sizes) {
    if (pos >= data.length) break;
    const piece = stream.update(source.subarray(pos, pos + size));
    out.set(piece, pos);
    pos += piece.length;
  }
  out.set(stream.update(source.subarray(pos)), pos);
  return out;
}

const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

describe('AES-256-CTR', () => {
  it('one-shot equals noble ctr and WebCrypto, including the 2^128 counter wrap', async () => {
    const key = new Uint8Array(32).map((_, i) => i * 7);
    for (const ivFill of [0x00, 0xff, 0x7f]) {
      const iv = new Uint8Array(16).fill(ivFill);
      iv[15] = 0xf0; // a few blocks in, the low words carry (and with 0xff.. the whole counter wraps)
      const data = new Uint8Array(1000).map((_, i) => i);
      const ours = aesCtr(key, iv, data);
      expect(ours).toEqual(ctr(key, iv).encrypt(data));
      expect(ours).toEqual(await webCryptoCtr(key, iv, data));
    }
  });

  it('a stream fed random chunkings at random alignments equals the one-shot cipher', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(16),
        fc.uint8Array({ maxLength: 700 }),
        fc.array(fc.integer({ min: 0, max: 70 }), { maxLength: 40 }),
        fc.integer({ min: 0, max: 7 }),
        (key, iv, data, sizes, offset) => {
          expect(streamed(key, iv, data, sizes, offset)).toEqual(ctr(key, iv).encrypt(data));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a stream over a long run of mixed chunk sizes equals WebCrypto', async () => {
    const key = new Uint8Array(32).fill(9);
    const iv = new Uint8Array(16).fill(0xff);
    const data = new Uint8Array(20_000).map((_, i) => (i * 13) >>> 2);
    const sizes = [4, 64, 1, 15, 16, 17, 4000, 3, 1000, 33, 7000];
    expect(streamed(key, iv, data, sizes, 1)).toEqual(await webCryptoCtr(key, iv, data));
  });

  it('decrypting is the same operation, and the input is never modified', () => {
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(16).fill(2);
    const data = new Uint8Array(100).fill(3);
    const ct = createAesCtr(key, iv).update(data);
    expect(data.every((b) => b === 3)).toBe(true);
    expect(createAesCtr(key, iv).update(ct)).toEqual(data);
    expect(createAesCtr(key, iv).update(new Uint8Array(0))).toEqual(new Uint8Array(0));
  });

  it('rejects keys and ivs of the wrong length', () => {
    expect(() => createAesCtr(new Uint8Array(16), new Uint8Array(16))).toThrow(CryptoError);
    expect(() => createAesCtr(new Uint8Array(32), new Uint8Array(12))).toThrow(CryptoError);
    expect(() => aesCtr(new Uint8Array(31), new Uint8Array(16), new Uint8Array(4))).toThrow(CryptoError);
  });

  it('aesCtrInto writes the same bytes into a view at any offset and touches nothing else', () => {
    fc.assert(
      fc.property(
        bytes(32),
        bytes(16),
        fc.uint8Array({ maxLength: 1200 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 0, max: 9 }),
        (key, iv, data, inAt, outAt) => {
          const src = new Uint8Array(inAt + data.length);
          src.set(data, inAt);
          const out = new Uint8Array(outAt + data.length + 5).fill(0xa5);
          aesCtrInto(key, iv, src.subarray(inAt), out.subarray(outAt));
          expect(out.subarray(outAt, outAt + data.length)).toEqual(ctr(key, iv).encrypt(data));
          expect(out.subarray(0, outAt).every((x) => x === 0xa5)).toBe(true);
          expect(out.subarray(outAt + data.length).every((x) => x === 0xa5)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
    expect(() =>
      aesCtrInto(new Uint8Array(32), new Uint8Array(16), new Uint8Array(4), new Uint8Array(3)),
    ).toThrow(RangeError);
  });

  it('encryptWithSharedKeyInto equals encryptWithSharedKey at the given offset', () => {
    fc.assert(
      fc.property(
        bytes(32),
        fc.uint8Array({ maxLength: 1000 }),
        fc.integer({ min: 0, max: 40 }),
        (key, data, at) => {
          const out = new Uint8Array(at + 32 + data.length + 3).fill(7);
          encryptWithSharedKeyInto(key, data, out, at);
          expect(out.subarray(at, at + 32 + data.length)).toEqual(encryptWithSharedKey(key, data));
          expect(out.subarray(0, at).every((x) => x === 7)).toBe(true);
          expect(out.subarray(at + 32 + data.length).every((x) => x === 7)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
    expect(() =>
      encryptWithSharedKeyInto(new Uint8Array(32), new Uint8Array(10), new Uint8Array(41), 0),
    ).toThrow(RangeError);
  });
});
