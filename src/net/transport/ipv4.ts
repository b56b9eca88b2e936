/**
 * Dotted IPv4 text ↔ unsigned 32-bit number (most significant octet first). Shared by the datagram relay frames
 * (relay-protocol.ts) and ADNL address lists (`adnl.address.udp ip:int` is the signed form of the same number,
 * DIGEST §4.5). Only the strict form `a.b.c.d` with decimal octets 0..255 and no leading zeros is accepted, so
 * a host string has exactly one numeric value and nothing is ever resolved through DNS.
 */
const OCTET = /^(0|[1-9][0-9]{0,2})$/;

/** The address as an unsigned 32-bit number, or null when `host` is not a strict dotted IPv4 address. */
export function parseIpv4(host: string): number | null {
  if (typeof host !== 'string' || host.length > 15) return null;
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

/** Dotted text of an unsigned (or signed) 32-bit number. */
export function formatIpv4(value: number): string {
  const u = value >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

/** True for a port number usable as a UDP destination (1..65535). */
export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}
