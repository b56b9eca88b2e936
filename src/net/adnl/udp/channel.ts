/**
 * ADNL channel keys (DIGEST §4.4; C++ adnl/adnl-channel.cpp). Both sides announce an ephemeral Ed25519 "channel"
 * key (createChannel / confirmChannel); shared = ECDH(our channel secret, peer channel public) and rev = shared
 * reversed byte-wise. Comparing the two ADNL ids as 256-bit big-endian numbers:
 *   our id < peer id → decrypt with shared, encrypt with rev;
 *   our id > peer id → decrypt with rev,    encrypt with shared;
 *   equal            → both shared.
 * Channel ids are TL hashes of `pub.aes key:int256`: in_id of the decrypt key, out_id of the encrypt key. A
 * channel datagram is out_id(32) || sha256(plain)(32) || AES-CTR(plain) (the "AES with digest" scheme, §1).
 */
import {
  decryptWithSharedKey,
  encryptWithSharedKeyInto,
  nobleAsymmetric,
  sealWithSharedKeyInPlace,
  type AsymmetricPrimitives,
  type SymmetricPrimitives,
} from '../../crypto/index.ts';
import { tlHash } from '../../tl/index.ts';

export interface ChannelKeys {
  encryptKey: Uint8Array;
  decryptKey: Uint8Array;
  /** Incoming channel datagrams start with this id. */
  inId: Uint8Array;
  /** Outgoing channel datagrams start with this id. */
  outId: Uint8Array;
}

/** -1, 0, 1 as `a` is below, equal to or above `b`, both read as big-endian unsigned numbers of equal length. */
export function compareIds(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

/** CryptoError if the peer channel key is not a usable curve point (`asymmetric`: the ECDH to use). */
export function deriveChannelKeys(
  ourChannelSecret: Uint8Array,
  peerChannelPublic: Uint8Array,
  ourId: Uint8Array,
  peerId: Uint8Array,
  asymmetric: AsymmetricPrimitives = nobleAsymmetric,
): ChannelKeys {
  const shared = asymmetric.sharedSecret(ourChannelSecret, peerChannelPublic);
  const rev = shared.slice().reverse();
  const order = compareIds(ourId, peerId);
  const decryptKey = order <= 0 ? shared : rev;
  const encryptKey = order >= 0 ? shared : rev;
  return {
    encryptKey,
    decryptKey,
    inId: tlHash({ _: 'pub.aes', key: decryptKey }),
    outId: tlHash({ _: 'pub.aes', key: encryptKey }),
  };
}

/** out_id || digest || ciphertext (`primitives`: SHA-256 and AES-CTR to use; default noble). */
export function sealChannelDatagram(
  keys: ChannelKeys,
  plaintext: Uint8Array,
  primitives?: SymmetricPrimitives,
): Uint8Array {
  const out = new Uint8Array(64 + plaintext.length);
  out.set(keys.outId, 0);
  encryptWithSharedKeyInto(keys.encryptKey, plaintext, out, 32, primitives);
  return out;
}

/** Bytes in front of the packet in a channel datagram: out_id(32) and digest(32). */
export const CHANNEL_HEADER_BYTES = 64;

/**
 * sealChannelDatagram in place: `datagram` = CHANNEL_HEADER_BYTES of room, then the plaintext packet (as
 * encodeChannelPacket(..., CHANNEL_HEADER_BYTES) builds it). Fills the header and encrypts the packet in place.
 */
export function sealChannelDatagramInPlace(
  keys: ChannelKeys,
  datagram: Uint8Array,
  primitives?: SymmetricPrimitives,
): Uint8Array {
  datagram.set(keys.outId, 0);
  sealWithSharedKeyInPlace(keys.encryptKey, datagram, 32, primitives);
  return datagram;
}

/** Plaintext of a channel datagram (its first 32 bytes, the in_id, already matched). CryptoError on a bad digest. */
export function openChannelDatagram(
  keys: ChannelKeys,
  datagram: Uint8Array,
  primitives?: SymmetricPrimitives,
): Uint8Array {
  return decryptWithSharedKey(keys.decryptKey, datagram.subarray(32), primitives);
}
