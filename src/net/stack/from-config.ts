/**
 * One composition of the TON stack from a global config, for every host (the service worker, `tonsite fetch`,
 * `proxy` and `resolve`): the config's liteservers, the DNS resolver over them with the trust it gives, the
 * network's DNS hints and the DHT's static nodes. A trust level or a network default is decided here, once.
 * Hosts bring only what differs between them: how a liteserver is reached (the pool) and caching.
 */
import { type DhtConfig, parseDhtConfig } from '../dht/index.ts';
import {
  CrossCheckResolver,
  dnsHintsForConfig,
  LiteDnsSource,
  liteDnsSources,
  SourceResolver,
  type DnsHints,
  type DnsResolver,
} from '../dns/index.ts';
import { liteServersFromConfig, type LitePool, type LiteServerEntry } from '../lite/index.ts';

/**
 * How far a DNS answer is trusted: `cross-checked` when two liteservers gave the same walk (DnsDisagreementError
 * otherwise), `single-source` when one liteserver's answer is taken as it is.
 */
export type DnsTrust = 'cross-checked' | 'single-source';

export interface StackHostParts {
  /** The host's pool over these servers (direct TCP, the bridge's /tcp route, …). */
  pool(servers: LiteServerEntry[]): LitePool;
  /** Ask one liteserver even when the config lists more (`tonsite resolve --single`). */
  single?: boolean;
}

export interface TonStack {
  /** The config's liteservers; empty when it has none, or none that parse (then `serversError` says why). */
  servers: LiteServerEntry[];
  serversError: Error | null;
  /** Mainnet's/testnet's compiled-in hints (by zero state) or the config's `dns_hints` section (hints.ts). */
  hints: DnsHints | undefined;
  /** The DHT of the config; null without a usable `dht` section with static nodes. */
  dht: DhtConfig | null;
  /** DNS over the liteservers; null without liteservers. */
  dns: { pool: LitePool; resolver: DnsResolver; trust: DnsTrust } | null;
}

export function stackFromConfig(config: unknown, host: StackHostParts): TonStack {
  let servers: LiteServerEntry[] = [];
  let serversError: Error | null = null;
  try {
    servers = liteServersFromConfig(config);
  } catch (error) {
    serversError = error as Error;
  }
  const hints = dnsHintsForConfig(config) ?? undefined;
  let dns: TonStack['dns'] = null;
  if (servers.length > 0) {
    const pool = host.pool(servers);
    const crossCheck = !host.single && servers.length >= 2;
    const resolver: DnsResolver = crossCheck
      ? new CrossCheckResolver(liteDnsSources(pool, { hints }))
      : new SourceResolver(new LiteDnsSource(pool, { hints }));
    dns = { pool, resolver, trust: crossCheck ? 'cross-checked' : 'single-source' };
  }
  return { servers, serversError, hints, dht: dhtFromConfig(config), dns };
}

function dhtFromConfig(config: unknown): DhtConfig | null {
  try {
    const parsed = parseDhtConfig(config);
    return parsed.staticNodes.length > 0 ? parsed : null;
  } catch {
    return null; // no usable dht section: .ton names resolve, but their sites cannot be found (stage 'dht')
  }
}
