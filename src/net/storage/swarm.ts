/**
 * The peers of one bag and how pieces are fetched from them (DIGEST §10.3).
 *
 * Peers come from the caller (`--peer`), from the DHT (the bag overlay's signed member list, then each member's
 * address) and from overlay.getRandomPeers answers (members re-checked against the overlay id). A peer is usable
 * once it answered storage.ping (our session id) over ADNL. Pieces are asked over RLDP, several peers in
 * parallel (up to `maxInflightPerPeer` each), and every answer is checked against the bag's Merkle root before it
 * is returned. A request that has not finished after the stall time (a few times the recent piece latency) is
 * repeated on another peer — whichever verified answer comes first wins — and its peer gets no new requests until
 * it answers something again. A peer that times out twice in a row is dropped (and may be revived by a later
 * discovery); one whose answer fails verification is dropped at once and banned for the bag: never revived, so a
 * seeder serving wrong pieces or proofs costs at most the requests it had in flight. When no peer is left, the DHT is
 * asked again; a piece that no peer could serve fails with StorageError('no-peers') carrying the last failure
 * (e.g. the 'verify' error of a liar) as its cause. (tonutils-storage storage/fetch.go PreFetcher.worker instead
 * retries a failed piece every 300 ms without limit.)
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { verifyOverlayNode } from '../dht/index.ts';
import { hexOf } from './bytes.ts';
import type { CachedPiece } from './cache.ts';
import { StorageError } from './errors.ts';
import { pieceMaxAnswer, TORRENT_INFO_MAX_ANSWER } from './limits.ts';
import { pieceDigest, type PieceDigest } from './digest.ts';
import { verifyPieceProofWith } from './merkle.ts';
import { wrapOverlayQuery } from './overlay.ts';
import {
  decodeOverlayNodesAnswer,
  decodePieceAnswer,
  decodePong,
  decodeTorrentInfoAnswer,
  encodeGetPiece,
  encodeGetRandomPeers,
  encodeGetTorrentInfo,
  encodePing,
} from './protocol.ts';
import { applyPending, type SessionTable, type StorageSession } from './sessions.ts';
import { parseTorrentInfo, pieceLength, type TorrentInfo } from './torrent-info.ts';
import {
  queryFailureKind,
  type StorageAdnl,
  type StoragePeerAddress,
  type StoragePeerFinder,
  type StorageRldp,
  type UdpAddress,
} from './transport.ts';

export interface SwarmOptions {
  /** One storage.ping attempt when connecting (default 1500 ms) and attempts (default 3). */
  connectTimeoutMs?: number;
  connectAttempts?: number;
  /** A getPiece / getTorrentInfo query gives up after this (default 10 s). */
  pieceTimeoutMs?: number;
  /** Hedge delay before any latency was measured (default 2 s), and its bounds once it adapts. */
  initialStallMs?: number;
  minStallMs?: number;
  maxStallMs?: number;
  /** Concurrent piece requests per peer (default 8). */
  maxInflightPerPeer?: number;
  /** Peers connected at once (default 16). */
  maxPeers?: number;
  /** Requests for one piece before it fails (default 8). */
  maxAttemptsPerPiece?: number;
  /** Consecutive timeouts that drop a peer (default 2). */
  strikesToDrop?: number;
  /** A dropped peer may be tried again after this long, if the DHT still lists it (default 30 s). */
  reviveAfterMs?: number;
  /** Monotonic ms (default performance.now). */
  now?: () => number;
  /** SHA-256 of a received piece (default: WebCrypto where present, digest.ts). */
  digest?: PieceDigest;
}

type PeerState = 'connecting' | 'ready' | 'dead';

export interface SwarmPeerInfo {
  adnlId: string;
  address: string;
  source: 'static' | 'dht' | 'exchange';
  state: PeerState;
  pieces: number;
  inflight: number;
}

interface SwarmPeer {
  key: string;
  adnl: AdnlPeer;
  address: UdpAddress;
  source: SwarmPeerInfo['source'];
  state: PeerState;
  ready: Promise<boolean>;
  inflight: number;
  /**
   * Requests to it that passed their stall time and are still out: it gets no new ones meanwhile, unless it
   * answered another request after the first of them stalled (then one piece is slow, not the peer: with a single
   * seeder, holding back every request behind one slow piece drained the pipe until that piece came or timed
   * out). A dead peer answers nothing after its first stall, so it gets nothing new, as before.
   */
  stalled: number;
  /** When `stalled` last went from 0 to 1, and when the peer last answered a piece. */
  stalledAt: number;
  answeredAt: number;
  strikes: number;
  pieces: number;
  deadAt: number;
  /** It lied (an answer failed verification or parsing): dropped for good for this bag. */
  banned: boolean;
  session: StorageSession;
}

