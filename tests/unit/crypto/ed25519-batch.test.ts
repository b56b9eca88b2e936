/**
 * The Ed25519 batch seam: WebCrypto (OpenSSL in this Node) and the noble backend give one verdict for every input,
 * malformed ones included (bad lengths, S ≥ L, small-order and non-canonical keys, crafted mixed-order R), and
 * agree with RFC 8032 on honest signatures. Measured here (Node 20, OpenSSL 3.0): raw `crypto.subtle` accepts the
 * identity key with R = identity, S = 0 for any message, and the non-canonical key y = p + 1; the seam refuses both.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  keyPairFromSeed,
  nobleEd25519,
  platformEd25519,
  sha512,
  sign,
  verify,
  webCryptoEd25519,
  type Ed25519Item,
} from '../../../src/net/crypto/index.ts';

const L = (1n << 252n) + 27742317777372353535851937790883648493n;
const P = (1n << 255n) - 19n;
const le = (n: bigint, len = 32) =>
  Uint8Array.from({ length: len }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const num = (b: Uint8Array) => b.reduceRight((n, x) => (n << 8n) | BigInt(x), 0n);
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));

const webcrypto = webCryptoEd25519(globalThis.crypto.subtle);

const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];

async function both(items: Ed25519Item[]): Promise<boolean[]> {
  const [a, b] = await Promise.all([webcrypto.verifyBatch(items), nobleEd25519.verifyBatch(items)]);
  expect(a).toEqual(b);
  return a;
}

/** A signature by `seed` whose R carries the small-order component `torsion` (S recomputed for that R). */
function mixedOrderSignature(seed: Uint8Array, message: Uint8Array, torsion: string): Ed25519Item {
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(seed);
  const r = num(sha512(new Uint8Array([...seed, ...message]))) % L;
  const R = ed25519.Point.BASE.multiply(r)
    .add(ed25519.Point.fromBytes(hex(torsion)))
    .toBytes();
  const k = num(sha512(new Uint8Array([...R, ...pointBytes, ...message]))) % L;
  const s = (r + k * scalar) % L;
  return { signature: new Uint8Array([...R, ...le(s)]), message, publicKey: pointBytes };
}

describe('Ed25519 batch verifiers', () => {
  it('the small-order list is the 8 points of small order', () => {
    const points = SMALL_ORDER.map((h) => ed25519.Point.fromBytes(hex(h), false));
    for (const p of points) expect(p.isSmallOrder()).toBe(true);
    expect(new Set(points.map((p) => p.toHex())).size).toBe(8);
    expect(points.some((p) => p.multiplyUnsafe(4n).is0() && !p.multiplyUnsafe(2n).is0())).toBe(true);
  });

  it('platform detection picks WebCrypto here (Node 20)', async () => {
    expect((await platformEd25519()).name).toBe('webcrypto');
  });

  it('accept honest signatures and refuse a flipped bit, like verify()', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        async (seed, message, flip) => {
          const { publicKey, secretKey } = keyPairFromSeed(seed);
          const signature = sign(message, secretKey);
          const bad = signature.slice();
          bad[flip % 64] ^= 1 << (flip % 8);
          const verdicts = await both([
            { signature, message, publicKey },
            { signature: bad, message, publicKey },
          ]);
          expect(verdicts).toEqual([true, false]);
          expect(verify(bad, message, publicKey)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('give one verdict on malformed and edge inputs', async () => {
    const { publicKey, secretKey } = keyPairFromSeed(new Uint8Array(32).fill(7));
    const message = new TextEncoder().encode('block');
    const signature = sign(message, secretKey);
    const sPlusL = new Uint8Array([...signature.subarray(0, 32), ...le(num(signature.subarray(32)) + L)]);
    const nonCanonicalKey = le(P + 1n); // y = p + 1 ≡ 1
    const items: Ed25519Item[] = [
      { signature: signature.subarray(0, 63), message, publicKey },
      { signature, message, publicKey: publicKey.subarray(0, 31) },
      { signature: new Uint8Array(65), message, publicKey },
      { signature: sPlusL, message, publicKey }, // non-canonical S
      { signature, message, publicKey: nonCanonicalKey },
      { signature: new Uint8Array(64), message, publicKey: hex(SMALL_ORDER[0]) },
      ...SMALL_ORDER.map((h) => ({
        signature: new Uint8Array([...hex(h), ...new Uint8Array(32)]),
        message,
        publicKey: hex(h),
      })),
      { signature: new Uint8Array(64), message, publicKey: new Uint8Array(32).fill(0xff) },
    ];
    expect((await both(items)).every((v) => v === false)).toBe(true);
    // a crafted R with a torsion component: noble's cofactored verify() accepts it, OpenSSL (and the C++ node)
    // does not; the seam refuses it with either backend
    for (const t of SMALL_ORDER.slice(4)) {
      const crafted = mixedOrderSignature(new Uint8Array(32).fill(9), message, t);
      expect(verify(crafted.signature, crafted.message, crafted.publicKey)).toBe(true);
      expect(await both([crafted])).toEqual([false]);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 20 }),
        async (sig, key, msg) => {
          const items = [
            { signature: sig, message: msg, publicKey: key },
            {
              signature: sig.length === 64 ? sig : signature,
              message: msg,
              publicKey: key.length === 32 ? key : publicKey,
            },
          ];
          await both(items);
        },
      ),
      { numRuns: 200 },
    );
  });
});
