/**
 * Which of the configured bridges to use, and in what order to fall back: measured (probe.ts) and corrected by
 * what happens in use. Pure logic over an injected probe and clock, so the unit tests drive it without sockets.
 *
 * Order (order()): bridges whose last probe answered healthy and that have not failed since, fastest first;
 * then bridges not measured yet; then the ones that failed or answered unhealthy, the oldest failure first. The
 * configured order breaks every tie. A failure in use (failed()) demotes a bridge at once; a later healthy probe
 * or a success in use (succeeded()) promotes it again, and after `penaltyMs` it is measured again.
 */
import type { BridgeProbe } from './probe.ts';

export interface BridgeSelectorOptions {
  /** Measures one bridge; must settle (its own timeout) and never reject. */
  probe: (url: string) => Promise<BridgeProbe>;
  /** Clock (ms); Date.now by default. */
  now?: () => number;
  /** Measurements older than this are made again before choosing (default 5 min). */
  maxAgeMs?: number;
  /** A bridge that failed in use is measured again after this long (default 30 s). */
  penaltyMs?: number;
}

/** What the popup and the first-run page show about one bridge. */
export interface BridgeState {
  url: string;
  /** The last measurement (null: never measured). */
  probe: BridgeProbe | null;
  /** When it last failed in use (ms), null if never or if it worked since. */
  failedAt: number | null;
  lastError: string | null;
  /** The bridge carrying traffic now. */
  inUse: boolean;
}

interface Entry {
  url: string;
  index: number;
  probe: BridgeProbe | null;
  failedAt: number | null;
  lastError: string | null;
}

export class BridgeSelector {
  readonly urls: readonly string[];
  readonly #entries: Entry[];
  readonly #probe: (url: string) => Promise<BridgeProbe>;
  readonly #now: () => number;
  readonly #maxAgeMs: number;
  readonly #penaltyMs: number;
  /** Probes under way, per bridge. */
  readonly #inflight = new Map<Entry, Promise<BridgeProbe>>();
  #inUse: string | null = null;

  constructor(urls: readonly string[], options: BridgeSelectorOptions) {
    if (urls.length === 0) throw new Error('no bridge configured');
    this.urls = [...new Set(urls)];
    this.#entries = this.urls.map((url, index) => ({
      url,
      index,
      probe: null,
      failedAt: null,
      lastError: null,
    }));
    this.#probe = options.probe;
    this.#now = options.now ?? Date.now;
    this.#maxAgeMs = options.maxAgeMs ?? 5 * 60_000;
    this.#penaltyMs = options.penaltyMs ?? 30_000;
  }

  /** The bridge that carries traffic now (the last one that worked in use), or null. */
  get inUse(): string | null {
    return this.#inUse;
  }

  /**
   * Measures every bridge in parallel; a bridge being measured already is not probed twice (concurrent callers
   * share its probe). Resolves with all results once every probe settled.
   */
  measure(): Promise<BridgeProbe[]> {
    return Promise.all(this.#measureEntries(this.#entries));
  }

  #measureEntries(entries: Entry[]): Promise<BridgeProbe>[] {
    return entries.map((e) => {
      let probe = this.#inflight.get(e);
      if (!probe) {
        probe = this.#measureOne(e).finally(() => this.#inflight.delete(e));
        this.#inflight.set(e, probe);
      }
      return probe;
    });
  }

  async #measureOne(entry: Entry): Promise<BridgeProbe> {
    let probe: BridgeProbe;
    try {
      probe = await this.#probe(entry.url);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      probe = { url: entry.url, ok: false, latencyMs: null, via: null, health: null, error: message };
    }
    this.#record(entry, probe);
    return probe;
  }

  #record(entry: Entry, probe: BridgeProbe): void {
    entry.probe = { ...probe, at: this.#now() };
    if (probe.ok) {
      entry.failedAt = null;
      entry.lastError = null;
    } else {
      // Measured again after penaltyMs, like a failure in use.
      entry.failedAt = this.#now();
      entry.lastError = probe.error;
    }
  }

  /** The order to try the bridges in now, without measuring (see the file comment). */
  orderNow(): string[] {
    const now = this.#now();
    const rank = (e: Entry): number => {
      if (e.failedAt !== null) return 2;
      if (!e.probe) return 1;
      return e.probe.ok ? 0 : 2;
    };
    const failedSince = (e: Entry): number => e.failedAt ?? e.probe?.at ?? now;
    return [...this.#entries]
      .sort((a, b) => {
        const ra = rank(a);
        const rb = rank(b);
        if (ra !== rb) return ra - rb;
        if (ra === 0) {
          const la = a.probe!.latencyMs ?? Infinity;
          const lb = b.probe!.latencyMs ?? Infinity;
          if (la !== lb) return la - lb;
        }
        if (ra === 2) {
          const d = failedSince(a) - failedSince(b);
          if (d !== 0) return d;
        }
        return a.index - b.index;
      })
      .map((e) => e.url);
  }

  /** Whether a bridge's state is too old to choose by: never measured, measured long ago, or failed a while ago. */
  #stale(e: Entry): boolean {
    const now = this.#now();
    if (e.failedAt !== null) return now - e.failedAt >= this.#penaltyMs;
    const at = e.probe?.at;
    return at === undefined || now - at >= this.#maxAgeMs;
  }

  /**
   * The order to try the bridges in, measuring the stale ones first. Does not wait for slow bridges: it resolves
   * as soon as one bridge answered healthy (the parallel probes finish in order of their latency, so the first
   * healthy answer is the fastest bridge) or every probe settled.
   */
  async order(): Promise<string[]> {
    const stale = this.#entries.filter((e) => this.#stale(e));
    if (stale.length > 0) {
      const each = this.#measureEntries(stale);
      await new Promise<void>((resolve) => {
        let left = each.length;
        for (const probe of each) {
          void probe.then((p) => {
            left -= 1;
            if (p.ok || left === 0) resolve();
          });
        }
      });
    }
    return this.orderNow();
  }

  /** A connection through `url` worked: it is the bridge in use. */
  succeeded(url: string): void {
    const e = this.#entry(url);
    if (!e) return;
    e.failedAt = null;
    e.lastError = null;
    this.#inUse = url;
  }

  /** A connection through `url` failed or broke: demote it until it answers again. */
  failed(url: string, error: unknown): void {
    const e = this.#entry(url);
    if (!e) return;
    e.failedAt = this.#now();
    e.lastError = error instanceof Error ? error.message : String(error);
    if (this.#inUse === url) this.#inUse = null;
  }

  /**
   * Runs `open` on each bridge in order() until one works; records each outcome. Rejects with the last error
   * when none works.
   */
  async use<T>(open: (url: string) => Promise<T>): Promise<[T, string]> {
    let lastError: unknown = new Error('no bridge configured');
    for (const url of await this.order()) {
      try {
        const value = await open(url);
        this.succeeded(url);
        return [value, url];
      } catch (error) {
        this.failed(url, error);
        lastError = error;
      }
    }
    throw lastError;
  }

  /** Every bridge in order(), as the UI shows them. */
  states(): BridgeState[] {
    return this.orderNow().map((url) => {
      const e = this.#entry(url)!;
      return {
        url,
        probe: e.probe,
        failedAt: e.failedAt,
        lastError: e.lastError,
        inUse: this.#inUse === url,
      };
    });
  }

  #entry(url: string): Entry | undefined {
    return this.#entries.find((e) => e.url === url);
  }
}
