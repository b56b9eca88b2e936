/**
 * The gateway: URL → host kind → (DNS site record) → (DHT address) → ADNL peer → capabilities → HTTP over RLDP
 * (DIGEST §8.2, §11). The one entry point the hosts call (CLI fetch/proxy, the extension's service worker). Its
 * inputs are injected — a DNS resolver, a DHT address resolver, an ADNL node (or a factory) and the RLDP node
 * on top of it — so the same code runs over direct UDP in Node and over the bridge relay in the browser.
 *
 * `fetch` only orchestrates; each step is a room of its own: the request's log (request-log.ts), host → site
 * (site-resolver.ts), site → connection (peer-connector.ts, with early-request.ts), the ADNL site's request and
 * body (adnl-site.ts) and TON Storage sites — `<bag id>.bag`, DNS storage records — served from their bag
 * (storage-site.ts).
 *
 * Caching: resolved sites (host → ADNL id) for `siteTtlMs`; connections per ADNL id (peer + RLDP version) until
 * a request on them fails; in-flight resolutions are shared by concurrent requests.
 */
import { routerInSlot, type AdnlNode, type AdnlPeer, type Registrar } from '../adnl/index.ts';
import type { DnsRecord, DnsResolver } from '../dns/index.ts';
import {
  capabilitiesOf,
  HttpClient,
  routeCapabilities,
  routeHttpClient,
  type HttpClientOptions,
  type IncomingQueryContext,
  type HttpRldpTransport,
} from '../http/index.ts';
import { RldpNode } from '../rldp/index.ts';
import type { StorageClient } from '../storage/index.ts';
import { fetchAdnlSite } from './adnl-site.ts';
import { GatewayError, untilAborted } from './errors.ts';
import type { GatewayRequestLog } from './log.ts';
import { PeerConnector } from './peer-connector.ts';
import { RequestLog } from './request-log.ts';
import { SiteResolver } from './site-resolver.ts';
import { createStorageClient, fetchBagSite, type GatewayStorageOptions } from './storage-site.ts';
import { parseTonUrl, type SiteTarget } from './target.ts';
import type { AddressResolver, GatewayFetchInit, GatewayResponse, StaticPeer } from './types.ts';

type RldpQueryHandler = (peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext) => Promise<Uint8Array>;

/** What the gateway needs from an RLDP node (src/net/rldp RldpNode). */
export interface GatewayRldp extends HttpRldpTransport {
  /** The node's query router (RldpNode.queryRoutes); without one, a router is put in the onQuery slot. */
  readonly queryRoutes?: Registrar<RldpQueryHandler>;
  onQuery: RldpQueryHandler | null;
  setPeerVersion(peerId: Uint8Array, version: 1 | 2): void;
  stats?(peerId?: Uint8Array): { bytesIn: number; bytesOut: number; retransmits: number; version: 1 | 2 };
  close(): void;
}

export interface GatewayOptions {
  /** Our ADNL node, or a factory the gateway calls once (then the gateway owns and closes the node). */
  adnl: AdnlNode | (() => AdnlNode | Promise<AdnlNode>);
  /** Makes the RLDP node over the ADNL node (default: an RldpNode; the gateway owns it). */
  rldp?: (adnl: AdnlNode) => GatewayRldp;
  /** DHT address resolution; a factory gets the gateway's ADNL node. Null: only static peers work. */
  dht?: AddressResolver | ((adnl: AdnlNode) => AddressResolver) | null;
  /** TON DNS; null: .ton/.t.me hosts fail at stage 'dns'. */
  dns?: DnsResolver | null;
  /** Peers reachable without the DHT, by ADNL id. */
  peers?: StaticPeer[];
  /** Offer RLDP2 in capabilities (default true); false = speak RLDP v1 only. */
  rldp2?: boolean;
  http?: HttpClientOptions;
  /**
   * Capabilities query: the longest wait for one send (default 1.5 s) and the budget in sends (default 4); the
   * ADNL node resends sooner, at the peer's retransmission timeout and when the peer's first packet arrives.
   */
  handshakeTimeoutMs?: number;
  handshakeAttempts?: number;
  /** How long a resolved host → ADNL id stays cached (default 5 min). */
  siteTtlMs?: number;
  /** Called once per request when it is done (body read, failed or cancelled). */
  onRequestLog?: (log: GatewayRequestLog) => void;
  /** Monotonic milliseconds for timings (default performance.now). */
  now?: () => number;
  /** TON Storage: the piece cache (e.g. IndexedDB in the extension), swarm tuning, prefetch window. */
  storage?: GatewayStorageOptions;
}

const nowDefault = (): number => (globalThis.performance ? globalThis.performance.now() : Date.now());

