/**
 * DHT value cache of the extension, in IndexedDB (through `idb`) so resolved addresses survive service-worker
 * restarts. Holds boxed dht.value bytes until their ttl (unix seconds); the DhtClient re-verifies every entry it
 * reads (src/net/dht/cache.ts), so nothing here is trusted. Bounded: beyond `maxEntries` the entries expiring
 * soonest are evicted.
 */
import type { DhtCache, DhtCacheEntry } from '../net/dht/index.ts';
import { IdbExpiringStore } from './expiring-store.ts';

export class IdbDhtCache implements DhtCache {
  readonly #store: IdbExpiringStore<DhtCacheEntry>;

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#store = new IdbExpiringStore<DhtCacheEntry>({
      dbName: 'tonsite-dht',
      storeName: 'values',
      maxEntries: opts.maxEntries ?? 2048,
      now: opts.now ?? (() => Math.floor(Date.now() / 1000)),
      // A value is good through its ttl second.
      isLive: (e, now) =>
        e.value instanceof Uint8Array && typeof e.expiresAt === 'number' && e.expiresAt >= now,
      expiredAtNow: false,
    });
  }

  get(keyIdHex: string): Promise<DhtCacheEntry | undefined> {
    return this.#store.get(keyIdHex);
  }

  set(keyIdHex: string, entry: DhtCacheEntry): Promise<void> {
    return this.#store.set(keyIdHex, { value: entry.value.slice(), expiresAt: entry.expiresAt });
  }

  delete(keyIdHex: string): Promise<void> {
    return this.#store.delete(keyIdHex);
  }

  /** Removes every expired entry (call now and then, e.g. on service-worker start). */
  prune(): Promise<number> {
    return this.#store.prune();
  }
}
