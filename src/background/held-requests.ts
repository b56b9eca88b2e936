/**
 * Requests paused in `Fetch` that this worker is answering, kept in chrome.storage.session so that the next
 * instance can answer the ones a stopped worker left behind. Measured in Chromium with the worker stopped through
 * DevTools while a response was in flight (tests/e2e/worker-death.test.ts): the debugger session survives (the
 * tab stays attached) and Chromium keeps the request paused with no timeout (still pending after 15 s); the new
 * instance gets no new `Fetch.requestPaused` for it, and its `Fetch.enable` (sessions.ts restore) does not release
 * it; `Fetch.disable` does, to the network, where a TON host fails (`TypeError: Failed to fetch`). The request id
 * stays valid: `Fetch.failRequest` / `Fetch.fulfillRequest` from the new instance answer it. CDP has no command
 * that lists paused requests, hence this record.
 */
import type { PausedRequest } from './serve.ts';
import type { Debuggee } from './sessions.ts';

const STORE_KEY = 'heldRequests';
/** A request whose stored form would exceed this (headers, a body) is kept without them: it gets the error page. */
const MAX_STORED_CHARS = 16 * 1024;
/** At most this many are kept; beyond it the oldest are forgotten (they hang as before). */
const MAX_HELD = 256;

export interface HeldRequest {
  source: Debuggee;
  paused: PausedRequest;
  /** Safe to send again (GET/HEAD without a body, stored whole): the new worker serves it; else the error page. */
  replay: boolean;
}

function keyOf(source: Debuggee, requestId: string): string {
  return `${source.tabId}/${source.sessionId ?? ''}/${requestId}`;
}

function isHeld(value: unknown): value is HeldRequest {
  const v = value as HeldRequest | null;
  return (
    !!v &&
    typeof v === 'object' &&
    Number.isInteger(v.source?.tabId) &&
    (v.source.sessionId === undefined || typeof v.source.sessionId === 'string') &&
    typeof v.paused?.requestId === 'string' &&
    typeof v.paused.request?.url === 'string' &&
    typeof v.paused.request.method === 'string' &&
    typeof v.replay === 'boolean'
  );
}

/** What is stored of a paused request: all of it for a replayable one, else only what the error page needs. */
function stored(source: Debuggee, paused: PausedRequest): HeldRequest {
  const method = paused.request.method.toUpperCase();
  const bodiless = !paused.request.hasPostData && paused.request.postData === undefined;
  const whole: HeldRequest = {
    source: { tabId: source.tabId, ...(source.sessionId ? { sessionId: source.sessionId } : {}) },
    paused,
    replay: (method === 'GET' || method === 'HEAD') && bodiless,
  };
  if (whole.replay && JSON.stringify(whole).length <= MAX_STORED_CHARS) return whole;
  return {
    source: whole.source,
    paused: {
      requestId: paused.requestId,
      request: { url: paused.request.url.slice(0, 4096), method: paused.request.method, headers: {} },
      frameId: paused.frameId,
      resourceType: paused.resourceType,
    },
    replay: false,
  };
}

export class HeldRequests {
  readonly #store: chrome.storage.StorageArea | null;
  readonly #held = new Map<string, HeldRequest>();
  /** What the previous instance left, read once before this one writes anything (and held by this one now). */
  readonly #previous: Promise<HeldRequest[]>;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;

  constructor(store: chrome.storage.StorageArea | null) {
    this.#store = store;
    this.#previous = (async () => {
      if (!store) return [];
      const items: Record<string, unknown> = await store.get(STORE_KEY).catch(() => ({}));
      const value = items[STORE_KEY] ?? [];
      const left = Array.isArray(value) ? value.filter(isHeld).slice(-MAX_HELD) : [];
      // Kept in the stored set until answered, so a worker stopped again before that still finds them.
      for (const held of left) this.#held.set(keyOf(held.source, held.paused.requestId), held);
      return left;
    })();
  }

  /** The requests a stopped instance was answering (once; later calls get none). */
  async previous(): Promise<HeldRequest[]> {
    return (await this.#previous).splice(0);
  }

  /** A request is being answered; resolves once that is stored. */
  async add(source: Debuggee, paused: PausedRequest): Promise<void> {
    await this.#previous;
    this.#held.set(keyOf(source, paused.requestId), stored(source, paused));
    while (this.#held.size > MAX_HELD) this.#held.delete(this.#held.keys().next().value!);
    await this.#save();
  }

  /** The request was answered (or could not be). */
  async done(source: Debuggee, requestId: string): Promise<void> {
    await this.#previous;
    if (this.#held.delete(keyOf(source, requestId))) await this.#save();
  }

  /** Everything of a detached tab: Chromium let its paused requests go with the session. */
  async forgetTab(tabId: number): Promise<void> {
    await this.#previous;
    let changed = false;
    for (const [key, held] of this.#held) {
      if (held.source.tabId !== tabId) continue;
      this.#held.delete(key);
      changed = true;
    }
    if (changed) await this.#save();
  }

  /** Writes the current set; writes are serialized and coalesced (the last one carries every change). */
  #save(): Promise<void> {
    if (!this.#store) return Promise.resolve();
    this.#dirty = true;
    const store = this.#store;
    this.#writing = this.#writing.then(async () => {
      if (!this.#dirty) return;
      this.#dirty = false;
      await store.set({ [STORE_KEY]: [...this.#held.values()] }).catch(() => undefined);
    });
    return this.#writing;
  }
}