export interface SwarmContext {
  bagId: Uint8Array;
  overlayId: Uint8Array;
  adnl: StorageAdnl;
  rldp: StorageRldp;
  finder: StoragePeerFinder | null;
  sessions: SessionTable;
  options?: SwarmOptions;
}

const perf = (globalThis as { performance?: { now(): number } }).performance;

export class BagSwarm {
  readonly bagId: Uint8Array;
  readonly overlayId: Uint8Array;
  readonly #key: string;
  readonly #ctx: SwarmContext;
  readonly #o: Required<Omit<SwarmOptions, 'now' | 'digest'>>;
  readonly #digest: PieceDigest;
  readonly #now: () => number;
  readonly #peers = new Map<string, SwarmPeer>();
  readonly #static: StoragePeerAddress[] = [];
  #info: TorrentInfo | null = null;
  #discovery: Promise<void> | null = null;
  #waiters: (() => void)[] = [];
  #latency = 0;
  #closed = false;

  constructor(ctx: SwarmContext) {
    this.#ctx = ctx;
    this.bagId = ctx.bagId;
    this.overlayId = ctx.overlayId;
    this.#key = hexOf(ctx.overlayId);
    const o = ctx.options ?? {};
    this.#o = {
      connectTimeoutMs: o.connectTimeoutMs ?? 1500,
      connectAttempts: o.connectAttempts ?? 3,
      pieceTimeoutMs: o.pieceTimeoutMs ?? 10_000,
      initialStallMs: o.initialStallMs ?? 2000,
      minStallMs: o.minStallMs ?? 300,
      maxStallMs: o.maxStallMs ?? 5000,
      maxInflightPerPeer: o.maxInflightPerPeer ?? 8,
      maxPeers: o.maxPeers ?? 16,
      maxAttemptsPerPiece: o.maxAttemptsPerPiece ?? 8,
      strikesToDrop: o.strikesToDrop ?? 2,
      reviveAfterMs: o.reviveAfterMs ?? 30_000,
    };
    this.#now = o.now ?? (perf ? () => perf.now() : Date.now);
    this.#digest = o.digest ?? pieceDigest();
  }

  /** The session key of this bag in the shared SessionTable. */
  get sessionKey(): string {
    return this.#key;
  }

  /** What the swarm knows about its peers (for logs and --json output). */
  get peers(): SwarmPeerInfo[] {
    return [...this.#peers.values()].map((p) => ({
      adnlId: hexOf(p.adnl.id),
      address: `${p.address.host}:${p.address.port}`,
      source: p.source,
      state: p.state,
      pieces: p.pieces,
      inflight: p.inflight,
    }));
  }

  /** A peer the swarm is downloading from (the first ready one), as values, or null. */
  get readyPeer(): { adnlId: Uint8Array; address: UdpAddress } | null {
    const p = this.#ready()[0];
    return p ? { adnlId: p.adnl.id, address: p.address } : null;
  }

  get readyPeers(): number {
    return this.#ready().length;
  }

  /** The verified TorrentInfo the pieces are checked against. */
  setInfo(info: TorrentInfo): void {
    this.#info = info;
  }

  /** Seeders to use first (no DHT needed for them). */
  addStaticPeers(peers: StoragePeerAddress[]): void {
    for (const p of peers) {
      const key = `${hexOf(p.publicKey)}@${p.address.host}:${p.address.port}`;
      if (!this.#static.some((q) => `${hexOf(q.publicKey)}@${q.address.host}:${q.address.port}` === key)) {
        if (this.#static.length >= this.#o.maxPeers) this.#static.shift();
        this.#static.push({ publicKey: p.publicKey.slice(), address: { ...p.address } });
      }
      this.#addPeer(p.publicKey, p.address, 'static');
    }
  }

  close(): void {
    this.#closed = true;
    this.#wake();
  }

  /** A peer said it has more pieces (storage.addUpdate): requests waiting for a peer that has theirs look again. */
  haveChanged(): void {
    this.#wake();
  }

  // ---- peers ----

  #ready(): SwarmPeer[] {
    return [...this.#peers.values()].filter((p) => p.state === 'ready');
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #addPeer(publicKey: Uint8Array, address: UdpAddress, source: SwarmPeer['source']): SwarmPeer | null {
    if (this.#closed) return null;
    let adnlPeer: AdnlPeer;
    try {
      adnlPeer = this.#ctx.adnl.addPeer(publicKey, address);
    } catch {
      return null; // not an IPv4 address we can reach, or a bad key
    }
    const key = hexOf(adnlPeer.id);
    const known = this.#peers.get(key);
    if (
      known &&
      (known.banned || known.state !== 'dead' || this.#now() - known.deadAt < this.#o.reviveAfterMs)
    )
      return known;
    const live = [...this.#peers.values()].filter((p) => p.state !== 'dead').length;
    if (live >= this.#o.maxPeers) return null;
    const peer: SwarmPeer = {
      key,
      adnl: adnlPeer,
      address: { host: address.host, port: address.port },
      source,
      state: 'connecting',
      ready: Promise.resolve(false),
      inflight: 0,
      stalled: 0,
      stalledAt: 0,
      answeredAt: 0,
      strikes: 0,
      pieces: known?.pieces ?? 0,
      deadAt: 0,
      banned: false,
      session: this.#ctx.sessions.get(adnlPeer.id, this.#key),
    };
    this.#peers.set(key, peer);
    peer.ready = this.#connect(peer);
    return peer;
  }

  /** storage.ping with our session id over ADNL: the peer is usable once it answers. */
  async #connect(peer: SwarmPeer): Promise<boolean> {
    try {
      const ping = wrapOverlayQuery(this.overlayId, encodePing(peer.session.ourId));
      decodePong(
        await this.#ctx.adnl.query(peer.adnl, ping, this.#o.connectTimeoutMs, {
          attempts: this.#o.connectAttempts,
        }),
      );
      if (this.#closed) return false;
      peer.state = 'ready';
      this.#wake();
      void this.#exchange(peer);
      return true;
    } catch {
      this.#drop(peer);
      return false;
    }
  }

  #drop(peer: SwarmPeer): void {
    if (peer.state === 'dead') return;
    peer.state = 'dead';
    peer.deadAt = this.#now();
    this.#wake();
  }

  /** overlay.getRandomPeers from a peer we just connected: more members of the overlay (checked, resolved). */
  async #exchange(peer: SwarmPeer): Promise<void> {
    const finder = this.#ctx.finder;
    if (!finder) return;
    try {
      const answer = await this.#ctx.adnl.query(
        peer.adnl,
        wrapOverlayQuery(this.overlayId, encodeGetRandomPeers()),
        this.#o.connectTimeoutMs,
      );
      for (const node of decodeOverlayNodesAnswer(answer).slice(0, this.#o.maxPeers)) {
        let member;
        try {
          member = verifyOverlayNode(node, this.overlayId);
        } catch {
          continue;
        }
        if (this.#peers.has(hexOf(member.id))) continue;
        void finder
          .resolveAddress(member.id)
          .then((found) => {
            if (found.addresses.length > 0) this.#addPeer(found.publicKey, found.addresses[0], 'exchange');
          })
          .catch(() => {});
      }
    } catch {
      // Optional: peers that do not answer getRandomPeers are still used.
    }
  }

  /** Finds peers (static ones, then the DHT) and waits until one is ready or every candidate failed. */
  discover(noCache = false): Promise<void> {
    this.#discovery ??= this.#discover(noCache).finally(() => (this.#discovery = null));
    return this.#discovery;
  }

  async #discover(noCache: boolean): Promise<void> {
    const candidates: SwarmPeer[] = [];
    for (const p of this.#static) {
      const peer = this.#addPeer(p.publicKey, p.address, 'static');
      if (peer) candidates.push(peer);
    }
    const finder = this.#ctx.finder;
    let lookupError: unknown = null;
    if (finder) {
      try {
        const members = await finder.findOverlayNodes(this.overlayId, { noCache });
        const resolved = await Promise.allSettled(
          members.slice(0, 4 * this.#o.maxPeers).map((m) => finder.resolveAddress(m.id, { noCache })),
        );
        for (const r of resolved) {
          if (r.status !== 'fulfilled' || r.value.addresses.length === 0) continue;
          const peer = this.#addPeer(r.value.publicKey, r.value.addresses[0], 'dht');
          if (peer) candidates.push(peer);
        }
      } catch (error) {
        lookupError = error;
      }
    }
    // Ready as soon as any candidate answers; otherwise once all have failed.
    const pending = [...new Set([...candidates, ...this.#peers.values()])].filter(
      (p) => p.state === 'connecting',
    );
    if (this.#ready().length === 0 && pending.length > 0) {
      await new Promise<void>((resolve) => {
        let left = pending.length;
        for (const p of pending) {
          void p.ready.then((ok) => {
            left--;
            if (ok || left === 0) resolve();
          });
        }
      });
    }
    if (this.#ready().length === 0) {
      const why = lookupError ? `: ${(lookupError as Error).message ?? String(lookupError)}` : '';
      throw new StorageError(
        'no-peers',
        candidates.length === 0
          ? `no storage peers found for bag ${hexOf(this.bagId)}${why}`
          : `none of the ${candidates.length} storage peers of bag ${hexOf(this.bagId)} answered`,
        { cause: lookupError ?? undefined },
      );
    }
  }

  async #readyPeer(exclude: Set<string>): Promise<SwarmPeer> {
    const free = this.#ready().filter((p) => !exclude.has(p.key));
    if (free.length > 0) return free[0];
    await this.discover(exclude.size > 0);
    const again = this.#ready().filter((p) => !exclude.has(p.key));
    if (again.length === 0)
      throw new StorageError('no-peers', `no storage peer of bag ${hexOf(this.bagId)} is left`);
    return again[0];
  }

  // ---- torrent info ----

  /** The bag's TorrentInfo from a peer, checked against the bag id. */
  async torrentInfo(): Promise<TorrentInfo> {
    const tried = new Set<string>();
    for (;;) {
      if (this.#closed) throw new StorageError('closed', 'storage client closed');
      const peer = await this.#readyPeer(tried);
      tried.add(peer.key);
      try {
        const answer = await this.#ctx.rldp.query(
          peer.adnl,
          wrapOverlayQuery(this.overlayId, encodeGetTorrentInfo()),
          { maxAnswerSize: TORRENT_INFO_MAX_ANSWER, timeoutMs: this.#o.pieceTimeoutMs },
        );
        const boc = decodeTorrentInfoAnswer(answer);
        if (boc.length === 0) continue; // the peer does not have the info yet (C++ answers empty)
        const info = parseTorrentInfo(boc, this.bagId);
        this.#info = info;
        return info;
      } catch (error) {
        this.#penalize(peer, error);
      }
    }
  }

  // ---- pieces ----

  #stallMs(): number {
    if (this.#latency === 0) return this.#o.initialStallMs;
    return Math.min(this.#o.maxStallMs, Math.max(this.#o.minStallMs, 4 * this.#latency));
  }

  #penalize(peer: SwarmPeer, error: unknown): void {
    if (
      error instanceof StorageError &&
      (error.kind === 'verify' || error.kind === 'parse' || error.kind === 'limit')
    ) {
      peer.banned = true; // it lied or sent garbage: never again for this bag
      this.#drop(peer);
      return;
    }
    if (queryFailureKind(error) === 'closed') return;
    if (++peer.strikes >= this.#o.strikesToDrop) this.#drop(peer);
  }

  /** Whether `peer` said it has piece `index` (true until it sent its have-pieces). */
  #has(peer: SwarmPeer, index: number): boolean {
    if (this.#info) applyPending(peer.session, this.#info.piecesCount);
    return !peer.session.peerHave || peer.session.peerHave.has(index);
  }

  /** A ready peer with a free slot that has not been tried for this piece and does not say it lacks it. */
  #pick(index: number, tried: Set<string>): SwarmPeer | null {
    let best: SwarmPeer | null = null;
    for (const p of this.#peers.values()) {
      if (p.state !== 'ready' || tried.has(p.key) || p.inflight >= this.#o.maxInflightPerPeer) continue;
      // It stopped answering in time: let its requests finish or time out first (not if it still answers others).
      if (p.stalled > 0 && p.answeredAt <= p.stalledAt) continue;
      if (!this.#has(p, index)) continue;
      if (!best || p.inflight < best.inflight || (p.inflight === best.inflight && p.strikes < best.strikes))
        best = p;
    }
    return best;
  }

  async #request(peer: SwarmPeer, index: number, info: TorrentInfo): Promise<CachedPiece> {
    const answer = await this.#ctx.rldp.query(
      peer.adnl,
      wrapOverlayQuery(this.overlayId, encodeGetPiece(index)),
      {
        maxAnswerSize: pieceMaxAnswer(info.pieceSize),
        timeoutMs: this.#o.pieceTimeoutMs,
      },
    );
    const piece = decodePieceAnswer(answer, pieceLength(info, index));
    await this.verifyPiece(info, index, piece);
    return { data: piece.data, proof: piece.proof };
  }

  /** Checks `piece` against the bag's Merkle root (the proof first, then the piece's hash, off the main thread). */
  verifyPiece(info: TorrentInfo, index: number, piece: CachedPiece): Promise<void> {
    return verifyPieceProofWith(
      {
        proof: piece.proof,
        rootHash: info.rootHash,
        index,
        piecesCount: info.piecesCount,
        data: piece.data,
      },
      this.#digest,
    );
  }

  /**
   * Piece `index`, verified against the bag's root hash. Rejects with StorageError ('no-peers' when every peer
   * failed, 'aborted', 'closed').
   */
  fetchPiece(index: number, signal?: AbortSignal): Promise<CachedPiece> {
    const info = this.#info;
    if (!info) return Promise.reject(new StorageError('protocol', 'torrent info is not known yet'));
    if (!(index >= 0 && index < info.piecesCount)) {
      return Promise.reject(new StorageError('not-found', `piece ${index} is outside the bag`));
    }
    return new Promise<CachedPiece>((resolve, reject) => {
      const tried = new Set<string>();
      let done = false;
      let running = 0;
      let attempts = 0;
      let discoveries = 0;
      let lastError: unknown = null;
      let stall: ReturnType<typeof setTimeout> | null = null;

      const finish = (error: unknown, piece?: CachedPiece): void => {
        if (done) return;
        done = true;
        if (stall) clearTimeout(stall);
        signal?.removeEventListener('abort', onAbort);
        if (piece) resolve(piece);
        else reject(error);
      };
      const onAbort = (): void => finish(new StorageError('aborted', 'piece request aborted'));
      signal?.addEventListener('abort', onAbort);

      const start = (peer: SwarmPeer): void => {
        attempts++;
        running++;
        tried.add(peer.key);
        peer.inflight++;
        const t0 = this.#now();
        let stalledHere = false;
        const settle = (): void => {
          running--;
          peer.inflight--;
          if (stalledHere) peer.stalled--;
        };
        if (stall) clearTimeout(stall);
        stall = setTimeout(() => {
          if (!stalledHere && !done) {
            stalledHere = true;
            if (peer.stalled++ === 0) peer.stalledAt = this.#now();
          }
          hedge();
        }, this.#stallMs());
        this.#request(peer, index, info).then(
          (piece) => {
            const ms = this.#now() - t0;
            this.#latency = this.#latency === 0 ? ms : 0.8 * this.#latency + 0.2 * ms;
            peer.strikes = 0;
            peer.pieces++;
            peer.answeredAt = this.#now();
            settle();
            this.#wake();
            finish(null, piece);
          },
          (error: unknown) => {
            settle();
            lastError = error;
            this.#penalize(peer, error);
            this.#wake();
            if (!done) next();
          },
        );
      };

      /** The request is slow: ask another peer too, if one is free right now. */
      const hedge = (): void => {
        stall = null;
        if (done || attempts >= this.#o.maxAttemptsPerPiece) return;
        const peer = this.#pick(index, tried);
        if (peer) start(peer);
      };

      const next = (): void => {
        if (done) return;
        if (this.#closed) return finish(new StorageError('closed', 'storage client closed'));
        if (attempts >= this.#o.maxAttemptsPerPiece) {
          if (running === 0) {
            finish(
              new StorageError('no-peers', `piece ${index}: ${attempts} attempts failed`, {
                cause: lastError,
              }),
            );
          }
          return;
        }
        const peer = this.#pick(index, tried);
        if (peer) return start(peer);
        if (running > 0) return; // an attempt is still out; its end (or the stall timer) decides
        const ready = this.#ready();
        if (ready.some((p) => !tried.has(p.key))) {
          this.#waiters.push(next); // every untried peer is busy: wait for a free slot
          return;
        }
        const usable = ready.filter((p) => this.#has(p, index));
        if (usable.length > 0) {
          // Every usable peer was tried once for this piece: try them again (a timeout may have been a fluke).
          tried.clear();
          if (this.#pick(index, tried)) return next();
          this.#waiters.push(next);
          return;
        }
        if (discoveries++ >= 2) {
          return finish(new StorageError('no-peers', `no peer has piece ${index}`, { cause: lastError }));
        }
        this.discover(true).then(next, (error: unknown) => {
          // Keep why the peers we had failed (a liar's 'verify'), not only that none is left.
          if (lastError === null || !(error instanceof StorageError) || error.kind !== 'no-peers')
            finish(error);
          else finish(new StorageError('no-peers', `piece ${index}: ${error.message}`, { cause: lastError }));
        });
      };
      next();
    });
  }
}
