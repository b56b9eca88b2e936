/**
 * The TON stack of the service worker, built lazily from the settings and rebuilt when they change:
 *   bridges      measured and chosen by a BridgeSelector (bridges/): the best first, the next one on failure
 *   liteservers  LitePool over the chosen bridge's /tcp route
 *   DNS          CrossCheckResolver (2+ liteservers) or SourceResolver, cached in IndexedDB (dns-cache.ts), with
 *                the network's DNS hints (dnsHintsForConfig)
 *   ADNL/UDP     one AdnlNode over the bridge's /udp relay, with the DHT of the config (cache in dht-cache.ts)
 *   gateway      src/net/gateway over all of it (TON Storage pieces cached in piece-cache.ts)
 * Nothing here outlives a service-worker restart except what the caches put in IndexedDB: connections are made
 * again on the next use.
 */
import { AdnlNode } from '../net/adnl/index.ts';
import { generateKeyPair } from '../net/crypto/index.ts';
import { DhtClient, type DhtConfig } from '../net/dht/index.ts';
import { CachingResolver, type DnsResolution, type DnsResolver } from '../net/dns/index.ts';
import {
  Gateway,
  type GatewayFetchInit,
  type GatewayRequestLog,
  type GatewayResponse,
} from '../net/gateway/index.ts';
import { LiteError, LitePool, type LiteServerStatus } from '../net/lite/index.ts';
import { builtInNetworkConfig, stackFromConfig, type DnsTrust } from '../net/stack/index.ts';
import {
  bridgeTcpUrl,
  bridgeUdpUrl,
  connectWebSocketStream,
  openRelaySocket,
  type ByteStream,
  type RelaySocket,
} from '../net/transport/index.ts';
import {
  mayRetryOnAnotherBridge,
  probeBridge,
  type BridgeSelector,
  type BridgeState,
} from './bridges/index.ts';
import { IdbDhtCache } from './dht-cache.ts';
import { IdbAnchorStore } from './anchor-store.ts';
import { IdbDnsCacheStore } from './dns-cache.ts';
import { IdbPieceCache } from './piece-cache.ts';
import type { Settings } from './settings.ts';

const CONNECT_TIMEOUT_MS = 8_000;
const QUERY_TIMEOUT_MS = 10_000;

export type Trust = DnsTrust;

/** A DNS resolution as the gateway saw it: where it came from and whether the IndexedDB cache answered. */
export interface ResolutionNote {
  resolution: DnsResolution;
  trust: Trust;
  /** Date.now() when it was returned. */
  at: number;
}

export interface ConnectionStatus {
  network: string;
  bridges: string[];
  /** The bridge carrying traffic now (null before the first connection, or when the last one failed). */
  bridgeInUse: string | null;
  /** Every configured bridge, in the order they would be tried now, with its last measurement. */
  bridgeStates: BridgeState[];
  /** The bridge whose relay carries ADNL/UDP now (null before the first site request). */
  relay: { url: string; open: boolean; sent: number; received: number; dropped: number } | null;
  liteservers: LiteServerStatus[];
  /** The last masterchain block seen (from any liteserver). */
  masterchain: { seqno: number; server: string; rootHash: string; at: number } | null;
  dht: { staticNodes: number; learnedNodes: number } | null;
  trust: Trust;
  error: string | null;
}

/** Wraps the resolver the gateway uses and remembers the latest resolution of each name (bounded). */
class RecordingResolver implements DnsResolver {
  readonly notes = new Map<string, ResolutionNote>();
  constructor(
    readonly inner: DnsResolver,
    readonly trust: Trust,
  ) {}

  async resolve(name: string, category: bigint): Promise<DnsResolution> {
    const resolution = await this.inner.resolve(name, category);
    this.notes.delete(resolution.name);
    // A proof-checking stack can still answer 'cross-checked' (a resolver whose code we cannot run natively).
    const trust = resolution.trust?.level ?? this.trust;
    this.notes.set(resolution.name, { resolution, trust, at: Date.now() });
    if (this.notes.size > 200) this.notes.delete(this.notes.keys().next().value as string);
    return resolution;
  }
}

function configOf(settings: Settings): Record<string, unknown> {
  return settings.network.config ?? (builtInNetworkConfig('mainnet') as Record<string, unknown>);
}

/** No configured bridge could be reached (error pages show it as stage "bridge"). */
export class BridgeError extends Error {
  override name = 'BridgeError';
  readonly stage = 'bridge';
}

