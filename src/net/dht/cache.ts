/**
 * Cache of DHT values until their TTL. Entries hold the boxed dht.value bytes; a reader re-verifies them
 * (signatures, ttl) before use, so a store that outlives a process (IndexedDB in the extension,
 * src/background/dht-cache.ts) is never trusted blindly.
 */
export interface DhtCacheEntry {
  /** Boxed dht.value. */
  value: Uint8Array;
  /** Unix time (seconds) after which the entry is useless (the value's ttl). */
  expiresAt: number;
}

export interface DhtCache {
  get(keyIdHex: string): Promise<DhtCacheEntry | undefined>;
  set(keyIdHex: string, entry: DhtCacheEntry): Promise<void>;
  delete(keyIdHex: string): Promise<void>;
}

/** In-memory cache with a bound on the number of entries (least recently used goes first). */
export class MemoryDhtCache implements DhtCache {
  readonly #entries = new Map<string, DhtCacheEntry>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(opts: { maxEntries?: number; now?: () => number } = {}) {
    this.#maxEntries = opts.maxEntries ?? 1024;
    this.#now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  }

  get size(): number {
    return this.#entries.size;
  }

  async get(keyIdHex: string): Promise<DhtCacheEntry | undefined> {
    const entry = this.#entries.get(keyIdHex);
    if (!entry) return undefined;
    this.#entries.delete(keyIdHex);
    if (entry.expiresAt < this.#now()) return undefined;
    this.#entries.set(keyIdHex, entry); // most recently used last
    return entry;
  }

  async set(keyIdHex: string, entry: DhtCacheEntry): Promise<void> {
    this.#entries.delete(keyIdHex);
    this.#entries.set(keyIdHex, { value: entry.value.slice(), expiresAt: entry.expiresAt });
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  async delete(keyIdHex: string): Promise<void> {
    this.#entries.delete(keyIdHex);
  }
}
