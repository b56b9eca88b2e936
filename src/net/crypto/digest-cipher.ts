/**
 * TON's "AES-CTR with digest" (DIGEST §1; ton keys/encryptor.cpp EncryptorEd25519 / EncryptorAES):
 *   digest = sha256(plaintext)
 *   key    = secret[0..16] || digest[16..32]   (AES-256)
 *   iv     = digest[0..4]  || secret[20..32]
 *   ciphertext = AES-256-CTR(key, iv, plaintext)
 * Ed25519 encryptor output: ephemeral_pub(32) || digest(32) || ciphertext — the ADNL-UDP root packet uses the
 * sender's long-term key as the "ephemeral" one. AES (channel, pub.aes) output: digest(32) || ciphertext.
 * Decryption recomputes sha256 of the plaintext and rejects a mismatch.
 */
import { bytesEqual, concatBytes, expectAnyBytes, expectBytes } from './bytes.ts';
import { nobleAsymmetric, type AsymmetricPrimitives } from './asymmetric.ts';
import { generateKeyPair, type KeyPair } from './ed25519.ts';
import { CryptoError } from './errors.ts';
import { noblePrimitives, type SymmetricPrimitives } from './primitives.ts';

export function digestKeyIv(secret: Uint8Array, digest: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  expectBytes('shared secret', secret, 32);
  expectBytes('digest', digest, 32);
  const key = new Uint8Array(32);
  key.set(secret.subarray(0, 16), 0);
  key.set(digest.subarray(16, 32), 16);
  const iv = new Uint8Array(16);
  iv.set(digest.subarray(0, 4), 0);
  iv.set(secret.subarray(20, 32), 4);
  return { key, iv };
}

/** digest(32) || AES-CTR(plaintext) under `secret`, written at the start of `out` (32 + plaintext.length bytes). */
function sealWithSecretInto(
  secret: Uint8Array,
  plaintext: Uint8Array,
  out: Uint8Array,
  primitives: SymmetricPrimitives = noblePrimitives,
): void {
  const digest = primitives.sha256(plaintext);
  const { key, iv } = digestKeyIv(secret, digest);
  out.set(digest, 0);
  primitives.aesCtrInto(key, iv, plaintext, out.subarray(32, 32 + plaintext.length));
}

function sealWithSecret(
  secret: Uint8Array,
  plaintext: Uint8Array,
  primitives: SymmetricPrimitives = noblePrimitives,
): Uint8Array {
  const out = new Uint8Array(32 + plaintext.length);
  sealWithSecretInto(secret, plaintext, out, primitives);
  return out;
}

/** Inverse of sealWithSecret on `sealed` = digest(32) || ciphertext; CryptoError if the digest does not match. */
function openWithSecret(
  secret: Uint8Array,
  sealed: Uint8Array,
  primitives: SymmetricPrimitives = noblePrimitives,
): Uint8Array {
  if (sealed.length < 32) throw new CryptoError(`encrypted data too short: ${sealed.length} bytes`);
  const digest = sealed.subarray(0, 32);
  const { key, iv } = digestKeyIv(secret, digest);
  const plaintext = new Uint8Array(sealed.length - 32);
  primitives.aesCtrInto(key, iv, sealed.subarray(32), plaintext);
  if (!bytesEqual(primitives.sha256(plaintext), digest))
    throw new CryptoError('digest mismatch: wrong key or corrupted data');
  return plaintext;
}

/**
 * ephemeral_pub(32) || digest(32) || ciphertext for the holder of `peerPublicKey`'s secret (`primitives`,
 * `asymmetric`: the implementations to use; default noble — the bytes are the same).
 */
export function encryptForKey(
  peerPublicKey: Uint8Array,
  plaintext: Uint8Array,
  ephemeral?: KeyPair,
  primitives?: SymmetricPrimitives,
  asymmetric: AsymmetricPrimitives = nobleAsymmetric,
): Uint8Array {
  expectAnyBytes('plaintext', plaintext);
  const eph = ephemeral ?? generateKeyPair();
  expectBytes('ephemeral public key', eph.publicKey, 32);
  const secret = asymmetric.sharedSecret(eph.secretKey, peerPublicKey);
  return concatBytes(eph.publicKey, sealWithSecret(secret, plaintext, primitives));
}

/** Opens encryptForKey output with our Ed25519 seed; CryptoError on short input, bad key or digest mismatch. */
export function decryptWithKey(
  secretKey: Uint8Array,
  data: Uint8Array,
  primitives?: SymmetricPrimitives,
  asymmetric: AsymmetricPrimitives = nobleAsymmetric,
): Uint8Array {
  expectAnyBytes('encrypted data', data);
  if (data.length < 64) throw new CryptoError(`encrypted data too short: ${data.length} bytes`);
  const secret = asymmetric.sharedSecret(secretKey, data.subarray(0, 32));
  return openWithSecret(secret, data.subarray(32), primitives);
}

/** digest(32) || ciphertext under a 32-byte symmetric key (ADNL channels, pub.aes). */
export function encryptWithSharedKey(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  expectBytes('shared key', key, 32);
  expectAnyBytes('plaintext', plaintext);
  return sealWithSecret(key, plaintext);
}

/**
 * encryptWithSharedKey written into `out` at `offset` (32 + plaintext.length bytes), so a caller that frames the
 * result (ADNL channel datagrams: out_id first) allocates once. RangeError if `out` is too short.
 */
export function encryptWithSharedKeyInto(
  key: Uint8Array,
  plaintext: Uint8Array,
  out: Uint8Array,
  offset: number,
  primitives?: SymmetricPrimitives,
): void {
  expectBytes('shared key', key, 32);
  expectAnyBytes('plaintext', plaintext);
  expectAnyBytes('output', out);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + 32 + plaintext.length > out.length) {
    throw new RangeError('encryptWithSharedKeyInto: output too short');
  }
  sealWithSecretInto(key, plaintext, out.subarray(offset), primitives);
}

/** Opens encryptWithSharedKey output; CryptoError on short input or a digest mismatch. */
/**
 * encryptWithSharedKey in place: `buffer` has 32 free bytes at `offset` followed by the plaintext up to its end;
 * the digest goes into the free bytes and the plaintext is encrypted where it lies (ADNL channel datagrams are
 * built in their final buffer: one allocation, no copy). RangeError if there is no room for the digest.
 */
export function sealWithSharedKeyInPlace(
  key: Uint8Array,
  buffer: Uint8Array,
  offset: number,
  primitives: SymmetricPrimitives = noblePrimitives,
): void {
  expectBytes('shared key', key, 32);
  expectAnyBytes('buffer', buffer);
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + 32 > buffer.length) {
    throw new RangeError('sealWithSharedKeyInPlace: no room for the digest');
  }
  const plaintext = buffer.subarray(offset + 32);
  const digest = primitives.sha256(plaintext);
  const { key: aesKey, iv } = digestKeyIv(key, digest);
  buffer.set(digest, offset);
  primitives.aesCtrInto(aesKey, iv, plaintext, plaintext);
}

export function decryptWithSharedKey(
  key: Uint8Array,
  data: Uint8Array,
  primitives?: SymmetricPrimitives,
): Uint8Array {
  expectBytes('shared key', key, 32);
  expectAnyBytes('encrypted data', data);
  return openWithSecret(key, data, primitives);
}
