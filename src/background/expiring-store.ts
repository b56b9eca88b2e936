/**
 * One IndexedDB object store (through `idb`) of entries that carry an `expiresAt`, bounded in count: beyond
 * `maxEntries` the entries expiring soonest are evicted; entries that are no longer live are dropped when read
 * and by prune(). The DNS and DHT caches of the extension are both this, with their own entry types.
 */
import { openDB, type IDBPDatabase } from 'idb';

export interface ExpiringEntry {
  expiresAt: number;
}

export interface ExpiringStoreOptions<E extends ExpiringEntry> {
  dbName: string;
  storeName: string;
  maxEntries: number;
  now: () => number;
  /** Whether a stored entry is still usable at `now` (checks its shape too: IndexedDB contents are not trusted). */
  isLive(entry: E, now: number): boolean;
  /** Whether an entry with expiresAt === now is already expired (prune() uses the same rule as isLive). */
  expiredAtNow: boolean;
}

export class IdbExpiringStore<E extends ExpiringEntry> {
  readonly #opts: ExpiringStoreOptions<E>;
  #db: Promise<IDBPDatabase> | undefined;

  constructor(opts: ExpiringStoreOptions<E>) {
    this.#opts = opts;
  }

  #open(): Promise<IDBPDatabase> {
    const store = this.#opts.storeName;
    this.#db ??= openDB(this.#opts.dbName, 1, {
      upgrade(db) {
        if (!db.objectStoreNames.contains(store))
          db.createObjectStore(store).createIndex('expiresAt', 'expiresAt');
      },
    });
    return this.#db;
  }

  async get(key: string): Promise<E | undefined> {
    const db = await this.#open();
    const entry = (await db.get(this.#opts.storeName, key)) as E | undefined;
    if (!entry) return undefined;
    if (!this.#opts.isLive(entry, this.#opts.now())) {
      await db.delete(this.#opts.storeName, key);
      return undefined;
    }
    return entry;
  }

  async set(key: string, entry: E): Promise<void> {
    const db = await this.#open();
    const tx = db.transaction(this.#opts.storeName, 'readwrite');
    await tx.store.put(entry, key);
    let excess = (await tx.store.count()) - this.#opts.maxEntries;
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
    await (await this.#open()).delete(this.#opts.storeName, key);
  }

  async clear(): Promise<void> {
    await (await this.#open()).clear(this.#opts.storeName);
  }

  /** Removes every expired entry (e.g. on service-worker start); returns how many. */
  async prune(): Promise<number> {
    const db = await this.#open();
    const tx = db.transaction(this.#opts.storeName, 'readwrite');
    const bound = IDBKeyRange.upperBound(this.#opts.now(), !this.#opts.expiredAtNow);
    let removed = 0;
    let cursor = await tx.store.index('expiresAt').openCursor(bound);
    while (cursor) {
      await cursor.delete();
      removed++;
      cursor = await cursor.continue();
    }
    await tx.done;
    return removed;
  }
}
