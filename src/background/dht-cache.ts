/**
 * DHT value cache of the extension, in IndexedDB (through `idb`) so resolved addresses survive service-worker
 * restarts. Holds boxed dht.value bytes until their ttl; the DhtClient re-verifies every entry it reads
 * (src/net/dht/cache.ts), so nothing here is trusted. Bounded: beyond `maxEntries` the entries expiring
 * soonest are evicted.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DhtCache, DhtCacheEntry } from '../net/dht/index.ts';

const DB_NAME = 'tonsite-dht';
const DB_VERSION = 1;
const STORE = 'values';

interface DhtCacheDb extends DBSchema {
  values: { key: string; value: DhtCacheEntry; indexes: { expiresAt: number } };
}

export class IdbDhtCache implements DhtCache {
  readonly #maxEntries: number;
  readonly #now: () => number;
  #db: Promise<IDBPDatabase<DhtCacheDb>> | undefined;

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = opts.maxEntries ?? 2048;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  #open(): Promise<IDBPDatabase<DhtCacheDb>> {
    this.#db ??= openDB<DhtCacheDb>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE).createIndex('expiresAt', 'expiresAt');
        }
      },
    });
    return this.#db;
  }

  async get(keyIdHex: string): Promise<DhtCacheEntry | undefined> {
    const db = await this.#open();
    const entry = await db.get(STORE, keyIdHex);
    if (!entry) return undefined;
    if (
      !(entry.value instanceof Uint8Array) ||
      typeof entry.expiresAt !== 'number' ||
      entry.expiresAt < this.#now()
    ) {
      await db.delete(STORE, keyIdHex);
      return undefined;
    }
    return entry;
  }

  async set(keyIdHex: string, entry: DhtCacheEntry): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    await tx.store.put({ value: entry.value.slice(), expiresAt: entry.expiresAt }, keyIdHex);
    let excess = (await tx.store.count()) - this.#maxEntries;
    if (excess > 0) {
      let cursor = await tx.store.index('expiresAt').openCursor();
      while (cursor && excess > 0) {
        await cursor.delete();
        excess--;
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  }

  async delete(keyIdHex: string): Promise<void> {
    await (await this.#open()).delete(STORE, keyIdHex);
  }

  /** Removes every expired entry (call now and then, e.g. on service-worker start). */
  async prune(): Promise<number> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    let removed = 0;
    let cursor = await tx.store.index('expiresAt').openCursor(IDBKeyRange.upperBound(this.#now(), true));
    while (cursor) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return removed;
  }
}
