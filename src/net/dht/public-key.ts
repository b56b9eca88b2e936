/** PublicKey TL objects as the DHT uses them (DIGEST §0): key ids are TL hashes of the boxed key. */
import { tlHash, type TlType } from '../tl/index.ts';
import { DhtVerifyError } from './errors.ts';

export type PublicKeyTl = TlType<'PublicKey'>;

/** Key id (ADNL short id, overlay short id, DHT key owner id) = sha256(boxed PublicKey). */
export function keyIdOf(publicKey: PublicKeyTl): Uint8Array {
  return tlHash(publicKey);
}

export function ed25519PublicKeyTl(key: Uint8Array): PublicKeyTl {
  return { _: 'pub.ed25519', key };
}

/** The raw Ed25519 key of a `pub.ed25519`; DhtVerifyError for any other kind (they cannot sign). */
export function expectEd25519(publicKey: PublicKeyTl, what: string): Uint8Array {
  if (publicKey._ !== 'pub.ed25519')
    throw new DhtVerifyError(`${what} must be pub.ed25519, got ${publicKey._}`);
  return publicKey.key;
}
