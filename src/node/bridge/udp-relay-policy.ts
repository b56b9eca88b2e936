/**
 * Which destinations the UDP relay may send to. The relay must never be an open relay into private networks or an
 * amplifier: only public unicast IPv4 addresses are allowed (RFC 6890 special-purpose ranges refused), and only
 * ports >= 1024 (no well-known services such as DNS or NTP; TON nodes listen on high ports). Devnet mode adds
 * loopback (127.0.0.0/8) — and nothing else.
 */
import { parseIpv4 } from '../../net/transport/index.ts';

export type Ipv4Class =
  | 'public'
  | 'this-network'
  | 'private'
  | 'cgnat'
  | 'loopback'
  | 'link-local'
  | 'ietf-protocol'
  | 'documentation'
  | '6to4-relay'
  | 'benchmarking'
  | 'multicast'
  | 'reserved'
  | 'broadcast';

/** [first address, prefix length, class], most specific first where ranges nest. */
const RANGES: ReadonlyArray<readonly [string, number, Ipv4Class]> = [
  ['0.0.0.0', 8, 'this-network'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'ietf-protocol'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, '6to4-relay'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const COMPILED = RANGES.map(([base, bits, cls]) => {
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (parseIpv4(base) as number) & mask, mask, cls };
});

/** Class of a numeric IPv4 address (unsigned 32-bit). */
export function classifyIpv4(ip: number): Ipv4Class {
  for (const r of COMPILED) if ((ip & r.mask) >>> 0 === r.net >>> 0) return r.cls;
  return 'public';
}

export interface RelayPolicy {
  /** Devnet mode: loopback destinations are allowed too. */
  allowLoopback: boolean;
  /** Lowest destination port allowed (default 1024). */
  minPort: number;
  /** Dotted addresses refused whatever their class (this host's own interface addresses). */
  blockedHosts?: ReadonlySet<string>;
}

/** True iff the relay may send a datagram to host:port under `policy`. `host` must be dotted IPv4. */
export function isAllowedDestination(host: string, port: number, policy: RelayPolicy): boolean {
  const ip = parseIpv4(host);
  if (policy.blockedHosts?.has(host)) return false;
  if (ip === null || !Number.isInteger(port) || port < policy.minPort || port > 65535 || port < 1)
    return false;
  const cls = classifyIpv4(ip);
  return cls === 'public' || (cls === 'loopback' && policy.allowLoopback);
}
