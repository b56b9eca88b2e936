/**
 * TON's ECDH between Ed25519 keys (DIGEST §1, td::Ed25519::compute_shared_secret): both sides are moved to
 * Curve25519 — the secret as the clamped first half of sha512(seed), the public key as the Montgomery
 * u = (1 + y) / (1 - y) — and X25519 gives the 32-byte shared secret. The result is symmetric.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { expectBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** X25519 scalar for an Ed25519 seed: sha512(seed)[0..32], clamped. */
export function toX25519SecretKey(seed: Uint8Array): Uint8Array {
  expectBytes('ed25519 seed', seed, 32);
  return ed25519.utils.toMontgomerySecret(seed);
}

/** Montgomery u-coordinate of an Ed25519 public key; CryptoError if the bytes are not a curve point. */
export function toX25519PublicKey(publicKey: Uint8Array): Uint8Array {
  expectBytes('ed25519 public key', publicKey, 32);
  try {
    return ed25519.utils.toMontgomery(publicKey);
  } catch {
    throw new CryptoError('ed25519 public key is not a valid curve point');
  }
}

/** 32-byte shared secret of our Ed25519 seed and the peer's Ed25519 public key. */
export function sharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array {
  const scalar = toX25519SecretKey(secretKey);
  const u = toX25519PublicKey(peerPublicKey);
  try {
    return x25519.getSharedSecret(scalar, u);
  } catch {
    // noble rejects low-order points (they would give an all-zero secret).
    throw new CryptoError('peer public key is a low-order point');
  } finally {
    scalar.fill(0);
  }
}
