/**
 * One composition of the TON stack from a global config, for every host (the service worker, `tonsite fetch`,
 * `proxy` and `resolve`): the config's liteservers, the DNS resolver over them with the trust it gives, the
 * network's DNS hints and the DHT's static nodes. A trust level or a network default is decided here, once.
 * Hosts bring only what differs between them: how a liteserver is reached (the pool) and caching.
 */
import { type DhtConfig, parseDhtConfig } from '../dht/index.ts';
import type { Ed25519BatchVerifier } from '../crypto/index.ts';
import {
  CrossCheckResolver,
  dnsHintsForConfig,
  FailoverResolver,
  LiteDnsSource,
  liteDnsSources,
  ProvenDnsSource,
  provenDnsSources,
  SourceResolver,
  type DnsHints,
  type DnsResolver,
} from '../dns/index.ts';
import {
  BlockTrust,
  configAnchors,
  liteServersFromConfig,
  type AnchorStore,
  type BlockIdExt,
  type LitePool,
  type LiteServerEntry,
} from '../lite/index.ts';

/**
 * How far the stack's DNS answers are trusted (issue 14): `proof` when every answer is proven from a trusted key
 * block (BlockTrust + ProvenDnsSource; a hop through resolver code we cannot run natively is cross-checked, and the
 * resolution says so), `cross-checked` when two liteservers gave the same walk (DnsDisagreementError otherwise),
 * `single-source` when one liteserver's answer is taken as it is.
 */
export type DnsTrust = 'proof' | 'cross-checked' | 'single-source';

/** What a host may ask for: verified (the default) or, as a setting, relaxed to cross-checking. */
export type DnsVerification = 'proof' | 'cross-checked';

export interface StackHostParts {
  /** The host's pool over these servers (direct TCP, the bridge's /tcp route, …). */
  pool(servers: LiteServerEntry[]): LitePool;
  /** Ask one liteserver even when the config lists more (`tonsite resolve --single`). */
  single?: boolean;
  /** Default `proof`; `cross-checked` skips the proofs and compares two liteservers instead. */
  verification?: DnsVerification;
  /** Where the newest verified key block of the network with this zero state is kept (IndexedDB, a file); default in memory. */
  anchorStore?: (zeroState: BlockIdExt) => AnchorStore;
  /** Ed25519 backend for block signatures (default: the platform's WebCrypto where it works, else noble). */
  verifier?: Ed25519BatchVerifier;
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
  dns: { pool: LitePool; resolver: DnsResolver; trust: DnsTrust; blockTrust: BlockTrust | null } | null;
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
    if ((host.verification ?? 'proof') === 'proof') {
      const anchors = configAnchors((config as { validator?: unknown } | null)?.validator);
      const blockTrust = new BlockTrust({
        config: anchors,
        store: host.anchorStore?.(anchors.zeroState),
        verifier: host.verifier,
      });
      // Proven answers need no second server; a server whose answer fails verification (or that cannot answer)
      // hands the resolution to the next one (FailoverResolver), so one honest server is enough.
      const resolver: DnsResolver = host.single
        ? new SourceResolver(new ProvenDnsSource(pool, { trust: blockTrust, hints }))
        : new FailoverResolver(provenDnsSources(pool, { trust: blockTrust, hints }));
      dns = { pool, resolver, trust: 'proof', blockTrust };
    } else {
      const crossCheck = !host.single && servers.length >= 2;
      const resolver: DnsResolver = crossCheck
        ? new CrossCheckResolver(liteDnsSources(pool, { hints }))
        : new SourceResolver(new LiteDnsSource(pool, { hints }));
      dns = { pool, resolver, trust: crossCheck ? 'cross-checked' : 'single-source', blockTrust: null };
    }
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