export class Gateway {
  readonly #options: GatewayOptions;
  readonly #now: () => number;
  readonly #ours: bigint;
  readonly #resolver: SiteResolver;
  readonly #connector: PeerConnector;
  #stack: Promise<{
    adnl: AdnlNode;
    rldp: GatewayRldp;
    http: HttpClient;
    dht: AddressResolver | null;
    storage: StorageClient;
  }> | null = null;
  #ownsAdnl = false;
  /** Removes the HTTP and capabilities registrations (storage.close() removes its overlays). */
  #unroute: (() => void) | null = null;
  #seq = 0;
  #closed = false;

  constructor(options: GatewayOptions) {
    this.#options = options;
    this.#now = options.now ?? nowDefault;
    this.#resolver = new SiteResolver(options, this.#now);
    this.#ours = capabilitiesOf(options.rldp2 ?? true);
    this.#connector = new PeerConnector(options, this.#ours, () => this.stack(), this.#now);
    for (const p of options.peers ?? []) this.addPeer(p);
  }

  /** Makes a peer reachable without the DHT (its ADNL id is derived from the key). */
  addPeer(peer: StaticPeer): Uint8Array {
    return this.#connector.addPeer(peer);
  }

  /** The ADNL node, RLDP node and HTTP client (made on first use). */
  async stack() {
    if (this.#closed) throw new GatewayError('closed', '', 'gateway closed');
    this.#stack ??= this.#build();
    return this.#stack;
  }

  async #build() {
    const o = this.#options;
    let adnl: AdnlNode;
    if (typeof o.adnl === 'function') {
      adnl = await o.adnl();
      this.#ownsAdnl = true;
    } else adnl = o.adnl;
    const rldp = o.rldp ? o.rldp(adnl) : new RldpNode(adnl);
    const http = new HttpClient(rldp, o.http);
    const dht = typeof o.dht === 'function' ? o.dht(adnl) : (o.dht ?? null);
    const storage = createStorageClient(adnl, rldp, dht, o.storage);
    // Seeders ask inside the overlays of bags we have open (storage.ping, storage.addUpdate), sites pull request
    // bodies (http.getNextPayloadPart) and ask our capabilities on ADNL (C++ peers ask too); other queries stay
    // with the nodes' onQuery fallbacks (whoever set them; unanswered when none).
    const adnlQueries = (adnl as Partial<Pick<AdnlNode, 'queryRoutes'>>).queryRoutes ?? routerInSlot(adnl);
    const rldpQueries = rldp.queryRoutes ?? routerInSlot(rldp);
    const unrouteBodies = routeHttpClient(rldpQueries, http);
    const unrouteCapabilities = routeCapabilities(adnlQueries, this.#ours);
    this.#unroute = () => {
      unrouteBodies();
      unrouteCapabilities();
    };
    storage.routeOn({ adnl: adnlQueries, rldp: rldpQueries });
    return { adnl, rldp, http, dht, storage };
  }

  /** Fetches `url` (absolute http:// URL of a TON host). Rejects with GatewayError only. */
  async fetch(url: string | URL, init: GatewayFetchInit = {}): Promise<GatewayResponse> {
    const method = (init.method ?? 'GET').toUpperCase();
    const rlog = new RequestLog(
      { id: ++this.#seq, method, url: String(url) },
      this.#now,
      this.#options.onRequestLog,
    );
    const log = rlog.entry;
    try {
      const { url: parsed, target } = parseTonUrl(url);
      log.url = parsed.href;
      log.host = target.host;
      // The ADNL node (socket, keys) is made while DNS runs, not before it.
      const stackReady = this.stack();
      stackReady.catch(() => undefined); // awaited below unless DNS fails first
      if (this.#closed) await stackReady;
      const viaDns = target.kind === 'dns' && !init.peer;
      if (viaDns && !this.#resolver.cached(target.name)) this.#resolver.warmUpDht(stackReady);
      // A .bag host, or a name whose site record is a bag: served from TON Storage.
      const resolved =
        target.kind === 'bag'
          ? { bagId: target.bagId, expiresAt: Infinity }
          : viaDns
            ? await untilAborted(this.#resolver.resolve(target, rlog), init.signal, target.host)
            : undefined;
      const { http, storage } = await stackReady;
      if (resolved?.bagId) {
        return {
          ...(await fetchBagSite({
            storage,
            options: this.#options.storage ?? {},
            url: parsed,
            target,
            bagId: resolved.bagId,
            record: resolved.record,
            method,
            init,
            log: rlog,
          })),
          done: rlog.done,
        };
      }
      return {
        ...(await fetchAdnlSite({
          http,
          connector: this.#connector,
          resolver: this.#resolver,
          ours: this.#ours,
          url: parsed,
          target,
          resolved,
          method,
          init,
          log: rlog,
        })),
        done: rlog.done,
      };
    } catch (error) {
      const e =
        error instanceof GatewayError
          ? error
          : new GatewayError('http', log.host, String(error), { cause: error });
      rlog.finish(e);
      throw e;
    }
  }

  /** Resolves `host` to its site (ADNL id, or bag id for TON Storage sites, and record) without connecting. */
  async resolve(
    url: string | URL,
  ): Promise<{ target: SiteTarget; adnlId?: Uint8Array; bagId?: Uint8Array; record?: DnsRecord }> {
    const { target } = parseTonUrl(url);
    if (target.kind === 'bag') return { target, bagId: target.bagId };
    const site = await this.#resolver.resolve(
      target,
      new RequestLog({ id: 0, method: '', url: '' }, this.#now),
    );
    return { target, adnlId: site.adnlId, bagId: site.bagId, record: site.record };
  }

  /** Forgets every cached resolution and connection (keeps the ADNL node and its channels). */
  clearCaches(): void {
    this.#resolver.clear();
    this.#connector.clear();
  }

  /** RLDP statistics for a site (bytes, retransmits, version), when the RLDP node reports them. */
  async rldpStats(adnlId: Uint8Array) {
    const { rldp } = await this.stack();
    return rldp.stats?.(adnlId) ?? null;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const stack = this.#stack ? await this.#stack.catch(() => null) : null;
    if (!stack) return;
    this.#unroute?.();
    stack.http.close();
    stack.storage.close();
    stack.rldp.close();
    if (this.#ownsAdnl) stack.adnl.close();
  }
}
