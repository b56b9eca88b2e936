/**
 * The downloading side of TON Storage: opens bags by id (TorrentInfo and header, from the piece cache or from
 * peers), keeps one swarm per bag, and answers what seeders ask a downloader inside the bag's overlay — their
 * storage.ping (we answer pong and send our updateInit: no pieces, want_download) and their storage.addUpdate
 * for our session (their have-pieces bitmap, used to pick peers). We never upload: getPiece is refused.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { OpenBag } from './bag.ts';
import { hexOf } from './bytes.ts';
import { MemoryPieceCache, type PieceCache } from './cache.ts';
import { StorageError } from './errors.ts';
import { bagOverlayId, unwrapOverlayQuery, wrapOverlayQuery } from './overlay.ts';
import {
  OK,
  PONG,
  decodeOk,
  decodeStorageQuery,
  encodeAddUpdate,
  encodeTorrentInfoAnswer,
  type StorageQuery,
} from './protocol.ts';
import { OverlayRoutes, type StorageRouters } from './routes.ts';
import { SessionTable, applyPending, applyUpdate, deferUpdate } from './sessions.ts';
import { BagSwarm, type SwarmOptions } from './swarm.ts';
import { parseTorrentInfo, type TorrentInfo } from './torrent-info.ts';
import type {
  IncomingRldpContext,
  StorageAdnl,
  StoragePeerAddress,
  StoragePeerFinder,
  StorageRldp,
} from './transport.ts';

export interface StorageClientOptions {
  adnl: StorageAdnl;
  rldp: StorageRldp;
  /** The DHT (overlay members, addresses); null: only peers given to open() are used. */
  finder?: StoragePeerFinder | null;
  /** Default: a 64 MiB MemoryPieceCache; null: no cache. */
  cache?: PieceCache | null;
  swarm?: SwarmOptions;
  /** Opened bags kept (default 32). */
  maxBags?: number;
}

export interface OpenOptions {
  /** Seeders to ask first (no DHT needed for them). */
  peers?: StoragePeerAddress[];
  signal?: AbortSignal;
}

interface BagEntry {
  swarm: BagSwarm;
  opened: Promise<OpenBag> | null;
  info: TorrentInfo | null;
}

export class StorageClient {
  readonly cache: PieceCache | null;
  readonly #o: StorageClientOptions;
  readonly #sessions = new SessionTable();
  /** By overlay id hex, least recently used first. */
  readonly #bags = new Map<string, BagEntry>();
  #routes: OverlayRoutes | null = null;
  #closed = false;

  constructor(options: StorageClientOptions) {
    this.#o = options;
    this.cache = options.cache === undefined ? new MemoryPieceCache() : options.cache;
  }

