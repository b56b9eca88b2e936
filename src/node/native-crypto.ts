/**
 * The platform's (OpenSSL through node:crypto) crypto for Node hosts: the CLI, the devnet and the benches pass
 * these to AdnlNode ({ crypto: nativePrimitives, asymmetric: nativeAsymmetric }). The service worker keeps noble
 * (src/net/crypto/primitives.ts, asymmetric.ts). The output is byte-identical (tests/unit/crypto).
 *
 * Symmetric: SHA-256 and AES-256-CTR; per 850-byte ADNL datagram ~6 µs against ~20 µs for the pure JavaScript
 * pair (`npm run bench -- crypto`).
 *
 * Asymmetric: X25519 and Ed25519. OpenSSL's exchange itself costs ~30 µs against ~1 ms in JavaScript, but
 * importing a raw key is what costs in OpenSSL 3: ~0.3 ms for a private key (the PKCS#8 decoder), ~6 µs for a
 * public one as JWK (~70 µs as SPKI). So keys are imported once and kept: private keys (our identity, whose
 * secret every root datagram we receive is exchanged with) and peer public keys in small LRU caches. A forged
 * datagram's random sender key always misses; what it costs then — the Edwards→Montgomery move (noble, ~90 µs:
 * it also checks the key is a curve point, as td::Ed25519 and tonutils-go keys.SharedKey do), a public import and
 * the exchange — is measured by `adnl-udp.forgedFirstContactCpu`, and AdnlNode's first-contact budget bounds
 * how many of them it pays for (src/net/adnl/udp/first-contact-budget.ts).
 */
import * as nodeCrypto from 'node:crypto';
import { createCipheriv, createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  CryptoError,
  toX25519PublicKey,
  toX25519SecretKey,
  type AsymmetricPrimitives,
  type SymmetricPrimitives,
} from '../net/crypto/index.ts';

/** crypto.hash (Node >= 20.12): one call, no Hash object per datagram (1.15 vs 1.65 µs for 850 bytes). */
const oneShotHash = (
  nodeCrypto as { hash?: (algorithm: string, data: Uint8Array, encoding: 'buffer') => Buffer }
).hash;

export const nativePrimitives: SymmetricPrimitives = Object.freeze({
  name: 'node:crypto',
  sha256(data: Uint8Array): Uint8Array {
    const digest = oneShotHash
      ? oneShotHash('sha256', data, 'buffer')
      : createHash('sha256').update(data).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  },
  aesCtrInto(key: Uint8Array, iv: Uint8Array, data: Uint8Array, out: Uint8Array): void {
    if (key.length !== 32 || iv.length !== 16)
      throw new RangeError('AES-256-CTR needs a 32-byte key and 16-byte iv');
    if (out.length < data.length) throw new RangeError('AES-CTR output shorter than input');
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    const head = cipher.update(data);
    out.set(head, 0);
    const tail = cipher.final();
    if (tail.length > 0) out.set(tail, head.length);
  },
});

/** A bounded map in least-recently-used order (Map iteration order; a hit moves the entry to the end). */
class KeyCache<V> {
  readonly #map = new Map<string, V>();
  constructor(readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.#map.get(key);
    if (value !== undefined && this.#map.size > 1) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    if (this.#map.size >= this.capacity) this.#map.delete(this.#map.keys().next().value as string);
    this.#map.set(key, value);
  }

  get size(): number {
    return this.#map.size;
  }
}

/** PKCS#8 headers of a raw 32-byte X25519 / Ed25519 private key (RFC 8410). */
const X25519_PKCS8 = Uint8Array.from(Buffer.from('302e020100300506032b656e04220420', 'hex'));
const ED25519_PKCS8 = Uint8Array.from(Buffer.from('302e020100300506032b657004220420', 'hex'));

function pkcs8(header: Uint8Array, raw: Uint8Array): Buffer {
  const der = Buffer.allocUnsafe(header.length + raw.length);
  der.set(header, 0);
  der.set(raw, header.length);
  return der;
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

function hexKey(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Cache sizes: private keys are ours (identity, a channel key per peer), public keys are peers'. */
export interface NativeAsymmetricOptions {
  privateKeys?: number;
  publicKeys?: number;
}

/** OpenSSL's X25519 and Ed25519 with imported keys cached (see the file comment). */
export function createNativeAsymmetric(options: NativeAsymmetricOptions = {}): AsymmetricPrimitives {
  const xPrivate = new KeyCache<KeyObject>(options.privateKeys ?? 256);
  const edPrivate = new KeyCache<KeyObject>(options.privateKeys ?? 256);
  const xPublic = new KeyCache<KeyObject>(options.publicKeys ?? 1024);
  const edPublic = new KeyCache<KeyObject>(options.publicKeys ?? 1024);

  const xPrivateOf = (seed: Uint8Array): KeyObject => {
    const id = hexKey(seed);
    let key = xPrivate.get(id);
    if (key === undefined) {
      const scalar = toX25519SecretKey(seed); // sha512(seed)[0..32] clamped (td::Ed25519::compute_shared_secret)
      const der = pkcs8(X25519_PKCS8, scalar);
      scalar.fill(0);
      key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
      der.fill(0);
      xPrivate.set(id, key);
    }
    return key;
  };
  const xPublicOf = (publicKey: Uint8Array): KeyObject => {
    const id = hexKey(publicKey);
    let key = xPublic.get(id);
    if (key === undefined) {
      // CryptoError if the bytes are not a point of the Edwards curve.
      const u = toX25519PublicKey(publicKey);
      key = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: base64url(u) }, format: 'jwk' });
      xPublic.set(id, key);
    }
    return key;
  };

  return Object.freeze({
    name: 'node:crypto',
    sharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
      if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32)
        throw new CryptoError('ed25519 seed must be 32 bytes');
      if (!(peerPublicKey instanceof Uint8Array) || peerPublicKey.length !== 32)
        throw new CryptoError('ed25519 public key must be 32 bytes');
      const publicKey = xPublicOf(peerPublicKey);
      let secret: Buffer;
      try {
        secret = nodeCrypto.diffieHellman({ privateKey: xPrivateOf(secretKey), publicKey });
      } catch {
        // OpenSSL refuses an all-zero result (a low-order point), as noble does.
        throw new CryptoError('peer public key is a low-order point');
      }
      return new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    },
    sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
      if (!(message instanceof Uint8Array)) throw new CryptoError('message must be a Uint8Array');
      if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32)
        throw new CryptoError('ed25519 seed must be 32 bytes');
      const id = hexKey(secretKey);
      let key = edPrivate.get(id);
      if (key === undefined) {
        const der = pkcs8(ED25519_PKCS8, secretKey);
        key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
        der.fill(0);
        edPrivate.set(id, key);
      }
      const signature = nodeCrypto.sign(null, message, key);
      return new Uint8Array(signature.buffer, signature.byteOffset, signature.byteLength);
    },
    verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
      if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
      if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
      if (!(message instanceof Uint8Array)) throw new CryptoError('message must be a Uint8Array');
      const id = hexKey(publicKey);
      let key = edPublic.get(id);
      try {
        if (key === undefined) {
          key = createPublicKey({
            key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) },
            format: 'jwk',
          });
          edPublic.set(id, key);
        }
        return nodeCrypto.verify(null, message, key, signature);
      } catch {
        return false;
      }
    },
  });
}

/** The process-wide instance the Node hosts pass to AdnlNode. */
export const nativeAsymmetric: AsymmetricPrimitives = createNativeAsymmetric();
