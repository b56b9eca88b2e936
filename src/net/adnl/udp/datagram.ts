/**
 * Datagrams without a channel (DIGEST §4.1): dst_id(32) || ephemeral_pub(32) || sha256(plain)(32) || AES-CTR(plain),
 * with the AES key from ECDH(ephemeral secret, receiver's identity key) (§1). C++ uses a fresh ephemeral key per
 * packet; tonutils-go uses the sender's own identity key (so the receiver sees the sender's public key there).
 * Either works: the receiver derives the secret from whatever key the datagram carries.
 */
import {
  decryptWithKey,
  encryptForKey,
  type AsymmetricPrimitives,
  type KeyPair,
  type SymmetricPrimitives,
} from '../../crypto/index.ts';

export function sealRootDatagram(
  peerPublicKey: Uint8Array,
  peerId: Uint8Array,
  plaintext: Uint8Array,
  ephemeral: KeyPair,
  primitives?: SymmetricPrimitives,
  asymmetric?: AsymmetricPrimitives,
): Uint8Array {
  const sealed = encryptForKey(peerPublicKey, plaintext, ephemeral, primitives, asymmetric);
  const out = new Uint8Array(32 + sealed.length);
  out.set(peerId, 0);
  out.set(sealed, 32);
  return out;
}

/**
 * Plaintext of a datagram addressed to our id (first 32 bytes already matched). CryptoError if it is not ours.
 * This costs an ECDH with whatever key the datagram carries before anything is authenticated (AdnlNode budgets
 * it: first-contact-budget.ts).
 */
export function openRootDatagram(
  secretKey: Uint8Array,
  datagram: Uint8Array,
  primitives?: SymmetricPrimitives,
  asymmetric?: AsymmetricPrimitives,
): Uint8Array {
  return decryptWithKey(secretKey, datagram.subarray(32), primitives, asymmetric);
}
