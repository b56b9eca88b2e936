/**
 * Caching in front of any resolver, over a small storage interface (in memory here and in Node; IndexedDB in
 * the service worker: src/background/dns-cache.ts).
 *
 * TON DNS records carry no TTL: a record holds until its owner changes it, and at the latest until the domain
 * expires (last renewal + 1 year). So a positive answer is kept for `positiveTtl` (default 5 min, like a common
 * web DNS TTL) but never past the domain's expiry; "not registered", "expired" and "no such record" are kept for
 * `negativeTtl` (default 30 s). Failures (resolver errors, disagreements, unreachable sources) are not cached.
 */
import { DnsError } from './errors.ts';
import { encodeDnsName, normalizeDnsName } from './name.ts';
import {
  cachedErrorFromJson,
  errorToJson,
  resolutionFromJson,
  resolutionToJson,
  type DnsErrorJson,
  type DnsResolutionJson,
} from './json.ts';
import type { DnsResolution } from './resolution.ts';
import type { DnsResolver } from './resolver.ts';
import { DEFAULT_NEGATIVE_TTL_SECONDS, DEFAULT_POSITIVE_TTL_SECONDS } from './limits.ts';

export interface DnsCacheEntry {
  /** Unix milliseconds after which the entry is stale. */
  expiresAt: number;
  value: { ok: true; resolution: DnsResolutionJson } | { ok: false; error: DnsErrorJson };
}

export interface DnsCacheStore {
  get(key: string): Promise<DnsCacheEntry | undefined>;
  set(key: string, entry: DnsCacheEntry): Promise<void>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

/** Bounded in-memory store: the oldest insertion goes first when full. */
export class MemoryDnsCacheStore implements DnsCacheStore {
  readonly #entries = new Map<string, DnsCacheEntry>();

  constructor(readonly maxEntries = 1000) {}

  async get(key: string): Promise<DnsCacheEntry | undefined> {
    return this.#entries.get(key);
  }

  async set(key: string, entry: DnsCacheEntry): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<void> {
    this.#entries.delete(key);
  }

  async clear(): Promise<void> {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

export interface DnsCachePolicy {
  positiveTtlSeconds?: number;
  negativeTtlSeconds?: number;
  /** Unix milliseconds; injectable for tests. */
  now?: () => number;
}

/** Cache key: the internal form of the name (so `Alice.TON.` and `alice.ton` share it) and the category. */
export function dnsCacheKey(name: string, category: bigint): string {
  const internal = encodeDnsName(normalizeDnsName(name));
  let hex = '';
  for (const b of internal) hex += b.toString(16).padStart(2, '0');
  return `${hex}/${category.toString(16)}`;
}

export class CachingResolver implements DnsResolver {
  readonly #positiveMs: number;
  readonly #negativeMs: number;
  readonly #now: () => number;

  constructor(
    readonly inner: DnsResolver,
    readonly store: DnsCacheStore,
    policy: DnsCachePolicy = {},
  ) {
    this.#positiveMs = (policy.positiveTtlSeconds ?? DEFAULT_POSITIVE_TTL_SECONDS) * 1000;
    this.#negativeMs = (policy.negativeTtlSeconds ?? DEFAULT_NEGATIVE_TTL_SECONDS) * 1000;
    this.#now = policy.now ?? Date.now;
  }

  async resolve(name: string, category: bigint): Promise<DnsResolution> {
    const key = dnsCacheKey(name, category);
    const now = this.#now();
    const entry = await this.store.get(key).catch(() => undefined);
    if (entry && entry.expiresAt > now) {
      const hit = this.#fromEntry(entry);
      if (hit instanceof DnsError) throw hit;
      if (hit) return hit;
    }
    try {
      const resolution = await this.inner.resolve(name, category);
      let until = now + this.#positiveMs;
      if (resolution.expiresAt !== null) until = Math.min(until, resolution.expiresAt * 1000);
      if (until > now) {
        await this.store
          .set(key, { expiresAt: until, value: { ok: true, resolution: resolutionToJson(resolution) } })
          .catch(() => undefined);
      }
      return resolution;
    } catch (error) {
      if (error instanceof DnsError && ['not_registered', 'expired', 'no_record'].includes(error.code)) {
        await this.store
          .set(key, { expiresAt: now + this.#negativeMs, value: { ok: false, error: errorToJson(error) } })
          .catch(() => undefined);
      }
      throw error;
    }
  }

  /** Cached resolution, cached negative answer (as the error), or undefined when the entry is unreadable. */
  #fromEntry(entry: DnsCacheEntry): DnsResolution | DnsError | undefined {
    try {
      if (entry.value.ok) return { ...resolutionFromJson(entry.value.resolution), cached: true };
      return cachedErrorFromJson(entry.value.error) ?? undefined;
    } catch {
      return undefined;
    }
  }
}
