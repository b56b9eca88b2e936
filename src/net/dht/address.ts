/**
 * ADNL id -> (public key, address list) through the DHT (DIGEST §5.3): the value under
 * dht.key{id = adnl_id, name = "address", idx = 0}, rule signature, owner = the node's pub.ed25519, holds a
 * boxed adnl.addressList. The owner key is what the first UDP packet is encrypted to; its TL hash must be the
 * ADNL id we asked for.
 */
import type { KeyPair } from '../crypto/index.ts';
import { TlError, tlDecode, tlEncode } from '../tl/index.ts';
import { makeAddressList, readAddressList, type AddressListTl, type UdpAddress } from './address-list.ts';
import { bytesEqual } from './bytes.ts';
import { DhtParseError, DhtVerifyError } from './errors.ts';
import { addressKeyId } from './key.ts';
import { keyIdOf } from './public-key.ts';
import { makeSignedValue, type DhtValueInfo, type DhtValueTl } from './value.ts';

/** Where an ADNL node can be reached, as published by the node itself. */
export interface ResolvedAddress {
  adnlId: Uint8Array;
  /** The node's Ed25519 public key (checked against adnlId). */
  publicKey: Uint8Array;
  addresses: UdpAddress[];
  version: number;
  reinitDate: number;
  priority: number;
  /** 0 = no expiry. */
  expireAt: number;
  /** Unix time the DHT value expires. */
  ttl: number;
}

/** Reads a verified "address" value for `adnlId`; throws DhtVerifyError / DhtParseError. */
export function readAddressValue(info: DhtValueInfo, adnlId: Uint8Array, now: number): ResolvedAddress {
  if (!bytesEqual(info.keyId, addressKeyId(adnlId)))
    throw new DhtVerifyError('value is not the address of this id');
  if (info.rule !== 'signature' || info.owner._ !== 'pub.ed25519') {
    throw new DhtVerifyError('an address value must be signed by its pub.ed25519 owner');
  }
  if (!bytesEqual(keyIdOf(info.owner), adnlId))
    throw new DhtVerifyError('address owner key is not this ADNL id');
  let list: AddressListTl;
  try {
    list = tlDecode<AddressListTl>('adnl.AddressList', info.value);
  } catch (error) {
    if (error instanceof TlError) throw new DhtParseError(`bad address list value: ${error.message}`);
    throw error;
  }
  const read = readAddressList(list);
  if (read.expireAt !== 0 && read.expireAt < now) throw new DhtVerifyError('address list has expired');
  if (read.addresses.length === 0) throw new DhtVerifyError('address list has no UDP address');
  return { adnlId, publicKey: info.owner.key, ...read, ttl: info.ttl };
}

/** The signed "address" value a node publishes for itself. */
export function makeAddressValue(
  keyPair: KeyPair,
  addresses: UdpAddress[],
  ttl: number,
  opts: { version?: number; reinitDate?: number; priority?: number; expireAt?: number } = {},
): DhtValueTl {
  const list = makeAddressList(addresses, opts);
  return makeSignedValue(keyPair, 'address', 0, tlEncode(list), ttl);
}