/** One gateway over one relay socket; requests are matched to their logs by the gateway's sequence number. */
interface GatewayHandle {
  gateway: Gateway;
  adnl: AdnlNode;
  relay: { socket: RelaySocket; url: string };
  /** Closed by us (dispose): its relay closing is not the bridge's failure. */
  disposed: boolean;
  dht: DhtClient | null;
  /** Gateway.fetch numbers its requests 1, 2, 3... in call order (log.id); we count the same way. */
  seq: number;
  callbacks: Map<number, (log: GatewayRequestLog) => void>;
}

export class TonStack {
  readonly settings: Settings;
  readonly selector: BridgeSelector;
  readonly pool: LitePool;
  readonly resolver: DnsResolver;
  readonly trust: Trust;
  readonly #recording: RecordingResolver;
  readonly #dhtConfig: DhtConfig | null;
  #handle: Promise<GatewayHandle> | null = null;
  #current: GatewayHandle | null = null;
  #masterchain: ConnectionStatus['masterchain'] = null;
  #closed = false;

  constructor(settings: Settings, selector: BridgeSelector) {
    this.settings = settings;
    this.selector = selector;
    const config = configOf(settings);
    const stack = stackFromConfig(config, {
      pool: (servers) =>
        new LitePool({
          servers,
          // Servers are named by key: the bridge's config may list them in another order.
          connector: (server) => async (): Promise<ByteStream> =>
            (
              await selector.use((bridge) =>
                connectWebSocketStream(bridgeTcpUrl(bridge, { key: server.publicKey }), {
                  connectTimeoutMs: CONNECT_TIMEOUT_MS,
                }),
              )
            )[0],
          queryTimeoutMs: QUERY_TIMEOUT_MS,
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          // No background polling: it would keep the worker alive with no TON tab open (INTERCEPTION.md).
          healthCheckIntervalMs: 0,
          maxAttempts: Math.min(3, servers.length),
        }),
      verification: settings.dnsVerification,
      // The newest verified key block survives worker restarts (the next sync starts there).
      anchorStore: (zeroState) => new IdbAnchorStore(zeroState),
    });
    if (!stack.dns)
      throw stack.serversError ?? new LiteError('no-server', 'the network config has no liteservers');
    this.pool = stack.dns.pool;
    this.trust = stack.dns.trust;
    this.#recording = new RecordingResolver(
      new CachingResolver(stack.dns.resolver, new IdbDnsCacheStore({ namespace: settings.dnsVerification })),
      this.trust,
    );
    this.resolver = this.#recording;
    this.#dhtConfig = stack.dht;
  }

  /** The latest resolution of a name that went through the gateway's resolver. */
  resolutionOf(name: string): ResolutionNote | undefined {
    return this.#recording.notes.get(name.toLowerCase().replace(/\.$/, ''));
  }

  /**
   * Fetches through the gateway; `onLog` gets the request's log once it is done (body read, failed or
   * cancelled), with the stages it went through. BridgeError when no bridge relay can be opened.
   *
   * Failover: when the request fails because its bridge went away (the relay closed under it, or the bridge
   * does not answer a probe right after the failure), a safe request (failover.ts) is sent again through the
   * next bridge, at most once per configured bridge. The answer's body is read later and is not retried.
   */
  async fetch(
    url: string,
    init: GatewayFetchInit,
    onLog: (log: GatewayRequestLog) => void,
  ): Promise<GatewayResponse> {
    for (let attempt = 1; ; attempt++) {
      const handle = await this.#gateway();
      handle.callbacks.set(++handle.seq, onLog);
      try {
        return await handle.gateway.fetch(url, init);
      } catch (error) {
        const again =
          attempt < this.selector.urls.length &&
          mayRetryOnAnotherBridge(init.method, error) &&
          (await this.#bridgeLost(handle));
        if (!again) throw error;
      }
    }
  }

  /**
   * Whether `handle`'s bridge is gone: its relay closed under it, or it does not answer a probe now. A gone
   * bridge is demoted and the handle dropped, so the next #gateway() opens the next bridge.
   */
  async #bridgeLost(handle: GatewayHandle): Promise<boolean> {
    if (handle.disposed || handle.relay.socket.closed) return true;
    const probe = await probeBridge(handle.relay.url);
    if (probe.ok) return false;
    this.selector.failed(handle.relay.url, probe.error);
    if (this.#current === handle) this.#drop();
    return true;
  }

  /** The gateway handle, made on first use and again after its relay closed (bridge restart, network change). */
  #gateway(): Promise<GatewayHandle> {
    if (this.#closed) return Promise.reject(new Error('TON stack closed'));
    this.#handle ??= this.#open().catch((error: unknown) => {
      this.#handle = null;
      throw error;
    });
    return this.#handle;
  }

  async #open(): Promise<GatewayHandle> {
    let opened: [RelaySocket, string];
    try {
      opened = await this.selector.use((bridge) =>
        openRelaySocket(bridgeUdpUrl(bridge), { connectTimeoutMs: CONNECT_TIMEOUT_MS }),
      );
    } catch (error) {
      throw new BridgeError(
        `no bridge answered (${this.settings.bridgeUrls.join(', ')}): ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const [socket, url] = opened;
    const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
    const dhtConfig = this.#dhtConfig;
    const handle: GatewayHandle = {
      gateway: null as unknown as Gateway,
      adnl,
      relay: { socket, url },
      disposed: false,
      dht: dhtConfig
        ? new DhtClient({ adnl, config: dhtConfig, cache: new IdbDhtCache(), timeoutMs: 2_000, attempts: 2 })
        : null,
      seq: 0,
      callbacks: new Map(),
    };
    handle.gateway = new Gateway({
      adnl,
      dht: handle.dht,
      dns: this.resolver,
      // TON Storage sites: verified pieces kept in IndexedDB across worker restarts.
      storage: { cache: new IdbPieceCache() },
      onRequestLog: (log) => {
        const callback = handle.callbacks.get(log.id);
        handle.callbacks.delete(log.id);
        callback?.(log);
      },
    });
    socket.onClose = (error) => {
      // The ADNL node is dead with its socket: the next request builds everything again, on the next bridge
      // when this one went away (closed by the bridge, not by us).
      if (!handle.disposed) this.selector.failed(url, error ?? new Error('the bridge closed the relay'));
      if (this.#current === handle) this.#drop();
    };
    if (this.#closed) {
      this.#dispose(handle);
      throw new Error('TON stack closed');
    }
    this.#current = handle;
    return handle;
  }

  #drop(): void {
    const handle = this.#current;
    this.#current = null;
    this.#handle = null;
    if (handle) this.#dispose(handle);
  }

  #dispose(handle: GatewayHandle): void {
    handle.disposed = true;
    void handle.gateway.close().finally(() => {
      handle.adnl.close();
      handle.relay.socket.close();
    });
  }

  /** RLDP counters for a site peer, when the gateway exists. */
  async rldpStats(adnlId: Uint8Array) {
    return this.#current ? this.#current.gateway.rldpStats(adnlId) : null;
  }

  /** Asks every liteserver for its masterchain block (connecting as needed); remembers the best answer. */
  async refresh(): Promise<void> {
    const status = await this.pool.refresh(QUERY_TIMEOUT_MS);
    const best = status
      .filter((s) => s.lastSeqno !== null && s.reachable)
      .sort((a, b) => (b.lastSeqno ?? 0) - (a.lastSeqno ?? 0))[0];
    if (!best) throw new Error(status.map((s) => s.lastError).filter(Boolean)[0] ?? 'no liteserver answered');
    const info = await this.pool.runOn(best.index, (c) =>
      c.getMasterchainInfo({ timeoutMs: QUERY_TIMEOUT_MS }),
    );
    let rootHash = '';
    for (const b of info.last.root_hash.subarray(0, 8)) rootHash += b.toString(16).padStart(2, '0');
    this.#masterchain = {
      seqno: info.last.seqno,
      server: `${best.host}:${best.port}`,
      rootHash,
      at: Date.now(),
    };
  }

  status(error: string | null = null): ConnectionStatus {
    const handle = this.#current;
    const relay = handle?.relay;
    return {
      network: this.settings.network.name,
      bridges: this.settings.bridgeUrls,
      // The relay's bridge; before the first site request, the one the liteserver connections went through.
      bridgeInUse: relay && !relay.socket.closed ? relay.url : this.selector.inUse,
      bridgeStates: this.selector.states(),
      relay: relay
        ? {
            url: relay.url,
            open: !relay.socket.closed,
            sent: relay.socket.stats.sent,
            received: relay.socket.stats.received,
            dropped: relay.socket.stats.droppedLocally + relay.socket.stats.droppedByRelay,
          }
        : null,
      liteservers: this.pool.status(),
      masterchain: this.#masterchain,
      dht: this.#dhtConfig && {
        staticNodes: this.#dhtConfig.staticNodes.length,
        learnedNodes: handle?.dht?.learnedNodes ?? 0,
      },
      trust: this.trust,
      error,
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#drop();
    this.pool.close();
  }
}
