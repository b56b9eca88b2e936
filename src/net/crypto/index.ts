/** src/net/crypto: keys, TON's ECDH, AES-CTR (with digest and streaming), sha256, ADNL ids and their text form. */
export { CryptoError } from './errors.ts';
export { randomBytes } from './random.ts';
export { sha256 } from './hash.ts';
export { type KeyPair, generateKeyPair, keyPairFromSeed, sign, verify } from './ed25519.ts';
export { sharedSecret, toX25519PublicKey, toX25519SecretKey } from './ecdh.ts';
export { type AesCtrStream, createAesCtr, aesCtr, aesCtrInto } from './aes-ctr.ts';
export {
  digestKeyIv,
  encryptForKey,
  decryptWithKey,
  encryptWithSharedKey,
  encryptWithSharedKeyInto,
  sealWithSharedKeyInPlace,
  decryptWithSharedKey,
} from './digest-cipher.ts';
export { type SymmetricPrimitives, noblePrimitives } from './primitives.ts';
export { type AsymmetricPrimitives, nobleAsymmetric } from './asymmetric.ts';
export { crc16 } from './crc16.ts';
export { crc32c } from './crc32c.ts';
export { sha512 } from './sha512.ts';
export { ADNL_TEXT_LENGTH, adnlIdFromText, adnlIdToText } from './adnl-text.ts';
export { adnlId } from './adnl-id.ts';
export {
  type Ed25519BatchVerifier,
  type Ed25519Item,
  nobleEd25519,
  platformEd25519,
  verifyStrict,
  webCryptoEd25519,
} from './ed25519-batch.ts';
