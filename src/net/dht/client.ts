/**
 * DHT client over ADNL-UDP: iterative lookups from the config's static nodes (plus nodes learned on the way),
 * values cached until their ttl, ADNL address resolution (DIGEST §5.3), overlay member lists (DIGEST §6) and
 * storing values (find the k closest nodes, send each dht.store).
 */
import { randomBytes } from '../crypto/index.ts';
import { TlError, tlDecode, tlEncode } from '../tl/index.ts';
import { readAddressValue, type ResolvedAddress } from './address.ts';
import type { UdpAddress } from './address-list.ts';
import { MemoryDhtCache, type DhtCache } from './cache.ts';
import {
  decodeNode,
  decodePong,
  decodeStored,
  encodeGetSignedAddressList,
  encodePing,
  encodeStore,
} from './codec.ts';
import type { DhtConfig } from './config.ts';
import { bytesEqual } from './bytes.ts';
import { DhtError, DhtParseError, DhtVerifyError } from './errors.ts';
import { toHex } from './hex.ts';
import { addressKeyId, overlayNodesKeyId } from './key.ts';
import { DEFAULT_QUERY_TIMEOUT_MS } from './limits.ts';
import { findNodes, findValue, type DhtQueryFn, type LookupOptions } from './lookup.ts';
import { verifyDhtNode, type DhtNodeInfo } from './node.ts';
import type { OverlayNodeInfo } from './overlay.ts';
import { RoutingTable } from './routing-table.ts';
import { isAcceptable, verifyDhtValue, type DhtValueInfo, type DhtValueTl } from './value.ts';

/** What the client needs from an ADNL-UDP node (src/net/adnl AdnlNode has exactly this). */
export interface DhtTransport<P = unknown> {
  addPeer(publicKey: Uint8Array, address: UdpAddress): P;
  /** `attempts`: total sends of the same query, each waiting `timeoutMs` (AdnlNode's retry). */
  query(peer: P, query: Uint8Array, timeoutMs: number, options?: { attempts?: number }): Promise<Uint8Array>;
}

export interface DhtClientOptions<P = unknown> {
  adnl: DhtTransport<P>;
  config: DhtConfig;
  /** Default: an in-memory cache; null disables caching. */
  cache?: DhtCache | null;
  /** Per-attempt timeout of one DHT query (default 3 s). */
  timeoutMs?: number;
  /** Sends of one DHT query before that node counts as failed (default 2: one retry, for lossy links). */
  attempts?: number;
  /** Cap on the queries of one lookup. */
  maxQueries?: number;
  /** Unix time in seconds. */
  now?: () => number;
}

export interface LookupFlags {
  /** Skip the cache (e.g. after the cached address stopped answering). */
  noCache?: boolean;
}

export class DhtClient<P = unknown> {
  readonly config: DhtConfig;
  readonly #adnl: DhtTransport<P>;
  readonly #cache: DhtCache | null;
  readonly #timeoutMs: number;
  readonly #attempts: number;
  readonly #maxQueries: number | undefined;
  readonly #now: () => number;
  /** Nodes learned during lookups (bounded by its buckets), next to the static ones. */
  readonly #learned = new RoutingTable(randomBytes(32));

