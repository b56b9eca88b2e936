/**
 * Which kind of TON host a URL names (DIGEST §8.2 step 2): `<55 chars>.adnl` (an ADNL id in text form), `<64 hex>.bag`
 * (a TON Storage bag) or a TON DNS name (`.ton`, `.t.me`). Hosts are case-insensitive; the port is ignored for
 * resolution (C++ strips it) but kept in the Host header.
 */
import { adnlIdFromText, CryptoError } from '../crypto/index.ts';
import { GatewayError } from './errors.ts';
import { bytesFromHex } from '../bytes.ts';

export type SiteTarget =
  | { kind: 'adnl'; host: string; adnlId: Uint8Array }
  | { kind: 'bag'; host: string; bagId: Uint8Array }
  | { kind: 'dns'; host: string; name: string };

/** Host suffixes the gateway serves. */
export const TON_HOST_SUFFIXES = ['.ton', '.t.me', '.adnl', '.bag'] as const;

/** True for a host name (no port) that is a TON host. */
export function isTonHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return TON_HOST_SUFFIXES.some((s) => h.endsWith(s) && h.length > s.length);
}

/** A .bag host's 64 hex digits (hosts are lower case after URL parsing) → the 32-byte bag id, or null. */
function hexToBytes(hex: string): Uint8Array | null {
  return /^[0-9a-f]{64}$/.test(hex) ? bytesFromHex(hex, 32) : null;
}

/** Parses an absolute http:// URL of a TON host. GatewayError('url') otherwise. */
export function parseTonUrl(input: string | URL): { url: URL; target: SiteTarget } {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new GatewayError('url', String(input), `not a URL: ${JSON.stringify(String(input))}`);
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (url.protocol !== 'http:') {
    const why =
      url.protocol === 'https:'
        ? 'TON Sites are served over plain http:// (the RLDP transport is already end-to-end encrypted)'
        : `unsupported scheme ${url.protocol}`;
    throw new GatewayError('url', host, why);
  }
  if (!isTonHost(host))
    throw new GatewayError('url', host, `${host} is not a TON host (.ton, .t.me, .adnl, .bag)`);
  if (host.endsWith('.adnl')) {
    const text = host.slice(0, -'.adnl'.length);
    try {
      return { url, target: { kind: 'adnl', host, adnlId: adnlIdFromText(text) } };
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      throw new GatewayError('url', host, `${host} is not a valid ADNL address: ${error.message}`, {
        cause: error,
      });
    }
  }
  if (host.endsWith('.bag')) {
    const bagId = hexToBytes(host.slice(0, -'.bag'.length));
    if (!bagId) throw new GatewayError('url', host, `${host}: a .bag host is 64 hex digits of the bag id`);
    return { url, target: { kind: 'bag', host, bagId } };
  }
  return { url, target: { kind: 'dns', host, name: host } };
}
