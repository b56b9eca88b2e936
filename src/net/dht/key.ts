/**
 * DHT keys (DIGEST §5.1): `dht.key id:int256 name:bytes idx:int`; the id looked up in the DHT is
 * sha256(boxed dht.key). `id` is the owner's key id (TL hash of its PublicKey); name is 1..127 bytes, idx 0..15.
 */
import { tlHash, type TlCtor } from '../tl/index.ts';
import { DhtVerifyError } from './errors.ts';
import { MAX_KEY_INDEX, MAX_KEY_NAME_BYTES } from './limits.ts';

export type DhtKeyTl = TlCtor<'dht.key'>;

/** Throws DhtVerifyError unless the key is one the C++ node accepts (DhtKey::check). */
export function checkDhtKey(key: DhtKeyTl): void {
  if (!(key.id instanceof Uint8Array) || key.id.length !== 32)
    throw new DhtVerifyError('dht.key id is not 32 bytes');
  if (key.name.length === 0) throw new DhtVerifyError('empty dht.key name');
  if (key.name.length > MAX_KEY_NAME_BYTES) throw new DhtVerifyError('dht.key name is longer than 127 bytes');
  if (!Number.isInteger(key.idx) || key.idx < 0 || key.idx > MAX_KEY_INDEX) {
    throw new DhtVerifyError(`bad dht.key idx ${key.idx}`);
  }
}

/** The dht.key of `name`/`idx` owned by the key with id `ownerId` (validated). */
export function makeDhtKey(ownerId: Uint8Array, name: string | Uint8Array, idx = 0): DhtKeyTl {
  const key: DhtKeyTl = {
    _: 'dht.key',
    id: ownerId,
    name: typeof name === 'string' ? new TextEncoder().encode(name) : name,
    idx,
  };
  checkDhtKey(key);
  return key;
}

/** Key id = sha256(boxed dht.key): what findValue asks for and what the XOR metric measures from. */
export function dhtKeyId(key: DhtKeyTl): Uint8Array {
  checkDhtKey(key);
  return tlHash(key);
}

/** Key id of an ADNL node's address list: dht.key{id = adnl id, name = "address", idx = 0} (DIGEST §5.3). */
export function addressKeyId(adnlId: Uint8Array): Uint8Array {
  return dhtKeyId(makeDhtKey(adnlId, 'address', 0));
}

/** Key id of an overlay's node list: dht.key{id = overlay short id, name = "nodes", idx = 0} (DIGEST §6). */
export function overlayNodesKeyId(overlayId: Uint8Array): Uint8Array {
  return dhtKeyId(makeDhtKey(overlayId, 'nodes', 0));
}
