/**
 * TON Storage piece cache of the extension (the PieceCache of src/net/storage), in IndexedDB through `idb`, so a
 * bag site read once opens again after a service-worker restart and with its seeders gone. Nothing here is
 * trusted: OpenBag re-hashes a torrent info against its bag id and re-verifies each piece against its Merkle proof
 * when it reads them back. Bounded: beyond `maxBytes` of piece data and proofs, the least recently used pieces go.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CachedPiece, PieceCache } from '../net/storage/index.ts';

const DB_NAME = 'tonsite-storage';
const DB_VERSION = 1;
/** Reading a piece refreshes its use time at most this often (a read should rarely cost a write). */
const TOUCH_AFTER_MS = 60_000;

interface StoredPiece {
  data: Uint8Array;
  proof: Uint8Array;
  size: number;
  usedAt: number;
}

interface PieceCacheDb extends DBSchema {
  pieces: { key: string; value: StoredPiece; indexes: { usedAt: number } };
  infos: { key: string; value: Uint8Array };
  meta: { key: string; value: number };
}

const BYTES_KEY = 'bytes';

export class IdbPieceCache implements PieceCache {
  readonly maxBytes: number;
  readonly #now: () => number;
  #db: Promise<IDBPDatabase<PieceCacheDb>> | undefined;

  constructor(opts: { maxBytes?: number; now?: () => number } = {}) {
    this.maxBytes = opts.maxBytes ?? 128 << 20;
    this.#now = opts.now ?? Date.now;
  }

  #open(): Promise<IDBPDatabase<PieceCacheDb>> {
    this.#db ??= openDB<PieceCacheDb>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        if (!db.objectStoreNames.contains('pieces'))
          db.createObjectStore('pieces').createIndex('usedAt', 'usedAt');
        if (!db.objectStoreNames.contains('infos')) db.createObjectStore('infos');
        if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
      },
    });
    return this.#db;
  }

  async getPiece(bagIdHex: string, index: number): Promise<CachedPiece | undefined> {
    const db = await this.#open();
    const key = `${bagIdHex}:${index}`;
    const stored = await db.get('pieces', key);
    if (!stored || !(stored.data instanceof Uint8Array) || !(stored.proof instanceof Uint8Array))
      return undefined;
    const now = this.#now();
    if (now - stored.usedAt > TOUCH_AFTER_MS) {
      await db.put('pieces', { ...stored, usedAt: now }, key).catch(() => undefined);
    }
    return { data: stored.data, proof: stored.proof };
  }

  async putPiece(bagIdHex: string, index: number, piece: CachedPiece): Promise<void> {
    const size = piece.data.length + piece.proof.length;
    if (size > this.maxBytes) return;
    const db = await this.#open();
    const key = `${bagIdHex}:${index}`;
    const tx = db.transaction(['pieces', 'meta'], 'readwrite');
    const pieces = tx.objectStore('pieces');
    const meta = tx.objectStore('meta');
    let bytes = (await meta.get(BYTES_KEY)) ?? 0;
    const old = await pieces.get(key);
    if (old) bytes -= old.size;
    await pieces.put(
      { data: piece.data.slice(), proof: piece.proof.slice(), size, usedAt: this.#now() },
      key,
    );
    bytes += size;
    if (bytes > this.maxBytes) {
      let cursor = await pieces.index('usedAt').openCursor();
      while (cursor && bytes > this.maxBytes) {
        if (cursor.primaryKey !== key) {
          bytes -= cursor.value.size;
          await cursor.delete();
        }
        cursor = await cursor.continue();
      }
    }
    await meta.put(Math.max(0, bytes), BYTES_KEY);
    await tx.done;
  }

  async getInfo(bagIdHex: string): Promise<Uint8Array | undefined> {
    const boc = await (await this.#open()).get('infos', bagIdHex);
    return boc instanceof Uint8Array ? boc : undefined;
  }

  async putInfo(bagIdHex: string, boc: Uint8Array): Promise<void> {
    await (await this.#open()).put('infos', boc.slice(), bagIdHex);
  }

  /** Forgets every piece and torrent info (the popup/options "clear" action). */
  async clear(): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(['pieces', 'infos', 'meta'], 'readwrite');
    await Promise.all([
      tx.objectStore('pieces').clear(),
      tx.objectStore('infos').clear(),
      tx.objectStore('meta').clear(),
    ]);
    await tx.done;
  }

  /** Pieces and bytes held (diagnostics). */
  async stats(): Promise<{ pieces: number; bytes: number; bags: number; maxBytes: number }> {
    const db = await this.#open();
    return {
      pieces: await db.count('pieces'),
      bytes: (await db.get('meta', BYTES_KEY)) ?? 0,
      bags: await db.count('infos'),
      maxBytes: this.maxBytes,
    };
  }
}
