/**
 * ADNL short id / key id of an Ed25519 public key: the TL hash of `pub.ed25519 key:int256 = PublicKey`,
 * i.e. sha256(c6b41348 || key) (DIGEST §0). Liteserver key ids, ADNL addresses and DHT node ids are all this.
 */
import { tlHash } from '../tl/index.ts';
import { expectBytes } from './bytes.ts';

export function adnlId(publicKey: Uint8Array): Uint8Array {
  expectBytes('ed25519 public key', publicKey, 32);
  return tlHash({ _: 'pub.ed25519', key: publicKey });
}
