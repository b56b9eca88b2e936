/**
 * chrome.debugger sessions on TON tabs (INTERCEPTION.md "built-in gateway"): attach, `Fetch.enable` at the Request
 * stage for the TON host patterns, `Target.setAutoAttach` (flatten) so cross-site iframes get their own child
 * session with Fetch enabled before they run, and detach. The set of attached tabs lives in
 * chrome.storage.session so a restarted service worker knows which tabs are ours; restore() checks each one.
 * chrome.debugger is used directly: webextension-polyfill does not wrap it.
 */

export type Debuggee = chrome.debugger.Debuggee & { sessionId?: string };

export interface FetchPattern {
  urlPattern: string;
  requestStage: 'Request';
}

export interface SessionHooks {
  /** Fetch patterns for the current settings. */
  patterns(): FetchPattern[];
  /** The attached set changed (the DNR exclusion list must follow). */
  changed(tabs: number[]): Promise<void>;
  /** A request paused in `source` (a tab, or a child session of one). */
  paused(source: Debuggee, params: unknown): void;
  /** A tab was detached (by us, the user's Cancel on the infobar, or the tab closing). */
  detached?(tabId: number, reason: string): void;
}

const PROTOCOL_VERSION = '1.3';
const STORE_KEY = 'attachedTabs';

/** `http://*.ton/*` and, for explicit ports, `http://*.ton:*` — for each served suffix. */
export function fetchPatterns(suffixes: string[]): FetchPattern[] {
  return suffixes.flatMap((s) => [
    { urlPattern: `http://*.${s}/*`, requestStage: 'Request' as const },
    { urlPattern: `http://*.${s}:*`, requestStage: 'Request' as const },
  ]);
}

function send(target: Debuggee, method: string, params?: Record<string, unknown>): Promise<unknown> {
  return chrome.debugger.sendCommand(target as chrome.debugger.DebuggerSession, method, params);
}

export class DebuggerSessions {
  readonly #hooks: SessionHooks;
  readonly #store: chrome.storage.StorageArea | null;
  readonly #attached = new Set<number>();
  readonly #attaching = new Map<number, Promise<void>>();
  /** Tabs we are detaching on purpose (their onDetach is expected). */
  readonly #detaching = new Set<number>();

  constructor(hooks: SessionHooks, store: chrome.storage.StorageArea | null) {
    this.#hooks = hooks;
    this.#store = store;
  }

  get tabs(): number[] {
    return [...this.#attached];
  }

  has(tabId: number): boolean {
    return this.#attached.has(tabId);
  }

  /** Attaches to `tabId` and enables interception; resolves once the DNR exclusion includes the tab. */
  attach(tabId: number): Promise<void> {
    if (this.#attached.has(tabId)) return Promise.resolve();
    let pending = this.#attaching.get(tabId);
    if (!pending) {
      pending = this.#attach(tabId).finally(() => this.#attaching.delete(tabId));
      this.#attaching.set(tabId, pending);
    }
    return pending;
  }

  async #attach(tabId: number): Promise<void> {
    const target: Debuggee = { tabId };
    try {
      await chrome.debugger.attach(target, PROTOCOL_VERSION);
    } catch (error) {
      // Attached already (e.g. by a previous instance of this worker whose state was lost): reuse it.
      if (!/already attached/i.test(String((error as Error)?.message ?? error))) throw error;
    }
    try {
      await this.#enable(target);
    } catch (error) {
      await chrome.debugger.detach(target).catch(() => undefined);
      throw error;
    }
    this.#attached.add(tabId);
    await this.#changed();
  }

  async #enable(target: Debuggee): Promise<void> {
    await send(target, 'Fetch.enable', { patterns: this.#hooks.patterns() });
    await send(target, 'Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: true,
    });
  }

  async detach(tabId: number): Promise<void> {
    if (!this.#attached.has(tabId)) return;
    this.#attached.delete(tabId);
    this.#detaching.add(tabId);
    try {
      await chrome.debugger.detach({ tabId }).catch(() => undefined);
    } finally {
      this.#detaching.delete(tabId);
    }
    this.#hooks.detached?.(tabId, 'gateway');
    await this.#changed();
  }

  async detachAll(): Promise<void> {
    await Promise.all(this.tabs.map((t) => this.detach(t)));
    await this.#changed();
  }

  /** chrome.debugger.onDetach: the user pressed Cancel on the infobar, the tab closed, or DevTools took over. */
  handleDetach(source: Debuggee, reason: string): void {
    const tabId = source.tabId;
    if (tabId === undefined || !this.#attached.has(tabId) || this.#detaching.has(tabId)) return;
    this.#attached.delete(tabId);
    this.#hooks.detached?.(tabId, reason);
    void this.#changed();
  }

  /** chrome.debugger.onEvent. */
  handleEvent(source: Debuggee, method: string, params: unknown): void {
    if (source.tabId === undefined) return;
    if (method === 'Fetch.requestPaused') {
      this.#hooks.paused(source, params);
    } else if (method === 'Target.attachedToTarget') {
      void this.#child(source.tabId, params as { sessionId: string; targetInfo: { type: string } });
    }
  }

  /** A new child target (cross-site iframe, worker): intercept its requests too, then let it run. */
  async #child(tabId: number, params: { sessionId: string; targetInfo: { type: string } }): Promise<void> {
    const child: Debuggee = { tabId, sessionId: params.sessionId };
    const type = params.targetInfo?.type;
    if (type === 'iframe' || type === 'page') {
      // Fetch.enable fails on worker targets: their fetches come through the page's session (INTERCEPTION.md).
      await this.#enable(child).catch(() => undefined);
    }
    await send(child, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
  }

  /** After a worker restart: keeps the tabs of the last instance whose sessions are still there. */
  async restore(): Promise<void> {
    if (!this.#store) return;
    const stored = ((await this.#store.get(STORE_KEY))[STORE_KEY] ?? []) as unknown;
    const tabs = Array.isArray(stored) ? stored.filter((t): t is number => Number.isInteger(t)) : [];
    await Promise.all(
      tabs.map(async (tabId) => {
        try {
          // Fails with "not attached" when the session did not survive.
          await this.#enable({ tabId });
          this.#attached.add(tabId);
        } catch {
          await chrome.debugger.detach({ tabId }).catch(() => undefined);
        }
      }),
    );
    await this.#changed();
  }

  async #changed(): Promise<void> {
    const tabs = this.tabs;
    await this.#store?.set({ [STORE_KEY]: tabs }).catch(() => undefined);
    await this.#hooks.changed(tabs);
  }
}
