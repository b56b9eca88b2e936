/**
 * The DNS answer cache of the extension, in IndexedDB (through `idb`), so a resolved name survives
 * service-worker restarts. It is the storage behind CachingResolver (src/net/dns/cache.ts), which decides what
 * is kept and for how long (positive answers up to 5 min and never past the domain's expiry, "not registered" /
 * "no record" / "expired" for 30 s). Entries are the JSON forms of src/net/dns/json.ts. Bounded: beyond
 * `maxEntries` the entries expiring soonest are evicted; stale entries are dropped when read and by prune().
 *
 *   new CachingResolver(resolver, new IdbDnsCacheStore())
 */
import type { DnsCacheEntry, DnsCacheStore } from '../net/dns/index.ts';
import { IdbExpiringStore } from './expiring-store.ts';

export class IdbDnsCacheStore implements DnsCacheStore {
  readonly #store: IdbExpiringStore<DnsCacheEntry>;
  readonly #prefix: string;

  /**
   * `namespace`: answers of different trust models never serve each other (the stack passes its DNS verification
   * mode, so an answer cached while relaxed to cross-checking is not served once proofs are required again).
   */
  constructor(opts: { maxEntries?: number; now?: () => number; namespace?: string } = {}) {
    this.#prefix = opts.namespace ? `${opts.namespace}:` : '';
    this.#store = new IdbExpiringStore<DnsCacheEntry>({
      dbName: 'tonsite-dns',
      storeName: 'answers',
      maxEntries: opts.maxEntries ?? 1000,
      now: opts.now ?? Date.now,
      // expiresAt is in ms and exclusive: an answer is gone at that instant.
      isLive: (e, now) => typeof e.expiresAt === 'number' && e.expiresAt > now && typeof e.value === 'object',
      expiredAtNow: true,
    });
  }

  get(key: string): Promise<DnsCacheEntry | undefined> {
    return this.#store.get(this.#prefix + key);
  }

  set(key: string, entry: DnsCacheEntry): Promise<void> {
    return this.#store.set(this.#prefix + key, entry);
  }

  delete(key: string): Promise<void> {
    return this.#store.delete(this.#prefix + key);
  }

  clear(): Promise<void> {
    return this.#store.clear();
  }

  /** Removes every expired entry (e.g. on service-worker start). */
  prune(): Promise<number> {
    return this.#store.prune();
  }
}