  constructor(opts: DhtClientOptions<P>) {
    this.#adnl = opts.adnl;
    this.config = opts.config;
    this.#cache = opts.cache === undefined ? new MemoryDhtCache() : opts.cache;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.#attempts = Math.max(1, Math.min(opts.attempts ?? 2, 10));
    this.#maxQueries = opts.maxQueries;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  /**
   * The transport call for one DHT node (the first UDP address of its list): up to `attempts` sends of
   * `#timeoutMs` each. The lookup's own per-node deadline is set to cover all attempts (#options).
   */
  readonly #query: DhtQueryFn = (node, query) =>
    this.#adnl.query(this.#adnl.addPeer(node.publicKey, node.addresses[0]), query, this.#timeoutMs, {
      attempts: this.#attempts,
    });

  #options(): LookupOptions {
    return {
      k: this.config.k,
      a: this.config.a,
      networkId: this.config.networkId,
      timeoutMs: this.#timeoutMs * this.#attempts + 100,
      maxQueries: this.#maxQueries,
      now: this.#now,
      onNode: (node) => this.#learned.add(node),
      onFailure: (node) => this.#learned.remove(node.id),
    };
  }

  #seeds(target: Uint8Array): DhtNodeInfo[] {
    return [...this.config.staticNodes, ...this.#learned.nearest(target, this.config.k)];
  }

  /** Nodes learned from answers so far (besides the static ones). */
  get learnedNodes(): number {
    return this.#learned.size;
  }

  /** A verified value for `keyId`, from the cache or an iterative lookup; DhtNotFoundError if none. */
  async findValue(keyId: Uint8Array, flags: LookupFlags = {}): Promise<DhtValueInfo> {
    const hex = toHex(keyId);
    if (this.#cache && !flags.noCache) {
      const cached = await this.#fromCache(hex);
      if (cached) return cached;
    }
    const { value } = await findValue(keyId, this.#seeds(keyId), this.#query, this.#options());
    await this.#cache?.set(hex, { value: tlEncode(value.tl), expiresAt: value.ttl });
    return value;
  }

  async #fromCache(hex: string): Promise<DhtValueInfo | undefined> {
    const entry = await this.#cache?.get(hex);
    if (!entry) return undefined;
    try {
      const info = verifyDhtValue(tlDecode<DhtValueTl>('dht.value', entry.value), this.#now());
      if (toHex(info.keyId) === hex && isAcceptable(info, this.#now())) return info;
    } catch (error) {
      if (!(error instanceof DhtError || error instanceof TlError)) throw error;
    }
    await this.#cache?.delete(hex);
    return undefined;
  }

  /** Forgets a cached value (e.g. the address it gave stopped answering). */
  async forget(keyId: Uint8Array): Promise<void> {
    await this.#cache?.delete(toHex(keyId));
  }

  /** The k nodes closest to `keyId` that answered. */
  async findNodes(keyId: Uint8Array): Promise<DhtNodeInfo[]> {
    return (await findNodes(keyId, this.#seeds(keyId), this.#query, this.#options())).nodes;
  }

  /** ADNL id -> the node's public key and UDP addresses, from its signed "address" value. */
  async resolveAddress(adnlId: Uint8Array, flags: LookupFlags = {}): Promise<ResolvedAddress> {
    const keyId = addressKeyId(adnlId);
    const value = await this.findValue(keyId, flags);
    try {
      return readAddressValue(value, adnlId, this.#now());
    } catch (error) {
      await this.forget(keyId);
      throw error;
    }
  }

  /** The signed members of an overlay (overlay short id), from its "nodes" value. */
  async findOverlayNodes(overlayId: Uint8Array, flags: LookupFlags = {}): Promise<OverlayNodeInfo[]> {
    const value = await this.findValue(overlayNodesKeyId(overlayId), flags);
    if (value.rule !== 'overlayNodes' || !value.overlayNodes)
      throw new DhtParseError('not an overlay node list');
    return value.overlayNodes;
  }

  /** Publishes a value on the k nodes closest to its key; resolves with how many stored it. */
  async store(value: DhtValueTl): Promise<{ stored: number; attempted: number }> {
    const info = verifyDhtValue(value, this.#now());
    const nodes = await this.findNodes(info.keyId);
    const query = encodeStore(value);
    const results = await Promise.allSettled(
      nodes.map(async (node) => decodeStored(await this.#query(node, query, this.#timeoutMs))),
    );
    const stored = results.filter((r) => r.status === 'fulfilled').length;
    if (stored === 0) throw new DhtError(`no DHT node stored the value (${nodes.length} tried)`);
    return { stored, attempted: nodes.length };
  }

  /** dht.ping one node. */
  async ping(node: DhtNodeInfo): Promise<void> {
    const id = new DataView(randomBytes(8).buffer).getBigInt64(0, true);
    if ((await decodePong(await this.#query(node, encodePing(id), this.#timeoutMs))) !== id) {
      throw new DhtParseError('dht.pong with another random_id');
    }
  }

  /** Asks a node at `address` with key `publicKey` for its signed dht.node. */
  async getSignedAddressList(publicKey: Uint8Array, address: UdpAddress): Promise<DhtNodeInfo> {
    const peer = this.#adnl.addPeer(publicKey, address);
    const answer = await this.#adnl.query(peer, encodeGetSignedAddressList(), this.#timeoutMs, {
      attempts: this.#attempts,
    });
    const node = verifyDhtNode(decodeNode(answer), this.config.networkId);
    if (!bytesEqual(node.publicKey, publicKey)) throw new DhtVerifyError('dht.node of another key');
    return node;
  }
}
