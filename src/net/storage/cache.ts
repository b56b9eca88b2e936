/**
 * Where verified pieces and torrent infos are kept so a bag can be read again with its seeders gone. The cache is
 * not trusted: a torrent info is re-hashed against the bag id and every piece re-verified against its proof
 * whenever it is read back (OpenBag does it), so a tampered store can only cause misses.
 * MemoryPieceCache is the in-process implementation (CLI, tests); the extension keeps pieces in IndexedDB
 * (src/background/piece-cache.ts) behind the same interface.
 */

export interface CachedPiece {
  data: Uint8Array;
  /** The BoC of the piece's Merkle proof, as received. */
  proof: Uint8Array;
}

export interface PieceCache {
  getPiece(bagIdHex: string, index: number): Promise<CachedPiece | undefined>;
  putPiece(bagIdHex: string, index: number, piece: CachedPiece): Promise<void>;
  /** The TorrentInfo BoC of a bag. */
  getInfo(bagIdHex: string): Promise<Uint8Array | undefined>;
  putInfo(bagIdHex: string, boc: Uint8Array): Promise<void>;
}

export interface PieceCacheStats {
  /** Pieces held. */
  pieces: number;
  /** Bytes of piece data and proofs held. */
  bytes: number;
  /** Bags with a cached torrent info. */
  bags: number;
  maxBytes: number;
}

/** In-memory PieceCache, least recently used pieces evicted beyond `maxBytes` (default 64 MiB). */
export class MemoryPieceCache implements PieceCache {
  readonly maxBytes: number;
  readonly #pieces = new Map<string, CachedPiece>();
  readonly #infos = new Map<string, Uint8Array>();
  #bytes = 0;

  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? 64 << 20;
  }

  async getPiece(bagIdHex: string, index: number): Promise<CachedPiece | undefined> {
    const key = `${bagIdHex}:${index}`;
    const piece = this.#pieces.get(key);
    if (!piece) return undefined;
    this.#pieces.delete(key);
    this.#pieces.set(key, piece);
    return piece;
  }

  async putPiece(bagIdHex: string, index: number, piece: CachedPiece): Promise<void> {
    const size = piece.data.length + piece.proof.length;
    if (size > this.maxBytes) return;
    const key = `${bagIdHex}:${index}`;
    const old = this.#pieces.get(key);
    if (old) {
      this.#bytes -= old.data.length + old.proof.length;
      this.#pieces.delete(key);
    }
    this.#pieces.set(key, { data: piece.data.slice(), proof: piece.proof.slice() });
    this.#bytes += size;
    for (const [k, p] of this.#pieces) {
      if (this.#bytes <= this.maxBytes) break;
      this.#pieces.delete(k);
      this.#bytes -= p.data.length + p.proof.length;
    }
  }

  async getInfo(bagIdHex: string): Promise<Uint8Array | undefined> {
    return this.#infos.get(bagIdHex);
  }

  async putInfo(bagIdHex: string, boc: Uint8Array): Promise<void> {
    this.#infos.set(bagIdHex, boc.slice());
  }

  async stats(): Promise<PieceCacheStats> {
    return { pieces: this.#pieces.size, bytes: this.#bytes, bags: this.#infos.size, maxBytes: this.maxBytes };
  }

  async clear(): Promise<void> {
    this.#pieces.clear();
    this.#infos.clear();
    this.#bytes = 0;
  }
}
