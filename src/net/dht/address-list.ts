/**
 * adnl.addressList as the DHT carries it (DIGEST §4.5): in dht.node (bare) and as the boxed value under the
 * "address" key. The IPv4 encoding itself is the ADNL layer's (encodeAddressList / decodeAddressList); here
 * are the DHT's bounds and the header fields a lookup reports.
 */
import { AdnlError, decodeAddressList, encodeAddressList, type AdnlAddress } from '../adnl/index.ts';
import type { TlCtor } from '../tl/index.ts';
import { DhtParseError } from './errors.ts';
import { MAX_ADDRESSES_PER_LIST } from './limits.ts';

/** Same as AdnlAddress of src/net/adnl (IPv4 dotted + UDP port). */
export type UdpAddress = AdnlAddress;

export type AddressListTl = TlCtor<'adnl.addressList'>;

/** A decoded address list: the UDP addresses we can use, plus its header fields. */
export interface AddressListInfo {
  addresses: UdpAddress[];
  version: number;
  reinitDate: number;
  priority: number;
  /** Unix time after which the list is stale; 0 = no expiry. */
  expireAt: number;
}

/** Builds the TL address list of `addresses` (all as adnl.address.udp); DhtParseError if one is not IPv4:port. */
export function makeAddressList(
  addresses: UdpAddress[],
  opts: { version?: number; reinitDate?: number; priority?: number; expireAt?: number } = {},
): AddressListTl {
  if (addresses.length > MAX_ADDRESSES_PER_LIST) throw new DhtParseError('too many addresses');
  try {
    return encodeAddressList(
      addresses,
      opts.version ?? 0,
      opts.reinitDate ?? 0,
      opts.priority ?? 0,
      opts.expireAt ?? 0,
    );
  } catch (error) {
    if (error instanceof AdnlError) throw new DhtParseError(error.message);
    throw error;
  }
}

/**
 * Reads a decoded adnl.addressList: keeps the adnl.address.udp entries (clients need only those; other kinds
 * and invalid ports are skipped), bounds the count.
 */
export function readAddressList(list: AddressListTl): AddressListInfo {
  if (list.addrs.length > MAX_ADDRESSES_PER_LIST)
    throw new DhtParseError('too many addresses in address list');
  return {
    addresses: decodeAddressList(list),
    version: list.version,
    reinitDate: list.reinit_date,
    priority: list.priority,
    expireAt: list.expire_at,
  };
}
