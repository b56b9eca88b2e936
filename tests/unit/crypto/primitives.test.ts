import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  CryptoError,
  decryptWithSharedKey,
  encryptWithSharedKey,
  noblePrimitives,
  sealWithSharedKeyInPlace,
} from '../../../src/net/crypto/index.ts';
import { nativePrimitives } from '../../../src/node/native-crypto.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });

describe('symmetric primitives: noble and node:crypto (OpenSSL) agree', () => {
  it('sha256 and AES-256-CTR give the same bytes, in place too', () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(16, 16), bytes(0, 2000), (key, iv, data) => {
        expect(nativePrimitives.sha256(data)).toEqual(noblePrimitives.sha256(data));
        const a = new Uint8Array(data.length);
        const b = new Uint8Array(data.length);
        noblePrimitives.aesCtrInto(key, iv, data, a);
        nativePrimitives.aesCtrInto(key, iv, data, b);
        expect(b).toEqual(a);
        const inPlace = data.slice();
        nativePrimitives.aesCtrInto(key, iv, inPlace, inPlace);
        expect(inPlace).toEqual(a);
        const inPlaceNoble = data.slice();
        noblePrimitives.aesCtrInto(key, iv, inPlaceNoble, inPlaceNoble);
        expect(inPlaceNoble).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });

  it('AES-with-digest sealed in place (either primitives) opens with the other', () => {
    fc.assert(
      fc.property(bytes(32, 32), bytes(0, 1500), fc.nat(40), (key, plain, offset) => {
        const expected = encryptWithSharedKey(key, plain);
        for (const p of [noblePrimitives, nativePrimitives]) {
          const buf = new Uint8Array(offset + 32 + plain.length);
          buf.set(plain, offset + 32);
          sealWithSharedKeyInPlace(key, buf, offset, p);
          expect(buf.subarray(offset)).toEqual(expected);
          const q = p === noblePrimitives ? nativePrimitives : noblePrimitives;
          expect(decryptWithSharedKey(key, buf.subarray(offset), q)).toEqual(plain);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('a corrupted datagram is a CryptoError with native primitives too', () => {
    const key = new Uint8Array(32).fill(7);
    const sealed = encryptWithSharedKey(key, new Uint8Array(100).fill(1));
    sealed[50] ^= 1;
    expect(() => decryptWithSharedKey(key, sealed, nativePrimitives)).toThrow(CryptoError);
    expect(() => sealWithSharedKeyInPlace(key, new Uint8Array(31), 0)).toThrow(RangeError);
  });
});
