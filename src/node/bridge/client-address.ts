/**
 * The client address a stream is counted under (per-client stream caps, logs). Directly on the internet it is the
 * TCP peer. Behind a reverse proxy every TCP peer is the proxy, so all clients would share one stream cap: for
 * peers the operator names as trusted proxies (`tonsite bridge --trust-proxy ADDR`), the address comes from
 * `X-Forwarded-For` instead — its last entry not itself a trusted proxy (the entries before it are whatever the
 * client chose to send and are never believed).
 */
import { isIP } from 'node:net';
import type { IncomingMessage } from 'node:http';

/** Longest X-Forwarded-For header looked at (a header is bounded by the HTTP parser; this bounds our work). */
const MAX_FORWARDED_CHARS = 4096;

export class ClientAddressPolicy {
  private readonly trusted: ReadonlySet<string>;

  constructor(trustedProxies: readonly string[] = []) {
    for (const a of trustedProxies) {
      if (isIP(a) === 0) throw new TypeError(`trusted proxy must be an IP address, got '${a}'`);
    }
    this.trusted = new Set(trustedProxies.map(normalize));
  }

  clientOf(req: IncomingMessage): string {
    const peer = normalize(req.socket.remoteAddress ?? 'unknown');
    if (!this.trusted.has(peer)) return peer;
    const header = req.headers['x-forwarded-for'];
    const text = (Array.isArray(header) ? header.join(',') : (header ?? '')).slice(-MAX_FORWARDED_CHARS);
    const hops = text
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = normalize(hops[i]);
      if (isIP(hop) === 0) return peer; // garbage: count the stream under the proxy itself
      if (!this.trusted.has(hop)) return hop;
    }
    return peer;
  }
}

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) → `1.2.3.4`. */
function normalize(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
