/**
 * The DNS answer cache of the extension, in IndexedDB (through `idb`), so a resolved name survives
 * service-worker restarts. It is the storage behind CachingResolver (src/net/dns/cache.ts), which decides what
 * is kept and for how long (positive answers up to 5 min and never past the domain's expiry, "not registered" /
 * "no record" / "expired" for 30 s). Entries are the JSON forms of src/net/dns/json.ts. Bounded: beyond
 * `maxEntries` the entries expiring soonest are evicted; stale entries are dropped when read and by prune().
 *
 *   new CachingResolver(resolver, new IdbDnsCacheStore())
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { DnsCacheEntry, DnsCacheStore } from '../net/dns/index.ts';

const DB_NAME = 'tonsite-dns';
const DB_VERSION = 1;
const STORE = 'answers';

interface DnsCacheDb extends DBSchema {
  answers: { key: string; value: DnsCacheEntry; indexes: { expiresAt: number } };
}

export class IdbDnsCacheStore implements DnsCacheStore {
  readonly #maxEntries: number;
  readonly #now: () => number;
  #db: Promise<IDBPDatabase<DnsCacheDb>> | undefined;

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = opts.maxEntries ?? 1000;
    this.#now = opts.now ?? Date.now;
  }

  #open(): Promise<IDBPDatabase<DnsCacheDb>> {
    this.#db ??= openDB<DnsCacheDb>(DB_NAME, DB_VERSION, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(STORE)) {
          db.createObjectStore(STORE).createIndex('expiresAt', 'expiresAt');
        }
      },
    });
    return this.#db;
  }

  async get(key: string): Promise<DnsCacheEntry | undefined> {
    const db = await this.#open();
    const entry = await db.get(STORE, key);
    if (!entry) return undefined;
    if (
      typeof entry.expiresAt !== 'number' ||
      entry.expiresAt <= this.#now() ||
      typeof entry.value !== 'object'
    ) {
      await db.delete(STORE, key);
      return undefined;
    }
    return entry;
  }

  async set(key: string, entry: DnsCacheEntry): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    await tx.store.put(entry, key);
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

  async delete(key: string): Promise<void> {
    await (await this.#open()).delete(STORE, key);
  }

  async clear(): Promise<void> {
    await (await this.#open()).clear(STORE);
  }

  /** Removes every expired entry (e.g. on service-worker start). */
  async prune(): Promise<number> {
    const db = await this.#open();
    const tx = db.transaction(STORE, 'readwrite');
    let removed = 0;
    let cursor = await tx.store.index('expiresAt').openCursor(IDBKeyRange.upperBound(this.#now()));
    while (cursor) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return removed;
  }
}
