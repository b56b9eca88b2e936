/**
 * Asymmetric primitives: noble (default, service worker) and node:crypto (OpenSSL, Node hosts) give the same
 * shared secrets, the same signatures and the same verdicts — on good input and on what a forger sends.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import {
  CryptoError,
  decryptWithKey,
  encryptForKey,
  keyPairFromSeed,
  nobleAsymmetric,
  noblePrimitives,
  type AsymmetricPrimitives,
} from '../../../src/net/crypto/index.ts';
import {
  createNativeAsymmetric,
  nativeAsymmetric,
  nativePrimitives,
} from '../../../src/node/native-crypto.ts';

const seed = () => fc.uint8Array({ minLength: 32, maxLength: 32 });
const both: [string, AsymmetricPrimitives][] = [
  ['noble', nobleAsymmetric],
  ['node:crypto', nativeAsymmetric],
];
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

function outcome(fn: () => Uint8Array): string {
  try {
    return Buffer.from(fn()).toString('hex');
  } catch (error) {
    return error instanceof CryptoError ? 'CryptoError' : `other: ${String(error)}`;
  }
}

describe('asymmetric primitives: noble and node:crypto (OpenSSL) agree', () => {
  it('ECDH gives the same symmetric secret, from cached and fresh keys', () => {
    const fresh = createNativeAsymmetric({ privateKeys: 1, publicKeys: 1 });
    fc.assert(
      fc.property(seed(), seed(), (a, b) => {
        const pa = keyPairFromSeed(a);
        const pb = keyPairFromSeed(b);
        const expected = nobleAsymmetric.sharedSecret(a, pb.publicKey);
        expect(nativeAsymmetric.sharedSecret(a, pb.publicKey)).toEqual(expected);
        expect(nativeAsymmetric.sharedSecret(a, pb.publicKey)).toEqual(expected); // cache hit
        expect(nativeAsymmetric.sharedSecret(b, pa.publicKey)).toEqual(expected);
        expect(fresh.sharedSecret(b, pa.publicKey)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  it('random 32-byte sender keys (what a forger sends): same secret or a CryptoError from both', () => {
    fc.assert(
      fc.property(seed(), seed(), (ours, theirs) => {
        expect(outcome(() => nativeAsymmetric.sharedSecret(ours, theirs))).toBe(
          outcome(() => nobleAsymmetric.sharedSecret(ours, theirs)),
        );
      }),
      { numRuns: 60 },
    );
    const me = keyPairFromSeed(new Uint8Array(32).fill(3));
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2; // y = 2 is not on the curve
    const identity = new Uint8Array(32);
    identity[0] = 1; // the neutral point: low order
    for (const [, p] of both) {
      expect(() => p.sharedSecret(me.secretKey, notAPoint)).toThrow(CryptoError);
      expect(() => p.sharedSecret(me.secretKey, identity)).toThrow(CryptoError);
      expect(() => p.sharedSecret(me.secretKey, new Uint8Array(31))).toThrow(CryptoError);
      expect(() => p.sharedSecret(new Uint8Array(16), me.publicKey)).toThrow(CryptoError);
      for (const torsion of ED25519_TORSION_SUBGROUP) {
        expect(() => p.sharedSecret(me.secretKey, Buffer.from(torsion, 'hex'))).toThrow(CryptoError);
      }
    }
  });

  it('Ed25519 signatures are the same bytes and verify with either', () => {
    fc.assert(
      fc.property(seed(), fc.uint8Array({ maxLength: 600 }), (s, message) => {
        const { publicKey } = keyPairFromSeed(s);
        const signature = nobleAsymmetric.sign(message, s);
        expect(nativeAsymmetric.sign(message, s)).toEqual(signature);
        for (const [, p] of both) expect(p.verify(signature, message, publicKey)).toBe(true);
        const tampered = signature.slice();
        tampered[7] ^= 0x10;
        for (const [, p] of both) expect(p.verify(tampered, message, publicKey)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('malformed signatures and keys are false from both, never an exception', () => {
    const s = new Uint8Array(32).fill(9);
    const { publicKey } = keyPairFromSeed(s);
    const message = new Uint8Array([1, 2, 3]);
    const good = nobleAsymmetric.sign(message, s);
    // S + L: the same signature with a non-canonical S (RFC 8032 §5.1.7 rejects it).
    const sNum = BigInt('0x' + Buffer.from(good.subarray(32)).reverse().toString('hex')) + L;
    const nonCanonical = good.slice();
    nonCanonical.set(Buffer.from(sNum.toString(16).padStart(64, '0'), 'hex').reverse(), 32);
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    const cases: [Uint8Array, Uint8Array][] = [
      [good.subarray(0, 63), publicKey],
      [nonCanonical, publicKey],
      [good, notAPoint],
      [good, new Uint8Array(31)],
      [new Uint8Array(64), publicKey],
      [good, ed25519.getPublicKey(new Uint8Array(32).fill(1))],
    ];
    for (const [signature, key] of cases) {
      for (const [, p] of both) expect(p.verify(signature, message, key)).toBe(false);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), seed(), (signature, key) => {
        expect(nativeAsymmetric.verify(signature, message, key)).toBe(
          nobleAsymmetric.verify(signature, message, key),
        );
      }),
      { numRuns: 100 },
    );
  });

  it("TON's Ed25519 encryptor: sealed with either set, opened with the other", () => {
    fc.assert(
      fc.property(seed(), seed(), fc.uint8Array({ maxLength: 1200 }), (r, e, plain) => {
        const receiver = keyPairFromSeed(r);
        const ephemeral = keyPairFromSeed(e);
        const a = encryptForKey(receiver.publicKey, plain, ephemeral);
        const b = encryptForKey(receiver.publicKey, plain, ephemeral, nativePrimitives, nativeAsymmetric);
        expect(b).toEqual(a);
        expect(decryptWithKey(r, a, nativePrimitives, nativeAsymmetric)).toEqual(plain);
        expect(decryptWithKey(r, b, noblePrimitives, nobleAsymmetric)).toEqual(plain);
      }),
      { numRuns: 30 },
    );
  });
});
