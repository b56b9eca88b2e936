/**
 * The service worker's state and behaviour, behind the listeners index.ts registers: settings, the TON stack,
 * the debugger sessions and the DNR/PAC rules that follow them, per-tab diagnostics, and the keep-alive that
 * runs only while TON tabs are attached. After a worker restart start() rebuilds everything from storage
 * (settings in IndexedDB, attached tabs and tab diagnostics in chrome.storage.session, DNR session rules in the
 * browser); connections are made again lazily by the next request.
 */
import {
  errorToJson,
  DnsError,
  normalizeDnsName,
  DNS_CATEGORY_SITE,
  recordToJson,
  resolutionToJson,
} from '../net/dns/index.ts';
import type { GatewayRequestLog, GatewayResponse } from '../net/gateway/index.ts';
import { createBridgeSelector, type BridgeSelector } from './bridges/index.ts';
import type {
  BridgesReply,
  ConnectionReply,
  DownloadsReply,
  ExtensionRequest,
  GatewayState,
  OpenReply,
  ResolveReply,
  SettingsReply,
  StorageCacheReply,
} from './messages.ts';
import { DownloadStreams, type DownloadHost } from './downloads.ts';
import { HeldRequests, type HeldRequest } from './held-requests.ts';
import { IdbPieceCache } from './piece-cache.ts';
import { applyProxy, applyRules, servedSuffixes, servesHost } from './rules.ts';
import { downloadFileName, downloadSource } from './download-kind.ts';
import { rangeResumer } from './download-resume.ts';
import { decoded, servePaused, type PausedRequest, type ServedDownload, type ServeResult } from './serve.ts';
import { DebuggerSessions, fetchPatterns, type Debuggee } from './sessions.ts';
import { loadSettings, saveSettings, SettingsError, type Settings } from './settings.ts';
import { TonStack } from './stack.ts';
import { TabStates, type SiteSummary } from './tab-state.ts';

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** MV3 stops an idle worker after ~30 s; an extension API call every 20 s resets that (INTERCEPTION.md). */
const KEEPALIVE_MS = 20_000;
/** With no TON tab attached for this long the connections are closed (and the worker may sleep). */
const IDLE_CLOSE_MS = 60_000;

export interface ServiceEnvironment {
  version: string;
  /** chrome.storage.session (null in environments without it). */
  session: chrome.storage.StorageArea | null;
  setBadge(enabled: boolean): Promise<void>;
  /** Where downloads are streamed to disk (download-host.ts); null: large bodies get the too-large page. */
  downloads?: DownloadHost | null;
}

export class BackgroundService {
  readonly startedAt = Date.now();
  readonly sessions: DebuggerSessions;
  readonly tabs: TabStates;
  /** Requests being answered, so that a restarted worker answers what a stopped one left paused. */
  readonly held: HeldRequests;
  /** Responses saved to disk as they stream (downloads.ts). */
  readonly downloads: DownloadStreams | null;
  readonly #env: ServiceEnvironment;
  #settings: Promise<Settings>;
  #stack: TonStack | null = null;
  /** Measurements of the configured bridges; kept across stack rebuilds, made anew when the list changes. */
  #selector: { key: string; selector: BridgeSelector } | null = null;
  #stackError: string | null = null;
  #keepalive: ReturnType<typeof setInterval> | null = null;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** The main frame's target id per attached tab (its frameId in Fetch.requestPaused). */
  readonly #mainFrames = new Map<number, string>();
  #started: Promise<void> | null = null;
  /** The same IndexedDB database the gateway's piece cache uses (stack.ts): all its state is in IndexedDB. */
  readonly #pieceCache = new IdbPieceCache();

