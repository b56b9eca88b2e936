/**
 * ADNL address lists (DIGEST §4.5): `adnl.addressList addrs version reinit_date priority expire_at` with
 * `adnl.address.udp ip:int port:int`, ip = the IPv4 as a big-endian number stored as a signed int32.
 * Only UDP over IPv4 is used; other address kinds (udp6, tunnel, reverse, quic) are skipped when read.
 */
import type { TlConstructors } from '../../tl/index.ts';
import { formatIpv4, isValidPort, parseIpv4 } from '../../transport/index.ts';
import { AdnlError } from '../errors.ts';

/** One UDP endpoint: dotted IPv4 + port. */
export interface AdnlAddress {
  host: string;
  port: number;
}

export type AdnlAddressListTl = TlConstructors['adnl.addressList'];

/** TL address list for `addresses`; AdnlError if one is not IPv4:port. */
export function encodeAddressList(
  addresses: readonly AdnlAddress[],
  version: number,
  reinitDate: number,
  priority = 0,
  expireAt = 0,
): AdnlAddressListTl {
  return {
    _: 'adnl.addressList',
    addrs: addresses.map((a) => {
      const ip = parseIpv4(a.host);
      if (ip === null || !isValidPort(a.port))
        throw new AdnlError('protocol', `not an IPv4 UDP address: ${a.host}:${a.port}`);
      return { _: 'adnl.address.udp', ip: ip | 0, port: a.port };
    }),
    version,
    reinit_date: reinitDate,
    priority,
    expire_at: expireAt,
  };
}

/** The IPv4 UDP endpoints of a TL address list (others skipped; invalid ports skipped). */
export function decodeAddressList(list: AdnlAddressListTl): AdnlAddress[] {
  const out: AdnlAddress[] = [];
  for (const a of list.addrs) {
    if (a._ !== 'adnl.address.udp') continue;
    const udp = a as TlConstructors['adnl.address.udp'];
    if (!isValidPort(udp.port)) continue;
    out.push({ host: formatIpv4(udp.ip), port: udp.port });
  }
  return out;
}

export function sameAddress(a: AdnlAddress, b: AdnlAddress): boolean {
  return a.host === b.host && a.port === b.port;
}
