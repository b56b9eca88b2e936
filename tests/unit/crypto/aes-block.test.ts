import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ctr as nobleCtr, ecb } from '@noble/ciphers/aes.js';
import { ctrKeystream, expandKey256 } from '../../../src/net/crypto/aes-block.ts';

const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const bytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

/** One block through ctrKeystream: the "counter" is the plaintext block. */
function encryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const ctr = new Int32Array(4);
  for (let w = 0; w < 4; w++) ctr[w] = new DataView(block.buffer, block.byteOffset).getUint32(4 * w);
  const out = new Int32Array(4);
  ctrKeystream(expandKey256(key), ctr, out, 1);
  return new Uint8Array(out.buffer);
}

describe('AES-256 CTR keystream blocks (noble block function, our counter)', () => {
  it('matches the FIPS-197 appendix C.3 vector', () => {
    const key = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    expect(encryptBlock(key, hex('00112233445566778899aabbccddeeff'))).toEqual(
      hex('8ea2b7ca516745bfeafc49904b496089'),
    );
  });

  it('encrypts random blocks under random keys like noble ECB', () => {
    fc.assert(
      fc.property(bytes(32), bytes(16), (key, block) => {
        expect(encryptBlock(key, block)).toEqual(ecb(key, { disablePadding: true }).encrypt(block));
      }),
      { numRuns: 300 },
    );
  });

  it('advances the counter as a 128-bit big-endian integer across word carries', () => {
    const ctr = new Int32Array([0, -1, -1, -2]);
    ctrKeystream(expandKey256(new Uint8Array(32)), ctr, new Int32Array(12), 3);
    expect(Array.from(ctr)).toEqual([1, 0, 0, 1]);
    const wrap = new Int32Array([-1, -1, -1, -1]);
    ctrKeystream(expandKey256(new Uint8Array(32)), wrap, new Int32Array(4), 1);
    expect(Array.from(wrap)).toEqual([0, 0, 0, 0]);
  });

  it('long keystreams from random counters equal noble ctr (runs of 256 blocks, carries, the 2^128 wrap)', () => {
    const iv = fc.oneof(
      bytes(16),
      // counters a few blocks before a carry out of the last byte, word or the whole block
      fc.tuple(bytes(16), fc.integer({ min: 1, max: 15 })).map(([b, n]) => {
        const out = b.slice();
        out.fill(0xff, 16 - n);
        out[15] = 0xf0 | (b[15] & 0xf);
        return out;
      }),
    );
    fc.assert(
      fc.property(bytes(32), iv, fc.integer({ min: 1, max: 600 }), (key, counter, blocks) => {
        const ctr = new Int32Array(4);
        for (let w = 0; w < 4; w++) ctr[w] = new DataView(counter.buffer).getInt32(4 * w);
        const out = new Int32Array(blocks * 4);
        ctrKeystream(expandKey256(key), ctr, out, blocks);
        const want = nobleCtr(key, counter).encrypt(new Uint8Array(blocks * 16));
        expect(new Uint8Array(out.buffer)).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});