  constructor(env: ServiceEnvironment) {
    this.#env = env;
    this.#settings = loadSettings();
    this.tabs = new TabStates(env.session);
    this.held = new HeldRequests(env.session);
    const host = env.downloads;
    this.downloads = host
      ? new DownloadStreams({
          ...host,
          keepAlive: (on) => {
            host.keepAlive(on);
            this.#activity();
          },
        })
      : null;
    this.sessions = new DebuggerSessions(
      {
        patterns: () => fetchPatterns(servedSuffixes(this.#cachedSettings ?? { tMe: true })),
        changed: async (tabs) => {
          await applyRules(await this.#settings, tabs);
          this.#activity();
        },
        paused: (source, params) => void this.#paused(source, params as PausedRequest),
        detached: (tabId) => {
          this.#mainFrames.delete(tabId);
          void this.held.forgetTab(tabId);
        },
      },
      env.session,
    );
    void this.#settings.then((s) => (this.#cachedSettings = s));
  }

  #cachedSettings: Settings | null = null;

  /** Restores rules, proxy and sessions for the stored settings; idempotent. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      const settings = await this.#settings;
      this.#cachedSettings = settings;
      await this.sessions.restore();
      this.#answerLeftBehind(await this.held.previous());
      await applyRules(settings, this.sessions.tabs);
      await applyProxy(settings).catch(() => undefined);
      await this.#env.setBadge(settings.enabled);
    })();
    return this.#started;
  }

  settings(): Promise<Settings> {
    return this.#settings;
  }

  /** The TON stack for the current settings (made on first use). */
  async stack(): Promise<TonStack> {
    if (this.#stack) return this.#stack;
    const settings = await this.#settings;
    if (this.#stack) return this.#stack;
    try {
      this.#stack = new TonStack(settings, this.bridges(settings));
      this.#stackError = null;
    } catch (error) {
      this.#stackError = error instanceof Error ? error.message : String(error);
      throw error;
    }
    return this.#stack;
  }

  /** The bridge selector of the configured list. */
  bridges(settings: Settings): BridgeSelector {
    const key = JSON.stringify(settings.bridgeUrls);
    if (this.#selector?.key !== key)
      this.#selector = { key, selector: createBridgeSelector(settings.bridgeUrls) };
    return this.#selector.selector;
  }

  /** Measures every configured bridge now (the first-run page polls this). */
  async checkBridges(): Promise<BridgesReply> {
    const selector = this.bridges(await this.#settings);
    await selector.measure();
    return { ok: true, bridges: selector.states(), inUse: selector.inUse };
  }

  #closeStack(): void {
    this.#stack?.close();
    this.#stack = null;
  }

  async #applySettings(next: Settings, previous: Settings): Promise<void> {
    this.#settings = Promise.resolve(next);
    this.#cachedSettings = next;
    const network =
      JSON.stringify([next.bridgeUrls, next.network]) !==
      JSON.stringify([previous.bridgeUrls, previous.network]);
    const interception =
      next.enabled !== previous.enabled || next.mode !== previous.mode || next.tMe !== previous.tMe;
    if (network) this.#closeStack();
    if (interception || network) {
      // Off, another mode or other hosts: every tab starts over on its next navigation.
      await this.sessions.detachAll();
    }
    await applyRules(next, this.sessions.tabs);
    await applyProxy(next);
    await this.#env.setBadge(next.enabled);
  }

  async handle(
    request: ExtensionRequest,
    sender: { tabId?: number; frameId?: number; url?: string },
  ): Promise<unknown> {
    await this.start();
    switch (request.type) {
      case 'getState':
        return this.state(request.tabId);
      case 'setEnabled': {
        const previous = await this.#settings;
        await this.#applySettings(await saveSettings({ enabled: request.enabled }), previous);
        return this.state();
      }
      case 'refreshConnection':
        return this.refreshConnection();
      case 'getSettings':
        return { ok: true, settings: await this.#settings } satisfies SettingsReply;
      case 'saveSettings':
        return this.saveSettings(request.patch);
      case 'resolve':
        return this.resolve(request.name);
      case 'open':
        return this.open(request.url, sender);
      case 'getStorageCache':
        return this.storageCache();
      case 'clearStorageCache':
        return this.storageCache(true);
      case 'checkBridges':
        return this.checkBridges();
      case 'getDownloads':
        return { ok: true, downloads: this.downloads?.list() ?? [] } satisfies DownloadsReply;
      case 'cancelDownload':
        return { ok: (await this.downloads?.cancel(request.key)) ?? false };
      case 'retryDownload':
        try {
          return { ok: (await this.downloads?.retry(request.key)) ?? false };
        } catch (error) {
          return { ok: false, error: error instanceof Error ? error.message : String(error) };
        }
    }
  }

  async state(tabId?: number): Promise<GatewayState> {
    const settings = await this.#settings;
    return {
      settings,
      workerStartedAt: this.startedAt,
      version: this.#env.version,
      connection: this.#stack ? this.#stack.status(this.#stackError) : null,
      tab: tabId === undefined ? null : await this.tabs.get(tabId),
      tabAttached: tabId !== undefined && this.sessions.has(tabId),
      attachedTabs: this.sessions.tabs,
    };
  }

  async refreshConnection(): Promise<ConnectionReply> {
    this.#activity();
    let stack: TonStack;
    try {
      stack = await this.stack();
    } catch (error) {
      return { ok: false, error: String((error as Error).message ?? error), connection: null };
    }
    try {
      await stack.refresh();
      return { ok: true, connection: stack.status() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: message, connection: stack.status(message) };
    }
  }

  /** Stats of the TON Storage piece cache, after clearing it when `clear`. */
  async storageCache(clear = false): Promise<StorageCacheReply> {
    try {
      if (clear) await this.#pieceCache.clear();
      const stats = await this.#pieceCache.stats();
      return {
        ok: true,
        bytes: stats.bytes,
        pieces: stats.pieces,
        bags: stats.bags,
        limitBytes: stats.maxBytes,
      };
    } catch (error) {
      return { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  }

  async saveSettings(patch: unknown): Promise<SettingsReply> {
    const previous = await this.#settings;
    let next: Settings;
    try {
      next = await saveSettings(patch as Partial<Settings>);
    } catch (error) {
      if (error instanceof SettingsError) return { ok: false, error: error.message };
      throw error;
    }
    await this.#applySettings(next, previous);
    return { ok: true, settings: next };
  }

  async resolve(name: string): Promise<ResolveReply> {
    this.#activity();
    let normalized: string;
    try {
      normalized = normalizeDnsName(name);
    } catch (error) {
      return { ok: false, error: errorToJson(error as DnsError) };
    }
    try {
      const stack = await this.stack();
      const resolution = await stack.resolver.resolve(normalized, DNS_CATEGORY_SITE);
      return {
        ok: true,
        trust: resolution.trust?.level ?? stack.trust,
        cached: resolution.cached,
        resolution: resolutionToJson(resolution),
      };
    } catch (error) {
      if (error instanceof DnsError) return { ok: false, error: errorToJson(error) };
      return {
        ok: false,
        error: { code: 'error', message: error instanceof Error ? error.message : String(error) },
      };
    }
  }

  /** The loader page asks to have its tab attached before it navigates to a TON URL. */
  async open(url: string, sender: { tabId?: number; frameId?: number }): Promise<OpenReply> {
    const settings = await this.#settings;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return { ok: false, reason: 'not-ton', message: `not a URL: ${url}` };
    }
    if (parsed.protocol === 'https:') {
      return { ok: false, reason: 'https', message: 'TON Sites are served over http:// only' };
    }
    if (parsed.protocol !== 'http:' || !servesHost(settings, parsed.hostname)) {
      return {
        ok: false,
        reason: 'not-ton',
        message: `${parsed.hostname} is not a TON host this gateway serves`,
      };
    }
    if (!settings.enabled) return { ok: false, reason: 'disabled', message: 'the gateway is switched off' };
    if (settings.mode !== 'gateway') {
      return { ok: false, reason: 'proxy-mode', message: 'the extension is in proxy mode' };
    }
    if (sender.tabId === undefined || sender.frameId !== 0) {
      return { ok: false, reason: 'attach-failed', message: 'the loader must be the top frame of a tab' };
    }
    try {
      await this.sessions.attach(sender.tabId);
      await this.#mainFrameOf(sender.tabId);
    } catch (error) {
      return {
        ok: false,
        reason: 'attach-failed',
        message: error instanceof Error ? error.message : String(error),
      };
    }
    await this.tabs.navigated(sender.tabId, parsed.href);
    return { ok: true };
  }

  /** webNavigation.onCommitted of a top frame: leaving TON hosts detaches the tab. */
  async committed(tabId: number, url: string): Promise<void> {
    if (!this.sessions.has(tabId)) return;
    const settings = await this.#settings;
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // keep null
    }
    if (parsed && parsed.protocol === 'http:' && servesHost(settings, parsed.hostname)) {
      await this.tabs.navigated(tabId, parsed.href);
    } else {
      await this.sessions.detach(tabId);
    }
  }

  async tabRemoved(tabId: number): Promise<void> {
    this.#mainFrames.delete(tabId);
    await this.tabs.forget(tabId);
  }

  /**
   * Requests a stopped instance was answering: still paused in Chromium with valid ids (held-requests.ts). A GET
   * or HEAD is served again; anything else gets the error page (it may have reached the site: never replayed).
   */
  #answerLeftBehind(left: HeldRequest[]): void {
    for (const { source, paused, replay } of left) {
      if (!this.sessions.has(source.tabId!)) {
        void this.held.done(source, paused.requestId);
      } else if (replay) {
        void this.#paused(source, paused);
      } else {
        void this.#fail(
          source,
          paused,
          'the extension was restarted while this request was in flight; it was not sent again',
        );
      }
    }
  }

  /** Answers `paused` with the error page of an internal failure. */
  async #fail(source: Debuggee, paused: PausedRequest, message: string): Promise<void> {
    const settings = await this.#settings;
    await servePaused(paused, {
      fetch: () => Promise.reject(Object.assign(new Error(message), { stage: 'internal' })),
      send: (method, params) =>
        chrome.debugger.sendCommand(source as chrome.debugger.DebuggerSession, method, params),
      serves: (h) => servesHost(settings, h),
    });
    await this.held.done(source, paused.requestId);
  }

  async #paused(source: Debuggee, paused: PausedRequest): Promise<void> {
    void this.held.add(source, paused);
    try {
      await this.#serve(source, paused);
    } finally {
      await this.held.done(source, paused.requestId);
    }
  }

  async #serve(source: Debuggee, paused: PausedRequest): Promise<void> {
    const tabId = source.tabId!;
    this.#activity();
    const settings = await this.#settings;
    const send = (method: string, params: Record<string, unknown>) =>
      chrome.debugger.sendCommand(source as chrome.debugger.DebuggerSession, method, params);
    let stack: TonStack;
    try {
      stack = await this.stack();
    } catch (error) {
      // No usable network config: every request gets the error page.
      await this.#fail(source, paused, `the network settings are unusable: ${(error as Error).message}`);
      return;
    }
    let log: GatewayRequestLog | null = null;
    let logged: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (logged = resolve));
    const result = await servePaused(paused, {
      fetch: (url, init) =>
        stack.fetch(url, init, (l) => {
          log = l;
          logged();
        }),
      send,
      serves: (h) => servesHost(settings, h),
      download: this.downloads ? (d) => this.#download(d) : undefined,
    });
    void this.held.done(source, paused.requestId); // answered: what follows is bookkeeping
    if (result.continued) return;
    // A failed gateway.fetch logs before it rejects; a served one logs once its body was read or cancelled.
    if (result.response) await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    await this.#record(tabId, source, paused, result, log, stack);
  }

