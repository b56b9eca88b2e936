/**
 * adnl.addressList as the DHT carries it (DIGEST §4.5): in dht.node (bare) and as the boxed value under the
 * "address" key. `adnl.address.udp ip:int port:int` stores the IPv4 address as a signed int32 whose big-endian
 * bytes are the octets (1.2.3.4 -> 0x01020304).
 */
import { DhtParseError } from './errors.ts';
import { MAX_ADDRESSES_PER_LIST } from './limits.ts';

/** Same shape as AdnlAddress of src/net/adnl (IPv4 dotted + UDP port). */
export interface UdpAddress {
  host: string;
  port: number;
}

/** adnl.addressList as a TL object (the TL layer's value mapping). */
export interface AddressListTl {
  _: 'adnl.addressList';
  addrs: { _: string; [field: string]: unknown }[];
  version: number;
  reinit_date: number;
  priority: number;
  expire_at: number;
}

/** A decoded address list: the UDP addresses we can use, plus its header fields. */
export interface AddressListInfo {
  addresses: UdpAddress[];
  version: number;
  reinitDate: number;
  priority: number;
  /** Unix time after which the list is stale; 0 = no expiry. */
  expireAt: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Dotted IPv4 -> the signed int32 of adnl.address.udp. */
export function ipv4ToInt(host: string): number {
  const m = IPV4.exec(host);
  if (!m) throw new DhtParseError(`not an IPv4 address: ${host}`);
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) throw new DhtParseError(`not an IPv4 address: ${host}`);
    v = v * 256 + octet;
  }
  return v | 0;
}

/** The signed int32 of adnl.address.udp -> dotted IPv4. */
export function intToIpv4(ip: number): string {
  const u = ip >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

function checkPort(port: unknown): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DhtParseError('bad UDP port in address list');
  }
  return port;
}

/** Builds the TL address list of `addresses` (all as adnl.address.udp). */
export function makeAddressList(
  addresses: UdpAddress[],
  opts: { version?: number; reinitDate?: number; priority?: number; expireAt?: number } = {},
): AddressListTl {
  if (addresses.length > MAX_ADDRESSES_PER_LIST) throw new DhtParseError('too many addresses');
  return {
    _: 'adnl.addressList',
    addrs: addresses.map((a) => ({ _: 'adnl.address.udp', ip: ipv4ToInt(a.host), port: checkPort(a.port) })),
    version: opts.version ?? 0,
    reinit_date: opts.reinitDate ?? 0,
    priority: opts.priority ?? 0,
    expire_at: opts.expireAt ?? 0,
  };
}

/**
 * Reads a decoded adnl.addressList: keeps the adnl.address.udp entries (clients need only those), ignores the
 * other address kinds, bounds the count.
 */
export function readAddressList(list: AddressListTl): AddressListInfo {
  if (!Array.isArray(list.addrs)) throw new DhtParseError('address list without addrs');
  if (list.addrs.length > MAX_ADDRESSES_PER_LIST)
    throw new DhtParseError('too many addresses in address list');
  const addresses: UdpAddress[] = [];
  for (const a of list.addrs) {
    if (a._ === 'adnl.address.udp') {
      if (typeof a.ip !== 'number') throw new DhtParseError('bad IPv4 in address list');
      addresses.push({ host: intToIpv4(a.ip), port: checkPort(a.port) });
    }
  }
  return {
    addresses,
    version: list.version,
    reinitDate: list.reinit_date,
    priority: list.priority,
    expireAt: list.expire_at,
  };
}
