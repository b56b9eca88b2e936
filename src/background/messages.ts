/**
 * Messages from the extension's own pages (popup, options, loader) to the service worker. Only extension pages
 * can send them (index.ts checks the sender); TON sites have no extension API at all (they are served in their own
 * origin through the debugger, INTERCEPTION.md).
 */
import type { DnsErrorJson, DnsResolutionJson } from '../net/dns/index.ts';
import type { BridgeState } from './bridges/index.ts';
import type { DownloadInfo } from './downloads.ts';
import type { Settings } from './settings.ts';
import type { ConnectionStatus } from './stack.ts';
import type { TabState } from './tab-state.ts';

export type ExtensionRequest =
  /** Popup: everything it shows; `tabId` = the tab it is about (default: none). */
  | { type: 'getState'; tabId?: number }
  | { type: 'setEnabled'; enabled: boolean }
  /** Popup: ask every liteserver for its masterchain block now. */
  | { type: 'refreshConnection' }
  | { type: 'getSettings' }
  | { type: 'saveSettings'; patch: Partial<Settings> }
  /** Options page ("look up a name") and diagnostics: TON DNS site record of `name`. */
  | { type: 'resolve'; name: string }
  /** Loader page: attach the debugger to my tab, then I navigate to `url`. */
  | { type: 'open'; url: string }
  /** Popup and options page: what the TON Storage piece cache (IndexedDB) holds. */
  | { type: 'getStorageCache' }
  /** Options page: forget every cached piece and torrent info; replies with the (empty) stats. */
  | { type: 'clearStorageCache' }
  /** First-run page: measure every configured bridge now. */
  | { type: 'checkBridges' }
  /** Popup: downloads streaming to disk and the last finished ones (downloads.ts). */
  | { type: 'getDownloads' }
  | { type: 'cancelDownload'; key: string }
  /** Fetches a failed download again from the start (Chrome cannot resume an extension-served one). */
  | { type: 'retryDownload'; key: string };

export interface GatewayState {
  settings: Settings;
  /** When this service-worker instance started (ms since epoch): shows restarts in diagnostics. */
  workerStartedAt: number;
  version: string;
  /** Null until the TON stack was first needed (a request, a lookup, or the popup's refreshConnection). */
  connection: ConnectionStatus | null;
  tab: TabState | null;
  /** Whether the tab the popup is about is attached now. */
  tabAttached: boolean;
  attachedTabs: number[];
}

export type SettingsReply = { ok: true; settings: Settings } | { ok: false; error: string };

export type ResolveReply =
  | { ok: true; trust: string; cached: boolean; resolution: DnsResolutionJson }
  | { ok: false; error: DnsErrorJson | { code: string; message: string } };

export type OpenReply =
  | { ok: true }
  | { ok: false; reason: 'disabled' | 'proxy-mode' | 'not-ton' | 'https' | 'attach-failed'; message: string };

/** The TON Storage piece cache: verified pieces (data + proofs) of the bags read so far, bounded by limitBytes. */
export interface StorageCacheStats {
  bytes: number;
  pieces: number;
  /** Bags whose torrent info is cached. */
  bags: number;
  limitBytes: number;
}

export type StorageCacheReply = ({ ok: true } & StorageCacheStats) | { ok: false; error: string };

/** The configured bridges, best first, each with its measurement; `inUse` carries traffic now. */
export interface BridgesReply {
  ok: true;
  bridges: BridgeState[];
  inUse: string | null;
}
export type DownloadsReply = { ok: true; downloads: DownloadInfo[] };

export type ConnectionReply =
  | { ok: true; connection: ConnectionStatus }
  | { ok: false; error: string; connection: ConnectionStatus | null };

export function isExtensionRequest(value: unknown): value is ExtensionRequest {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'getState':
      return m.tabId === undefined || Number.isInteger(m.tabId);
    case 'setEnabled':
      return typeof m.enabled === 'boolean';
    case 'refreshConnection':
    case 'getSettings':
    case 'getStorageCache':
    case 'clearStorageCache':
    case 'checkBridges':
    case 'getDownloads':
      return true;
    case 'cancelDownload':
    case 'retryDownload':
      return typeof m.key === 'string' && m.key.length <= 64;
    case 'saveSettings':
      return typeof m.patch === 'object' && m.patch !== null;
    case 'resolve':
      return typeof m.name === 'string' && m.name.length <= 300;
    case 'open':
      return typeof m.url === 'string' && m.url.length <= 8192;
    default:
      return false;
  }
}

/** The port a TON page's content script holds to notice a stopped worker (src/content/worker-watch.ts). */
export const WATCH_PORT = 'worker-watch';
/** Sent on that port when the worker does not serve the tab: the script stops watching. */
export const WATCH_IDLE = 'idle';
