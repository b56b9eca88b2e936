/**
 * The seeding side of the storage protocol (ton storage/PeerActor.cpp, tonutils-storage server.go; DIGEST §10.3),
 * for the devnet's seeders and anyone else who serves bags with our code. One StorageServer serves many bags over
 * one ADNL node and one RLDP node; queries arrive prefixed with `overlay.query{bag overlay}` over either.
 *
 *   storage.ping{s}          → storage.pong; a new s starts a session: we send storage.addUpdate{s, updateInit
 *                              (every piece, will_upload)} over RLDP and ping back with our own session id
 *   storage.addUpdate{ours}  → storage.ok (another id: refused)
 *   storage.getTorrentInfo   → storage.torrentInfo (the TorrentInfo BoC)
 *   storage.getPiece{i}      → storage.piece{proof, data}
 *   overlay.getRandomPeers   → overlay.nodes with our own signed overlay.node
 * Pieces are served whether or not a session exists (as C++ does); sessions only carry the bitmaps.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import type { KeyPair } from '../crypto/index.ts';
import { signOverlayNode } from '../dht/index.ts';
import { tlEncode } from '../tl/index.ts';
import { hexOf } from './bytes.ts';
import { StorageError } from './errors.ts';
import { HavePieces } from './have-pieces.ts';
import type { MerkleTree } from './merkle.ts';
import { bagOverlayId, unwrapOverlayQuery, wrapOverlayQuery } from './overlay.ts';
import {
  OK,
  PONG,
  decodeOk,
  decodePong,
  decodeStorageQuery,
  encodeAddUpdate,
  encodePieceAnswer,
  encodePing,
  encodeTorrentInfoAnswer,
  type StorageQuery,
} from './protocol.ts';
import { SessionTable, applyUpdate } from './sessions.ts';
import type { TorrentInfo } from './torrent-info.ts';
import { OverlayRoutes, type StorageRouters } from './routes.ts';
import type { IncomingRldpContext, StorageAdnl, StorageRldp } from './transport.ts';

/** A bag a server can seed (createBag's BuiltBag is one). */
export interface SeededBag {
  info: TorrentInfo;
  tree: MerkleTree;
  piece(index: number): Uint8Array;
}

export interface StorageServerOptions {
  adnl: StorageAdnl;
  rldp: StorageRldp;
  /** Our ADNL identity: signs the overlay.node we hand out in overlay.getRandomPeers. */
  keyPair: KeyPair;
  /** Timeout of the updates and pings we send to peers (default 5 s). */
  queryTimeoutMs?: number;
  /** Proofs kept ready per bag (default 4096). */
  maxCachedProofs?: number;
  now?: () => number;
}

export interface StorageServerStats {
  queries: number;
  piecesServed: number;
  bytesServed: number;
  refused: number;
  sessions: number;
}

interface Served {
  bag: SeededBag;
  key: string;
  overlayId: Uint8Array;
  have: HavePieces;
  proofs: Map<number, Uint8Array>;
}

export class StorageServer {
  readonly #adnl: StorageAdnl;
  readonly #rldp: StorageRldp;
  readonly #keyPair: KeyPair;
  readonly #timeoutMs: number;
  readonly #maxProofs: number;
  readonly #now: () => number;
  readonly #bags = new Map<string, Served>();
  readonly #sessions = new SessionTable();
  readonly #stats = { queries: 0, piecesServed: 0, bytesServed: 0, refused: 0 };
  #routes: OverlayRoutes | null = null;
  #closed = false;

  constructor(options: StorageServerOptions) {
    this.#adnl = options.adnl;
    this.#rldp = options.rldp;
    this.#keyPair = options.keyPair;
    this.#timeoutMs = options.queryTimeoutMs ?? 5000;
    this.#maxProofs = options.maxCachedProofs ?? 4096;
    this.#now = options.now ?? Date.now;
  }

  get stats(): StorageServerStats {
    return { ...this.#stats, sessions: this.#sessions.size };
  }

  /** Starts seeding `bag` (idempotent per bag id). */
  addBag(bag: SeededBag): void {
    const overlayId = bagOverlayId(bag.info.bagId);
    const key = hexOf(overlayId);
    if (this.#bags.has(key)) return;
    this.#routes?.add(overlayId);
    this.#bags.set(key, {
      bag,
      key,
      overlayId,
      have: new HavePieces(bag.info.piecesCount, true),
      proofs: new Map(),
    });
  }

  removeBag(bagId: Uint8Array): void {
    const overlayId = bagOverlayId(bagId);
    this.#routes?.remove(overlayId);
    this.#bags.delete(hexOf(overlayId));
  }