  /** True when peers can be found without being given (a DHT is configured). */
  get canDiscover(): boolean {
    return Boolean(this.#o.finder);
  }

  #entry(bagId: Uint8Array): BagEntry {
    const overlayId = bagOverlayId(bagId);
    const key = hexOf(overlayId);
    let entry = this.#bags.get(key);
    if (entry) {
      this.#bags.delete(key);
    } else {
      entry = {
        swarm: new BagSwarm({
          bagId,
          overlayId,
          adnl: this.#o.adnl,
          rldp: this.#o.rldp,
          finder: this.#o.finder ?? null,
          sessions: this.#sessions,
          options: this.#o.swarm,
        }),
        opened: null,
        info: null,
      };
      const max = this.#o.maxBags ?? 32;
      for (const [k, old] of this.#bags) {
        if (this.#bags.size < max) break;
        old.swarm.close();
        this.#routes?.remove(old.swarm.overlayId);
        this.#bags.delete(k);
      }
    }
    this.#bags.set(key, entry);
    this.#routes?.add(overlayId);
    return entry;
  }

  /**
   * Registers the overlay of every bag held, now and later, on a node's query routers (routes.ts), so that the
   * seeders' queries (storage.ping, storage.addUpdate, …) reach us without the node's onQuery slots. Once per client.
   */
  routeOn(routers: StorageRouters): void {
    if (this.#routes) throw new StorageError('protocol', 'storage client routed already');
    const routes = new OverlayRoutes(
      routers,
      (peer, query) => this.handleAdnlQuery(peer, query) ?? Promise.resolve(null),
      (peer, data, ctx) =>
        this.handleRldpQuery(peer, data, ctx) ?? Promise.reject(new StorageError('closed', 'bag not open')),
    );
    for (const e of this.#bags.values()) routes.add(e.swarm.overlayId);
    this.#routes = routes;
  }

  /**
   * Opens a bag: its TorrentInfo (cache, else peers; hash = bag id) and its header (pieces, verified). Concurrent
   * opens of one bag share the work; a failed open is retried by the next call.
   */
  async open(bagId: Uint8Array, opts: OpenOptions = {}): Promise<OpenBag> {
    if (this.#closed) throw new StorageError('closed', 'storage client closed');
    if (bagId.length !== 32) throw new StorageError('parse', 'a bag id is 32 bytes');
    const entry = this.#entry(bagId);
    if (opts.peers?.length) entry.swarm.addStaticPeers(opts.peers);
    entry.opened ??= this.#open(entry).catch((error: unknown) => {
      entry.opened = null;
      throw error;
    });
    const opened = entry.opened;
    const signal = opts.signal;
    if (!signal) return opened;
    if (signal.aborted) throw new StorageError('aborted', 'open aborted');
    return new Promise<OpenBag>((resolve, reject) => {
      const onAbort = (): void => reject(new StorageError('aborted', 'open aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      opened.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #open(entry: BagEntry): Promise<OpenBag> {
    const { swarm } = entry;
    const key = hexOf(swarm.bagId);
    let info: TorrentInfo | null = null;
    if (this.cache) {
      try {
        const boc = await this.cache.getInfo(key);
        if (boc instanceof Uint8Array) info = parseTorrentInfo(boc, swarm.bagId);
      } catch {
        info = null; // damaged or foreign entry: ask the peers
      }
    }
    if (!info) {
      info = await swarm.torrentInfo();
      await this.cache?.putInfo(key, info.boc).catch(() => {});
    }
    entry.info = info;
    swarm.setInfo(info);
    const bag = new OpenBag(info, swarm, this.cache);
    await bag.loadHeader();
    return bag;
  }

  close(): void {
    this.#closed = true;
    for (const e of this.#bags.values()) e.swarm.close();
    this.#routes?.clear();
    this.#bags.clear();
  }

  // ---- what seeders ask us ----

  #target(bytes: Uint8Array): { entry: BagEntry; key: string; query: Uint8Array } | null {
    if (this.#closed) return null;
    const wrapped = unwrapOverlayQuery(bytes);
    if (!wrapped) return null;
    const key = hexOf(wrapped.overlayId);
    const entry = this.#bags.get(key);
    return entry ? { entry, key, query: wrapped.query } : null;
  }

  /** For AdnlNode.onQuery: the answer, or null when the query is not for a bag we have open. */
  handleAdnlQuery(peer: AdnlPeer, bytes: Uint8Array): Promise<Uint8Array | null> | null {
    const t = this.#target(bytes);
    if (!t) return null;
    return this.#serve(peer, t.entry, t.key, t.query).catch(() => null);
  }

  /** For RldpNode.onQuery: the answer (a rejection refuses it), or null when the query is not ours. */
  handleRldpQuery(peer: AdnlPeer, bytes: Uint8Array, _ctx: IncomingRldpContext): Promise<Uint8Array> | null {
    const t = this.#target(bytes);
    if (!t) return null;
    return this.#serve(peer, t.entry, t.key, t.query);
  }

  async #serve(peer: AdnlPeer, entry: BagEntry, key: string, bytes: Uint8Array): Promise<Uint8Array> {
    const query: StorageQuery = decodeStorageQuery(bytes);
    const session = this.#sessions.get(peer.id, key);
    switch (query._) {
      case 'storage.ping':
        if (this.#sessions.ping(session, query.session_id)) this.#sendInit(peer, entry);
        return PONG;
      case 'storage.addUpdate': {
        if (query.session_id !== session.ourId)
          throw new StorageError('protocol', 'addUpdate for another session');
        if (entry.info) {
          applyPending(session, entry.info.piecesCount);
          applyUpdate(session, query.seqno, query.update, entry.info.piecesCount);
          entry.swarm.haveChanged();
        } else {
          deferUpdate(session, query.seqno, query.update);
        }
        return OK;
      }
      case 'storage.getTorrentInfo':
        // C++ answers an empty BoC while it does not know the info.
        return encodeTorrentInfoAnswer(entry.info ? entry.info.boc : new Uint8Array(0));
      default:
        throw new StorageError('protocol', `${query._}: this client does not upload`);
    }
  }

  /** Our updateInit for the peer's session: nothing to offer, we want to download. */
  #sendInit(peer: AdnlPeer, entry: BagEntry): void {
    const session = this.#sessions.get(peer.id, hexOf(entry.swarm.overlayId));
    const peerSession = session.peerId!;
    const update = encodeAddUpdate(peerSession, ++session.seqno, {
      _: 'storage.updateInit',
      have_pieces: new Uint8Array(0),
      have_pieces_offset: 0,
      state: { _: 'storage.state', will_upload: false, want_download: true },
    });
    this.#o.rldp
      .query(peer, wrapOverlayQuery(entry.swarm.overlayId, update), { maxAnswerSize: 1024, timeoutMs: 5000 })
      .then((answer) => {
        decodeOk(answer);
        if (session.peerId === peerSession) session.initSent = true;
      })
      .catch(() => {});
  }
}
