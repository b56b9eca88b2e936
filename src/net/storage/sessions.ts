/**
 * Storage sessions (ton storage/PeerActor.cpp, DIGEST §10.3). Each side picks a random session id per (peer, bag)
 * and announces it in storage.ping; the other side then sends storage.addUpdate carrying THAT id — updateInit
 * (its have-pieces bitmap and state) first, then have-pieces/state updates with increasing seqno. An addUpdate
 * with another session id is refused (C++ answers 404 INVALID_SESSION). A new ping id means the peer restarted:
 * its bitmap is forgotten and our init is sent again.
 */
import { randomBytes } from '../crypto/index.ts';
import { hexOf } from './bytes.ts';
import { HavePieces } from './have-pieces.ts';
import type { StorageState, StorageUpdate } from './protocol.ts';

export interface StorageSession {
  /** Our id, sent in our pings; the peer's addUpdates must carry it. */
  readonly ourId: bigint;
  /** The peer's id from its last ping (our addUpdates carry it), null before its first ping. */
  peerId: bigint | null;
  /** Seqno of our last addUpdate to the peer. */
  seqno: number;
  /** Highest seqno seen from the peer (older updates are ignored). */
  peerSeqno: number;
  /** What the peer said it has (null until its updateInit, when the bag size is known). */
  peerHave: HavePieces | null;
  peerState: StorageState | null;
  /** Our init was sent for peerId. */
  initSent: boolean;
  /**
   * Updates that came before the bag's size was known (a seeder sends its updateInit as soon as we ping it, before
   * our getTorrentInfo is answered); applied in order once it is (applyPending). At most MAX_PENDING_UPDATES.
   */
  pending: { seqno: number; update: StorageUpdate }[];
}

/** Updates kept per session while the bag's size is unknown (an updateInit block is at most 6000 bytes). */
export const MAX_PENDING_UPDATES = 16;

export function randomSessionId(): bigint {
  return new DataView(randomBytes(8).buffer).getBigInt64(0, true);
}

export class SessionTable {
  readonly #sessions = new Map<string, StorageSession>();
  readonly #max: number;

  constructor(max = 4096) {
    this.#max = max;
  }

  get size(): number {
    return this.#sessions.size;
  }

  /** The session with `peerId` for `bagKey` (made on first use; least recently used ones are forgotten). */
  get(peerId: Uint8Array, bagKey: string): StorageSession {
    const key = `${hexOf(peerId)}:${bagKey}`;
    let s = this.#sessions.get(key);
    if (s) {
      this.#sessions.delete(key);
    } else {
      s = {
        ourId: randomSessionId(),
        peerId: null,
        seqno: 0,
        peerSeqno: 0,
        peerHave: null,
        peerState: null,
        initSent: false,
        pending: [],
      };
      while (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
    }
    this.#sessions.set(key, s);
    return s;
  }

  /**
   * Records a ping: true if it announced a new session id. A change of id means the peer restarted: what it told us
   * is forgotten. Its first id does not: its updates carry OUR id, and a seeder may send its updateInit (as an
   * answer to our ping) before its own ping reaches us.
   */
  ping(session: StorageSession, id: bigint): boolean {
    if (session.peerId === id) return false;
    const first = session.peerId === null;
    session.peerId = id;
    if (first) return true;
    session.peerSeqno = 0;
    session.peerHave = null;
    session.peerState = null;
    session.initSent = false;
    session.pending = [];
    return true;
  }

  forget(peerId: Uint8Array, bagKey: string): void {
    this.#sessions.delete(`${hexOf(peerId)}:${bagKey}`);
  }
}

/** Applies an addUpdate the peer sent for our session (caller checked the id). */
export function applyUpdate(
  s: StorageSession,
  seqno: number,
  update: StorageUpdate,
  piecesCount: number,
): void {
  if (update._ === 'storage.updateHavePieces') {
    s.peerHave ??= new HavePieces(piecesCount);
    for (const id of update.piece_id) s.peerHave.add(id);
  } else if (update._ === 'storage.updateInit') {
    s.peerHave ??= new HavePieces(piecesCount);
    s.peerHave.addBlock(update.have_pieces, update.have_pieces_offset);
  }
  if (update._ !== 'storage.updateHavePieces' && seqno > s.peerSeqno) {
    s.peerSeqno = seqno;
    s.peerState = update.state;
  }
}

/** Keeps an update for later (the bag's size is not known yet); beyond MAX_PENDING_UPDATES it is dropped. */
export function deferUpdate(s: StorageSession, seqno: number, update: StorageUpdate): void {
  if (s.pending.length < MAX_PENDING_UPDATES) s.pending.push({ seqno, update });
}

/**
 * Applies the updates kept by deferUpdate, in the order they came. One that does not fit the bag (a block outside
 * it: refused at once had the size been known) is skipped; this never throws.
 */
export function applyPending(s: StorageSession, piecesCount: number): void {
  const pending = s.pending;
  if (pending.length === 0) return;
  s.pending = [];
  for (const p of pending) {
    try {
      applyUpdate(s, p.seqno, p.update, piecesCount);
    } catch {
      // skipped (see above)
    }
  }
}