  /**
   * Registers the overlay of every bag seeded, now and later, on a node's query routers (routes.ts), so that
   * the node's storage queries reach handleAdnlQuery / handleRldpQuery without its onQuery slots. Once per server.
   */
  routeOn(routers: StorageRouters): void {
    if (this.#routes) throw new StorageError('protocol', 'storage server routed already');
    const routes = new OverlayRoutes(
      routers,
      (peer, query) => this.handleAdnlQuery(peer, query) ?? Promise.resolve(null),
      (peer, data, ctx) =>
        this.handleRldpQuery(peer, data, ctx) ?? Promise.reject(new StorageError('closed', 'not seeding')),
    );
    for (const served of this.#bags.values()) routes.add(served.overlayId);
    this.#routes = routes;
  }

  get bagIds(): Uint8Array[] {
    return [...this.#bags.values()].map((s) => s.bag.info.bagId);
  }

  /** For AdnlNode.onQuery: the answer, or null when the query is not for one of our bags (or is refused). */
  handleAdnlQuery(peer: AdnlPeer, bytes: Uint8Array): Promise<Uint8Array | null> | null {
    const target = this.#target(bytes);
    if (!target) return null;
    return this.#serve(peer, target.served, target.query, Infinity).catch(() => {
      this.#stats.refused++;
      return null;
    });
  }

  /** For RldpNode.onQuery: the answer (a rejected promise refuses), or null when the query is not ours. */
  handleRldpQuery(peer: AdnlPeer, bytes: Uint8Array, ctx: IncomingRldpContext): Promise<Uint8Array> | null {
    const target = this.#target(bytes);
    if (!target) return null;
    return this.#serve(peer, target.served, target.query, ctx.maxAnswerSize).catch((error: unknown) => {
      this.#stats.refused++;
      throw error;
    });
  }

  close(): void {
    this.#closed = true;
    this.#routes?.clear();
    this.#bags.clear();
  }

  #target(bytes: Uint8Array): { served: Served; query: Uint8Array } | null {
    if (this.#closed) return null;
    const wrapped = unwrapOverlayQuery(bytes);
    if (!wrapped) return null;
    const served = this.#bags.get(hexOf(wrapped.overlayId));
    return served ? { served, query: wrapped.query } : null;
  }

  async #serve(peer: AdnlPeer, served: Served, bytes: Uint8Array, maxAnswer: number): Promise<Uint8Array> {
    this.#stats.queries++;
    const query: StorageQuery = decodeStorageQuery(bytes);
    const { info } = served.bag;
    switch (query._) {
      case 'storage.ping': {
        const session = this.#sessions.get(peer.id, served.key);
        if (this.#sessions.ping(session, query.session_id)) this.#startSession(peer, served);
        return PONG;
      }
      case 'storage.addUpdate': {
        const session = this.#sessions.get(peer.id, served.key);
        if (query.session_id !== session.ourId)
          throw new StorageError('protocol', 'addUpdate for another session');
        applyUpdate(session, query.seqno, query.update, info.piecesCount);
        return OK;
      }
      case 'storage.getTorrentInfo':
        return encodeTorrentInfoAnswer(info.boc);
      case 'storage.getPiece': {
        const index = query.piece_id;
        if (!(index >= 0 && index < info.piecesCount))
          throw new StorageError('not-found', `no piece ${index}`);
        const data = served.bag.piece(index);
        const answer = encodePieceAnswer(this.#proof(served, index), data);
        if (answer.length > maxAnswer)
          throw new StorageError('limit', 'piece is larger than the asker accepts');
        this.#stats.piecesServed++;
        this.#stats.bytesServed += data.length;
        return answer;
      }
      case 'overlay.getRandomPeers': {
        const node = signOverlayNode(this.#keyPair, served.overlayId, Math.floor(this.#now() / 1000));
        return tlEncode({ _: 'overlay.nodes', nodes: [node] });
      }
    }
  }

  #proof(served: Served, index: number): Uint8Array {
    let proof = served.proofs.get(index);
    if (!proof) {
      proof = served.bag.tree.proof(index);
      if (served.proofs.size >= this.#maxProofs) served.proofs.delete(served.proofs.keys().next().value!);
      served.proofs.set(index, proof);
    }
    return proof;
  }

  /** A peer announced a (new) session: tell it what we have, and announce ours so it can send its init. */
  #startSession(peer: AdnlPeer, served: Served): void {
    const session = this.#sessions.get(peer.id, served.key);
    const peerSession = session.peerId!;
    void (async () => {
      try {
        for (const block of served.have.blocks()) {
          if (this.#closed || session.peerId !== peerSession) return;
          const update = encodeAddUpdate(peerSession, ++session.seqno, {
            _: 'storage.updateInit',
            have_pieces: block.bytes,
            have_pieces_offset: block.byteOffset,
            state: { _: 'storage.state', will_upload: true, want_download: false },
          });
          decodeOk(
            await this.#rldp.query(peer, wrapOverlayQuery(served.overlayId, update), {
              maxAnswerSize: 1024,
              timeoutMs: this.#timeoutMs,
            }),
          );
        }
        session.initSent = true;
        decodePong(
          await this.#adnl.query(
            peer,
            wrapOverlayQuery(served.overlayId, encodePing(session.ourId)),
            this.#timeoutMs,
          ),
        );
      } catch {
        // The peer may not answer (a plain downloader, gone, or behind a relay that closed): pieces are served anyway.
      }
    })();
  }
}
