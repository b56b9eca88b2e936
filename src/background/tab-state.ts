/**
 * What the popup shows for a tab: the site it is on (record, where the record came from, peer, RLDP version),
 * bytes transferred, and the last requests with the stage each reached and how long each stage took. Kept in
 * memory and mirrored to chrome.storage.session (debounced), so a restarted service worker still has it.
 * Bounded: MAX_REQUESTS per tab.
 */
import type { StageTiming } from '../net/gateway/index.ts';
import type { DnsRecordJson } from '../net/dns/index.ts';
import type { FailureStage } from './error-page.ts';

export const MAX_REQUESTS = 60;

export interface RequestEntry {
  id: number;
  method: string;
  url: string;
  resourceType: string;
  startedAt: number;
  status: number;
  bytes: number;
  stages: StageTiming[];
  totalMs: number | null;
  /** The stage the request failed at, with the message. */
  error: { stage: FailureStage; message: string; code?: string } | null;
}

export interface SiteSummary {
  host: string;
  kind: 'dns' | 'adnl' | 'bag';
  /** TON Storage sites: the bag id (hex); adnl/address are then of the first ready seeder ('' if none). */
  bagId: string | null;
  /** The site's ADNL address (55-char form) and UDP address. */
  adnl: string;
  address: string;
  rldpVersion: 1 | 2;
  /** The DNS site record (dns kind). */
  record: DnsRecordJson | null;
  /** Where the record came from. */
  resolution: {
    sources: string[];
    trust: string;
    /** Proven resolutions: the masterchain block the proofs were checked at, and where trust in it started. */
    block?: { seqno: number };
    anchor?: { source: string; seqno: number };
    /** Served from the extension's IndexedDB DNS cache. */
    cached: boolean;
    resolvedAt: number;
    hops: number;
    expiresAt: number | null;
  } | null;
  /** RLDP counters with this peer (whole service-worker lifetime). */
  rldp: { bytesIn: number; bytesOut: number; retransmits: number } | null;
}

export interface TabState {
  tabId: number;
  /** The TON URL of the tab's page. */
  url: string;
  host: string;
  site: SiteSummary | null;
  /** Body bytes served to this tab (since it was first attached). */
  bytes: number;
  requests: RequestEntry[];
  updatedAt: number;
}

const KEY_PREFIX = 'tab:';

export class TabStates {
  readonly #states = new Map<number, TabState>();
  readonly #dirty = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #seq = 0;

  constructor(readonly store: chrome.storage.StorageArea | null) {}

  async get(tabId: number): Promise<TabState | null> {
    const known = this.#states.get(tabId);
    if (known) return known;
    if (!this.store) return null;
    const key = KEY_PREFIX + tabId;
    const stored = (await this.store.get(key))[key] as TabState | undefined;
    // Another call may have loaded or created the tab's state while this one read the store (a new worker gets
    // the document's record, the popup's getState and the navigation at once): that object is the one kept, or
    // what was added to it would be lost when this copy replaced it.
    const raced = this.#states.get(tabId);
    if (raced) return raced;
    if (!stored || stored.tabId !== tabId || !Array.isArray(stored.requests)) return null;
    this.#states.set(tabId, stored);
    this.#seq = Math.max(this.#seq, ...stored.requests.map((r) => r.id));
    return stored;
  }

  async #state(tabId: number): Promise<TabState> {
    const existing = await this.get(tabId);
    if (existing) return existing;
    // (get() returned null without awaiting anything after its last look at #states, so none was set since.)
    const created: TabState = {
      tabId,
      url: '',
      host: '',
      site: null,
      bytes: 0,
      requests: [],
      updatedAt: Date.now(),
    };
    this.#states.set(tabId, created);
    return created;
  }

  /** The tab moved to a new TON page: keep the request log, forget the site when the host changed. */
  async navigated(tabId: number, url: string): Promise<void> {
    const state = await this.#state(tabId);
    const host = new URL(url).hostname;
    // The document's response (which sets the site) usually arrives before the navigation commits.
    if (state.site && state.site.host !== host) state.site = null;
    state.url = url;
    state.host = host;
    this.#touch(state);
  }

  async setSite(tabId: number, site: SiteSummary): Promise<void> {
    const state = await this.#state(tabId);
    state.site = site;
    this.#touch(state);
  }

  async addRequest(tabId: number, entry: Omit<RequestEntry, 'id'>): Promise<void> {
    const state = await this.#state(tabId);
    state.requests.push({ ...entry, id: ++this.#seq });
    if (state.requests.length > MAX_REQUESTS) state.requests.splice(0, state.requests.length - MAX_REQUESTS);
    state.bytes += entry.bytes;
    this.#touch(state);
  }

  async forget(tabId: number): Promise<void> {
    this.#states.delete(tabId);
    this.#dirty.delete(tabId);
    await this.store?.remove(KEY_PREFIX + tabId).catch(() => undefined);
  }

  #touch(state: TabState): void {
    state.updatedAt = Date.now();
    this.#dirty.add(state.tabId);
    this.#timer ??= setTimeout(() => void this.flush(), 300);
  }

  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.store || this.#dirty.size === 0) return;
    const items: Record<string, TabState> = {};
    for (const id of this.#dirty) {
      const s = this.#states.get(id);
      if (s) items[KEY_PREFIX + id] = s;
    }
    this.#dirty.clear();
    await this.store.set(items).catch(() => undefined);
  }
}
