/**
 * The gateway's public types that both paths use (gateway.ts for ADNL sites, storage-site.ts for bags), kept apart
 * so that neither path imports the other.
 */
import type { DhtNodeInfo } from '../dht/index.ts';
import type { DnsRecord } from '../dns/index.ts';
import type { BodySource, HeaderList } from '../http/index.ts';
import type { GatewayRequestLog } from './log.ts';
import type { SiteTarget } from './target.ts';

/** DHT "address" lookups (src/net/dht DhtClient.resolveAddress), and overlay members for TON Storage. */
export interface AddressResolver {
  resolveAddress(
    adnlId: Uint8Array,
    flags?: { noCache?: boolean },
  ): Promise<{ publicKey: Uint8Array; addresses: { host: string; port: number }[] }>;
  /** Signed members of an overlay (DhtClient.findOverlayNodes); without it bags need a given peer. */
  findOverlayNodes?(
    overlayId: Uint8Array,
    flags?: { noCache?: boolean },
  ): Promise<{ id: Uint8Array; publicKey: Uint8Array }[]>;
  /**
   * Optional warm-up (DhtClient has both): while a .ton name is being resolved, the gateway pings a few of the
   * DHT's entry nodes so the lookup that follows finds ADNL channels to them up (no asymmetric crypto on its
   * first queries). The pings carry nothing about the site.
   */
  readonly config?: { readonly staticNodes: readonly DhtNodeInfo[] };
  ping?(node: DhtNodeInfo): Promise<void>;
}

/** A peer given directly (`--peer PUBKEY@IP:PORT`): no DNS or DHT. */
export interface StaticPeer {
  publicKey: Uint8Array;
  address: { host: string; port: number };
}

export interface GatewayFetchInit {
  method?: string;
  headers?: HeaderList;
  body?: BodySource | null;
  signal?: AbortSignal;
  /** Send to this peer directly, skipping DNS and the DHT (debugging, `--peer`); for a .bag host, a seeder. */
  peer?: StaticPeer;
}

export interface SiteInfo {
  host: string;
  kind: SiteTarget['kind'];
  adnlId: Uint8Array;
  /** 55-character text form of the ADNL id. */
  adnl: string;
  address: { host: string; port: number };
  rldpVersion: 1 | 2;
  /** The DNS record that named the site (dns kind only). */
  record?: DnsRecord;
  /** TON Storage sites: the bag (adnlId/adnl/address are then of the first ready seeder, zero/'' if none). */
  bagId?: Uint8Array;
}

export interface GatewayResponse {
  url: string;
  status: number;
  statusText: string;
  httpVersion: string;
  /** Exactly as the site sent them (order and duplicates kept). */
  headers: HeaderList;
  /** Null when the response has no payload. Errors are GatewayErrors. */
  body: ReadableStream<Uint8Array> | null;
  trailers: HeaderList;
  site: SiteInfo;
  /** Live: stages are added as they complete ('body' at the end). */
  log: GatewayRequestLog;
  /** Resolves (never rejects) when the request is completely done; see log.error. */
  done: Promise<GatewayRequestLog>;
}
