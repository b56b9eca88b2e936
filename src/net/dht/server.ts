/**
 * The server side of the DHT (what the devnet's DHT nodes run; ton dht/dht.cpp DhtMemberImpl::process_query):
 *   dht.ping               -> dht.pong with the same random_id
 *   dht.findNode key k     -> dht.nodes: the min(k, 10) known nodes closest to key
 *   dht.findValue key k    -> dht.valueFound with the stored, unexpired value, else dht.valueNotFound(nodes)
 *   dht.store value        -> dht.stored, after every check of the value's update rule; ttl must be at most
 *                             now + 3660; an expired value is accepted and dropped; a value for a key that at
 *                             least k + 10 known nodes are closer to is accepted and dropped
 *   dht.getSignedAddressList -> our own signed dht.node
 * An optional `dht.query node:dht.node` prefix announces the sender: if its signature verifies and its key is
 * the sender's ADNL id, it joins the routing table. Queries that fail to parse or to store get no answer (ADNL
 * has no error answer; the client's query times out), as in C++.
 */
import type { Registrar } from '../adnl/index.ts';
import type { KeyPair } from '../crypto/index.ts';
import { tlEncode, tlId, type TlCtor } from '../tl/index.ts';
import type { UdpAddress } from './address-list.ts';
import { bytesEqual } from './bytes.ts';
import { decodeIncomingQuery } from './codec.ts';
import { DhtError, DhtVerifyError } from './errors.ts';
import { toHex } from './hex.ts';
import { DEFAULT_K, MAX_K, MAX_STORE_TTL_SECONDS, NO_NETWORK_ID } from './limits.ts';
import { signDhtNode, verifyDhtNode, type DhtNodeInfo, type DhtNodeTl } from './node.ts';
import { ed25519PublicKeyTl, keyIdOf } from './public-key.ts';
import { RoutingTable } from './routing-table.ts';
import { mergeStoredValue } from './store-rules.ts';
import { verifyDhtValue, type DhtValueInfo, type DhtValueTl } from './value.ts';

export interface DhtServerOptions {
  keyPair: KeyPair;
  /** Where this node is reachable (goes into its signed dht.node). */
  addresses: UdpAddress[];
  /** -1 (default) = 64-byte node signatures, no network check. */
  networkId?: number;
  /** The network's k (store-distance rule: keep values while fewer than k + 10 known nodes are closer). */
  k?: number;
  /** Values held at most (default 10000); beyond it new keys are refused. */
  maxValues?: number;
  /** Nodes per routing-table bucket (default 10). */
  bucketSize?: number;
  /** Unix time in seconds. */
  now?: () => number;
}

/** The minimal AdnlNode surface a DhtServer attaches to (src/net/adnl AdnlNode satisfies it): its query router. */
export interface QueryServingNode<P extends { readonly id: Uint8Array } = { readonly id: Uint8Array }> {
  readonly queryRoutes: Registrar<(peer: P, query: Uint8Array) => Promise<Uint8Array | null>>;
}

/** The queries a DHT node serves, and the `dht.query node:dht.node` prefix that may come before any of them. */
const DHT_QUERY_IDS = [
  'dht.query',
  'dht.ping',
  'dht.findNode',
  'dht.findValue',
  'dht.store',
  'dht.getSignedAddressList',
] as const;

export interface DhtServerStats {
  ping: number;
  findNode: number;
  findValue: number;
  store: number;
  getSignedAddressList: number;
  rejected: number;
}

export class DhtServer {
  readonly id: Uint8Array;
  /** Our signed dht.node. */
  readonly node: DhtNodeTl;
  readonly routing: RoutingTable;
  readonly stats: DhtServerStats = {
    ping: 0,
    findNode: 0,
    findValue: 0,
    store: 0,
    getSignedAddressList: 0,
    rejected: 0,
  };
  readonly #values = new Map<string, DhtValueInfo>();
  readonly #networkId: number;
  readonly #k: number;
  readonly #maxValues: number;
  readonly #now: () => number;

