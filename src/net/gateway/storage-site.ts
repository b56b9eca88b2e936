/**
 * TON Storage sites in the gateway (DIGEST §10.4, §11 step 3b): `<bag id>.bag` hosts and DNS names whose site
 * record is a `dns_storage_address`. The bag is opened through a StorageClient (src/net/storage) that shares the
 * gateway's ADNL and RLDP nodes and its DHT; the URL path is served from the bag's files (index.html for '/',
 * Content-Type from the name, Range mapped to pieces) and the body is streamed piece by piece, each verified
 * against the bag's Merkle root before a byte of it is passed on. Failures are GatewayError('storage').
 */
import type { AdnlNode } from '../adnl/index.ts';
import type { DnsRecord } from '../dns/index.ts';
import {
  StorageClient,
  StorageError,
  hexOf,
  serveBagFile,
  type OpenBag,
  type PieceCache,
  type StoragePeerFinder,
  type StorageRldp,
  type SwarmOptions,
} from '../storage/index.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { RequestLog } from './request-log.ts';
import type { SiteTarget } from './target.ts';
import type { AddressResolver, GatewayFetchInit, GatewayResponse, SiteInfo } from './types.ts';

export interface GatewayStorageOptions {
  /** Verified pieces kept for revisits (default: a 64 MiB in-memory cache; the extension gives IndexedDB). */
  cache?: PieceCache | null;
  swarm?: SwarmOptions;
  /** Pieces fetched ahead of the one being streamed (default: 4 MiB of pieces, storage limits.ts PREFETCH_BYTES). */
  prefetch?: number;
}

/** The storage client of a gateway: its ADNL and RLDP nodes, and its DHT when that can list overlay members. */
export function createStorageClient(
  adnl: AdnlNode,
  rldp: StorageRldp,
  dht: AddressResolver | null,
  options: GatewayStorageOptions = {},
): StorageClient {
  const finder = dht && typeof dht.findOverlayNodes === 'function' ? (dht as StoragePeerFinder) : null;
  return new StorageClient({ adnl, rldp, finder, cache: options.cache, swarm: options.swarm });
}

export interface BagFetch {
  storage: StorageClient;
  options: GatewayStorageOptions;
  url: URL;
  target: SiteTarget;
  bagId: Uint8Array;
  record?: DnsRecord;
  /** Upper-cased. */
  method: string;
  /** Headers and signal (a body is not read); `peer` (`--peer`): a seeder to ask directly. */
  init: GatewayFetchInit;
  /** The request's log: stages, bytes and its end. */
  log: RequestLog;
}

/** A StorageError as the GatewayError a user sees. */
export function storageFailure(error: unknown, host: string, canDiscover: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  if (!(error instanceof StorageError)) {
    return new GatewayError('storage', host, `TON Storage: ${messageOf(error)}`, {
      cause: error,
      code: 'storage_error',
    });
  }
  if (error.kind === 'aborted') return new GatewayError('aborted', host, 'request aborted', { cause: error });
  if (error.kind === 'closed') return new GatewayError('closed', host, 'gateway closed', { cause: error });
  if (error.kind === 'no-peers' && !canDiscover) {
    return new GatewayError(
      'storage',
      host,
      `${host}: no DHT configured to find the seeders of this bag (give a global config, or --peer)`,
      { cause: error, code: 'storage_not_supported' },
    );
  }
  const codes: Record<string, string> = {
    'no-peers': 'no_peers',
    timeout: 'timeout',
    verify: 'bad_bag',
    parse: 'bad_bag',
    limit: 'bad_bag',
    protocol: 'storage_error',
    'not-found': 'storage_error',
  };
  return new GatewayError('storage', host, `${host}: ${error.message}`, {
    cause: error,
    code: codes[error.kind],
  });
}

function siteInfo(c: BagFetch, bag: OpenBag | null): SiteInfo {
  // The swarm's peer as values (not its log strings parsed back); `adnl` is its id in hex for a bag site.
  const peer = bag?.swarm.readyPeer ?? null;
  return {
    host: c.target.host,
    kind: c.target.kind,
    adnlId: peer ? peer.adnlId : new Uint8Array(32),
    adnl: peer ? hexOf(peer.adnlId) : '',
    address: peer ? { host: peer.address.host, port: peer.address.port } : { host: '', port: 0 },
    rldpVersion: 2,
    record: c.record,
    bagId: c.bagId,
  };
}

/** Serves `c.url` from the bag. Rejects with GatewayError only; the body's errors are GatewayErrors too. */
export async function fetchBagSite(c: BagFetch): Promise<Omit<GatewayResponse, 'done'>> {
  const host = c.target.host;
  const canDiscover = c.storage.canDiscover || c.init.peer !== undefined;
  const tOpen = c.log.now();
  let bag: OpenBag;
  try {
    bag = await c.storage.open(c.bagId, { peers: c.init.peer ? [c.init.peer] : [], signal: c.init.signal });
  } catch (error) {
    c.log.failed('handshake', tOpen, error);
    throw storageFailure(error, host, canDiscover);
  }
  const ready = bag.swarm.readyPeers;
  c.log.stage(
    'handshake',
    tOpen,
    `bag ${hexOf(c.bagId).slice(0, 8)}…: ${bag.header.files.length} files, ${ready} storage peer${ready === 1 ? '' : 's'}`,
  );
  const site = siteInfo(c, bag);
  c.log.entry.adnl = site.adnl || undefined;
  c.log.entry.address = site.adnl ? `${site.address.host}:${site.address.port}` : undefined;
  const tRequest = c.log.now();
  const res = serveBagFile(
    bag,
    { method: c.method, path: c.url.pathname, headers: c.init.headers },
    { prefetch: c.options.prefetch, signal: c.init.signal },
  );
  c.log.stage('request', tRequest, `HTTP ${res.status}${res.file ? ` ${res.file.name}` : ''}`);
  c.log.entry.status = res.status;
  const body = res.body ? wrapBody(c, res.body, canDiscover) : null;
  if (!body) c.log.finish();
  return {
    url: c.url.href,
    status: res.status,
    statusText: res.statusText,
    httpVersion: 'HTTP/1.1',
    headers: res.headers,
    body,
    trailers: [],
    site,
    log: c.log.entry,
  };
}

function wrapBody(
  c: BagFetch,
  inner: ReadableStream<Uint8Array>,
  canDiscover: boolean,
): ReadableStream<Uint8Array> {
  const reader = inner.getReader();
  const tBody = c.log.now();
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await reader.read();
        } catch (error) {
          c.log.failed('body', tBody, error);
          const e = storageFailure(error, c.target.host, canDiscover);
          c.log.finish(e);
          throw e;
        }
        if (r.done) {
          c.log.stage('body', tBody);
          c.log.finish();
          controller.close();
          return;
        }
        c.log.entry.bytes += r.value.length;
        controller.enqueue(r.value);
      },
      cancel: (reason) => {
        c.log.finish(new GatewayError('aborted', c.target.host, 'body cancelled'));
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
