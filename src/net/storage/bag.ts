/**
 * An opened bag: its verified TorrentInfo and header, and its bytes read piece by piece — from the piece cache
 * (each cached piece re-verified against its proof) or from the swarm (verified as it arrives, then cached).
 * Ranges are streamed in order with a bounded prefetch window, never buffering a whole file.
 */
import { sha256 } from '../crypto/index.ts';
import { bytesEqual, hexOf } from './bytes.ts';
import type { CachedPiece, PieceCache } from './cache.ts';
import { StorageError } from './errors.ts';
import { checkHeaderFitsInfo, parseTorrentHeader, type BagFile, type TorrentHeader } from './header.ts';
import { defaultPrefetch, MAX_HEADER_SIZE } from './limits.ts';
import type { BagSwarm } from './swarm.ts';
import { pieceLength, type TorrentInfo } from './torrent-info.ts';

export interface BagReadStats {
  piecesFromCache: number;
  piecesFromPeers: number;
  bytesFromPeers: number;
}

export class OpenBag {
  readonly bagId: Uint8Array;
  readonly bagIdHex: string;
  readonly info: TorrentInfo;
  readonly stats: BagReadStats = { piecesFromCache: 0, piecesFromPeers: 0, bytesFromPeers: 0 };
  #header: TorrentHeader | null = null;
  #byName = new Map<string, BagFile>();
  readonly #swarm: BagSwarm;
  readonly #cache: PieceCache | null;
  readonly #inflight = new Map<number, Promise<Uint8Array>>();

  constructor(info: TorrentInfo, swarm: BagSwarm, cache: PieceCache | null) {
    this.info = info;
    this.bagId = info.bagId;
    this.bagIdHex = hexOf(info.bagId);
    this.#swarm = swarm;
    this.#cache = cache;
  }