  async #record(
    tabId: number,
    source: Debuggee,
    paused: PausedRequest,
    result: ServeResult,
    log: GatewayRequestLog | null,
    stack: TonStack,
  ): Promise<void> {
    const l = log as GatewayRequestLog | null;
    await this.tabs.addRequest(tabId, {
      method: paused.request.method,
      url: result.url,
      resourceType: paused.resourceType,
      startedAt: l?.startedAt ?? Date.now(),
      status: result.status,
      bytes: result.bytes,
      stages: l?.stages ?? [],
      totalMs: l?.totalMs ?? null,
      error: result.failure
        ? { stage: result.failure.stage, message: result.failure.message, code: result.failure.code }
        : null,
    });
    const main =
      paused.resourceType === 'Document' &&
      !source.sessionId &&
      (await this.#mainFrameOf(tabId)) === paused.frameId;
    if (main && result.response)
      await this.tabs.setSite(tabId, await this.#siteSummary(result.response, stack));
  }

  /** The tab's main frame id (= its target id), looked up again after a worker restart. */
  async #mainFrameOf(tabId: number): Promise<string | undefined> {
    let id = this.#mainFrames.get(tabId);
    if (id === undefined) {
      id = (await chrome.debugger.getTargets()).find((t) => t.tabId === tabId)?.id;
      if (id !== undefined) this.#mainFrames.set(tabId, id);
    }
    return id;
  }

  async #siteSummary(response: GatewayResponse, stack: TonStack): Promise<SiteSummary> {
    const site = response.site;
    const note = site.kind === 'dns' ? stack.resolutionOf(site.host) : undefined;
    const stats = site.adnl ? await stack.rldpStats(site.adnlId).catch(() => null) : null;
    return {
      host: site.host,
      kind: site.kind,
      bagId: site.bagId ? hex(site.bagId) : null,
      adnl: site.adnl,
      address: `${site.address.host}:${site.address.port}`,
      rldpVersion: site.rldpVersion,
      record: site.record ? recordToJson(site.record) : null,
      resolution: note
        ? {
            sources: note.resolution.sources,
            trust: note.trust,
            ...(note.resolution.trust?.block && { block: { seqno: note.resolution.trust.block.seqno } }),
            ...(note.resolution.trust?.anchor && { anchor: note.resolution.trust.anchor }),
            cached: note.resolution.cached,
            resolvedAt: note.resolution.resolvedAt,
            hops: note.resolution.hops.length,
            expiresAt: note.resolution.expiresAt,
          }
        : null,
      rldp: stats && { bytesIn: stats.bytesIn, bytesOut: stats.bytesOut, retransmits: stats.retransmits },
    };
  }

  /** Hands a download to Chrome's download manager; a retry fetches the URL again with the same headers. */
  async #download(d: ServedDownload): Promise<void> {
    const site = d.response.site;
    await this.downloads!.offer({
      url: d.url,
      fileName: downloadFileName(d.url, d.response.headers),
      headers: d.response.headers,
      coded: d.coded,
      body: d.body,
      source: () => downloadSource(site),
      again: () => this.#downloadAgain(d.url, d.requestHeaders),
      // A body that breaks mid-way continues from where it stopped, where the site (or the bag) allows ranges.
      resume: rangeResumer(
        { headers: d.response.headers, coded: d.coded },
        d.requestHeaders,
        async (headers) => {
          const stack = await this.stack();
          return stack.fetch(d.url, { method: 'GET', headers }, () => undefined);
        },
      ),
    });
  }

  async #downloadAgain(url: string, headers: ServedDownload['requestHeaders']): Promise<void> {
    const stack = await this.stack();
    const response = await stack.fetch(url, { method: 'GET', headers }, () => undefined);
    const { body, coding: coded } = decoded(response);
    if (response.status !== 200 || !body) {
      await body?.cancel('not a download').catch(() => undefined);
      throw new Error(`${url} answered HTTP ${response.status}`);
    }
    await this.#download({ url, response, body, coded, requestHeaders: headers });
  }

  /** Keep-alive only while TON tabs are attached; connections closed after a while without any. */
  #activity(): void {
    const attached = this.sessions.tabs.length > 0;
    if (attached && !this.#keepalive) {
      this.#keepalive = setInterval(() => void chrome.runtime.getPlatformInfo(), KEEPALIVE_MS);
    } else if (!attached && this.#keepalive) {
      clearInterval(this.#keepalive);
      this.#keepalive = null;
    }
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    // A download outlives its tab: the connections stay while one streams.
    if (!attached && !this.downloads?.streaming)
      this.#idleTimer = setTimeout(() => this.#closeStack(), IDLE_CLOSE_MS);
  }
}
