/** Ed25519 keys (32-byte seeds, as TON stores private keys), signing and verification. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { expectAnyBytes, expectBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { randomBytes } from './random.ts';

export interface KeyPair {
  /** 32-byte Ed25519 seed (TON's `pk.ed25519 key:int256`). */
  secretKey: Uint8Array;
  /** 32-byte Ed25519 public key (`pub.ed25519 key:int256`). */
  publicKey: Uint8Array;
}

export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  expectBytes('ed25519 seed', seed, 32);
  const secretKey = seed.slice();
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function generateKeyPair(): KeyPair {
  return keyPairFromSeed(randomBytes(32));
}

/** 64-byte Ed25519 signature of `message` with the 32-byte seed `secretKey`. */
export function sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  expectAnyBytes('message', message);
  expectBytes('ed25519 seed', secretKey, 32);
  return ed25519.sign(message, secretKey);
}

/**
 * True iff `signature` is a valid Ed25519 signature of `message` by `publicKey`. Signatures and keys come from
 * the wire, so anything malformed (wrong length, not a curve point, non-canonical encoding) is simply `false`.
 * Verification follows RFC 8032 strictly (zip215 off), as OpenSSL does in the C++ node.
 */
export function verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(message instanceof Uint8Array)) throw new CryptoError('message must be a Uint8Array');
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