  get header(): TorrentHeader {
    if (!this.#header) throw new StorageError('protocol', 'bag header not loaded');
    return this.#header;
  }

  get swarm(): BagSwarm {
    return this.#swarm;
  }

  /** Reads and checks the header (the first header_size bytes of the bag). */
  async loadHeader(signal?: AbortSignal): Promise<TorrentHeader> {
    if (this.#header) return this.#header;
    const size = this.info.headerSize;
    if (size > MAX_HEADER_SIZE)
      throw new StorageError('limit', `torrent header of ${size} bytes is too large`);
    const bytes = new Uint8Array(size);
    // Through the stream: header pieces are fetched with the same bounded prefetch window as any range.
    const reader = this.stream(0, size, { signal }).getReader();
    let at = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      bytes.set(r.value, at);
      at += r.value.length;
    }
    if (!bytesEqual(sha256(bytes), this.info.headerHash)) {
      throw new StorageError('verify', 'torrent header does not match header_hash');
    }
    const header = parseTorrentHeader(bytes);
    checkHeaderFitsInfo(header, this.info);
    this.#header = header;
    this.#byName = new Map(header.files.map((f) => [f.name, f]));
    return header;
  }

  /** The file at `name` (exact path inside the bag). */
  file(name: string): BagFile | undefined {
    return this.#byName.get(name);
  }

  /** Stream offset of a file's first byte. */
  fileStart(file: BagFile): number {
    return this.info.headerSize + file.offset;
  }

  /**
   * Bytes of piece `index`, verified. Concurrent callers share one fetch; `signal` only stops this caller's wait
   * (the fetch goes on and its piece is cached).
   */
  piece(index: number, signal?: AbortSignal): Promise<Uint8Array> {
    let p = this.#inflight.get(index);
    if (!p) {
      p = this.#loadPiece(index).finally(() => this.#inflight.delete(index));
      this.#inflight.set(index, p);
    }
    if (!signal) return p;
    if (signal.aborted) return Promise.reject(new StorageError('aborted', 'read aborted'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = (): void => reject(new StorageError('aborted', 'read aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async #loadPiece(index: number): Promise<Uint8Array> {
    const cached = await this.#fromCache(index);
    if (cached) {
      this.stats.piecesFromCache++;
      return cached;
    }
    const piece = await this.#swarm.fetchPiece(index);
    this.stats.piecesFromPeers++;
    this.stats.bytesFromPeers += piece.data.length;
    if (this.#cache) await this.#cache.putPiece(this.bagIdHex, index, piece).catch(() => {});
    return piece.data;
  }

  async #fromCache(index: number): Promise<Uint8Array | null> {
    if (!this.#cache) return null;
    let piece: CachedPiece | undefined;
    try {
      piece = await this.#cache.getPiece(this.bagIdHex, index);
    } catch {
      return null;
    }
    if (!piece || !(piece.data instanceof Uint8Array) || !(piece.proof instanceof Uint8Array)) return null;
    if (piece.data.length !== pieceLength(this.info, index)) return null;
    try {
      await this.#swarm.verifyPiece(this.info, index, piece);
    } catch {
      return null; // a damaged cache entry: fetch the piece again
    }
    return piece.data;
  }

  /**
   * Bytes [start, end) of the bag stream as a web stream: pieces are requested in order, up to `prefetch` of them
   * ahead of the one being delivered (default: 4 MiB of pieces, limits.ts PREFETCH_BYTES; the swarm limits how many
   * are on the wire per peer); nothing else is buffered. Errors are StorageErrors.
   */
  stream(
    start: number,
    end: number,
    opts: { prefetch?: number; signal?: AbortSignal } = {},
  ): ReadableStream<Uint8Array> {
    if (!(start >= 0 && end <= this.info.fileSize && start <= end)) {
      throw new StorageError('not-found', `range ${start}..${end} is outside the bag`);
    }
    const ps = this.info.pieceSize;
    const first = Math.floor(start / ps);
    const last = end === start ? first - 1 : Math.floor((end - 1) / ps);
    const prefetch = Math.max(1, opts.prefetch ?? defaultPrefetch(ps));
    // One abort listener for the whole stream (not one per piece ahead: dozens of them on one signal make Node
    // warn about a listener leak); a piece's fetch goes on after an abort and its piece is cached.
    let stopped: StorageError | null = null;
    let stopWait: ((error: StorageError) => void) | null = null; // rejects the piece wait of the current pull
    const abort = (): void => {
      stopped ??= new StorageError('aborted', 'read aborted');
      stopWait?.(stopped);
    };
    if (opts.signal?.aborted) abort();
    opts.signal?.addEventListener('abort', abort);
    const pending = new Map<number, Promise<Uint8Array>>();
    let next = first;
    const fill = (): void => {
      for (let i = next; i <= Math.min(last, next + prefetch - 1); i++) {
        if (pending.has(i)) continue;
        const p = this.piece(i);
        p.catch(() => {}); // awaited in order below; do not report it as unhandled meanwhile
        pending.set(i, p);
      }
    };
    const done = (): void => opts.signal?.removeEventListener('abort', abort);
    return new ReadableStream<Uint8Array>(
      {
        pull: async (c) => {
          if (next > last) {
            done();
            c.close();
            return;
          }
          fill();
          let data: Uint8Array;
          try {
            data = await new Promise<Uint8Array>((resolve, reject) => {
              if (stopped) return reject(stopped);
              stopWait = reject;
              pending.get(next)!.then(resolve, reject);
            });
          } catch (error) {
            done();
            pending.clear();
            throw error;
          } finally {
            stopWait = null;
          }
          pending.delete(next);
          const pieceStart = next * ps;
          const from = Math.max(start, pieceStart) - pieceStart;
          const to = Math.min(end, pieceStart + data.length) - pieceStart;
          next++;
          fill();
          c.enqueue(from === 0 && to === data.length ? data : data.subarray(from, to));
        },
        cancel: () => {
          done();
          abort();
          pending.clear();
        },
      },
      { highWaterMark: 0 },
    );
  }
}