  constructor(opts: DhtServerOptions) {
    this.#networkId = opts.networkId ?? NO_NETWORK_ID;
    this.#k = opts.k ?? DEFAULT_K;
    this.#maxValues = opts.maxValues ?? 10_000;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.id = keyIdOf(ed25519PublicKeyTl(opts.keyPair.publicKey));
    this.node = signDhtNode(opts.keyPair, opts.addresses, { networkId: this.#networkId });
    this.routing = new RoutingTable(this.id, opts.bucketSize);
  }

  /** Our node, verified (for other nodes' tables and config files). */
  get info(): DhtNodeInfo {
    return verifyDhtNode(this.node, this.#networkId);
  }

  /** Learns a node (verifying it when given as TL). */
  addNode(node: DhtNodeInfo | DhtNodeTl): boolean {
    const info = 'tl' in node ? node : verifyDhtNode(node, this.#networkId);
    return this.routing.add(info);
  }

  /** The stored, unexpired value of `keyId`. */
  get(keyId: Uint8Array): DhtValueInfo | undefined {
    const hex = toHex(keyId);
    const v = this.#values.get(hex);
    if (v && v.ttl < this.#now()) {
      this.#values.delete(hex);
      return undefined;
    }
    return v;
  }

  get valueCount(): number {
    return this.#values.size;
  }

  /** dht.store's checks and update rules; throws DhtError when the value is refused. */
  store(value: DhtValueTl): void {
    const now = this.#now();
    if (value.ttl > now + MAX_STORE_TTL_SECONDS) throw new DhtVerifyError('ttl is too far in the future');
    if (value.ttl < now) return; // expired: accepted and dropped (C++ store_in)
    const info = verifyDhtValue(value, now);
    if (this.routing.countCloser(info.keyId, this.#k + 10) >= this.#k + 10) return; // too remote for us
    const hex = toHex(info.keyId);
    const old = this.get(info.keyId);
    if (old) {
      this.#values.set(hex, mergeStoredValue(old, info));
      return;
    }
    if (this.#values.size >= this.#maxValues) {
      this.#pruneExpired(now);
      if (this.#values.size >= this.#maxValues) throw new DhtError('value store is full');
    }
    this.#values.set(hex, info);
  }

  /**
   * Answers one query (boxed TL, optionally prefixed by dht.query) from the peer whose ADNL id is `fromId`.
   * Returns the boxed answer, or null when the query gets no answer.
   */
  handle(query: Uint8Array, fromId?: Uint8Array): Uint8Array | null {
    let q;
    try {
      q = decodeIncomingQuery(query);
      if (q.announced && fromId) this.#learn(q.announced, fromId);
      return this.#answer(q.query as { _: string; [f: string]: unknown });
    } catch (error) {
      if (error instanceof DhtError) {
        this.stats.rejected++;
        return null;
      }
      throw error;
    }
  }

  /**
   * Serves DHT queries on an ADNL node: registers the dht.* queries (and the dht.query prefix) on its query router;
   * other queries stay with the node's other handlers. Returns the function that removes the registration.
   */
  attach<P extends { readonly id: Uint8Array }>(adnl: QueryServingNode<P>): () => void {
    return adnl.queryRoutes.register(
      DHT_QUERY_IDS.map((name) => ({ tlId: tlId(name) })),
      async (peer, query) => this.handle(query, peer.id),
    );
  }

  #learn(announced: DhtNodeTl, fromId: Uint8Array): void {
    try {
      const node = verifyDhtNode(announced, this.#networkId);
      if (bytesEqual(node.id, fromId)) this.routing.add(node);
    } catch (error) {
      if (!(error instanceof DhtError)) throw error; // a bad announcement does not spoil the query
    }
  }

  #nearest(key: Uint8Array, k: number): DhtNodeTl[] {
    // C++ reads k as uint32: a negative k asks for the maximum.
    const n = k < 0 ? MAX_K : Math.min(k, MAX_K);
    return this.routing.nearest(key, n).map((node) => node.tl);
  }

  #answer(query: { _: string; [f: string]: unknown }): Uint8Array | null {
    switch (query._) {
      case 'dht.ping': {
        this.stats.ping++;
        const q = query as TlCtor<'dht.ping'>;
        return tlEncode({ _: 'dht.pong', random_id: q.random_id });
      }
      case 'dht.findNode': {
        this.stats.findNode++;
        const q = query as TlCtor<'dht.findNode'>;
        return tlEncode({ _: 'dht.nodes', nodes: this.#nearest(q.key, q.k) });
      }
      case 'dht.findValue': {
        this.stats.findValue++;
        const q = query as TlCtor<'dht.findValue'>;
        const v = this.get(q.key);
        if (v) return tlEncode({ _: 'dht.valueFound', value: v.tl });
        return tlEncode({
          _: 'dht.valueNotFound',
          nodes: { _: 'dht.nodes', nodes: this.#nearest(q.key, q.k) },
        });
      }
      case 'dht.store': {
        this.stats.store++;
        this.store((query as TlCtor<'dht.store'>).value);
        return tlEncode({ _: 'dht.stored' });
      }
      case 'dht.getSignedAddressList':
        this.stats.getSignedAddressList++;
        return tlEncode(this.node);
      default:
        throw new DhtError(`unsupported DHT query ${query._}`);
    }
  }

  #pruneExpired(now: number): void {
    for (const [hex, v] of this.#values) if (v.ttl < now) this.#values.delete(hex);
  }
}
