/**
 * Extension settings, persisted in IndexedDB (through `idb`) so they survive service-worker restarts.
 * Every value read back is validated: a damaged or older record falls back to the defaults field by field.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { defaultBridgeUrls } from './bridges/defaults.ts';

export type GatewayMode = 'gateway' | 'proxy';

/** Which TON network the extension talks to: the built-in mainnet config, or one the user imported. */
export interface NetworkSetting {
  /** A label for the UI ("mainnet", "devnet", a file name). */
  name: string;
  /** The global config JSON (liteservers, dht); null = the built-in mainnet config. */
  config: Record<string, unknown> | null;
}

export interface Settings {
  /** Whether TON hosts are intercepted at all (the popup toggle). */
  enabled: boolean;
  /** Built-in gateway (debugger + Fetch) or an external HTTP proxy through a PAC script. */
  mode: GatewayMode;
  /** WebSocket bridges (`tonsite bridge`): measured, the best used, the others taken over on failure (bridges/). */
  bridgeUrls: string[];
  network: NetworkSetting;
  /** HOST:PORT of the HTTP proxy used in proxy mode (`tonsite proxy`, Tonutils-Proxy...). */
  proxy: string;
  /** Serve `*.t.me` names from TON DNS (they are also real web names, so it can be switched off). */
  tMe: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  enabled: true,
  mode: 'gateway',
  // Configuration, not code: bridges/default-bridges.json (the local `npx tonsite bridge`, public ones added there).
  bridgeUrls: defaultBridgeUrls(),
  network: { name: 'mainnet', config: null },
  proxy: '127.0.0.1:8080',
  tMe: true,
};

const MAX_BRIDGES = 8;

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** A ws:// or wss:// URL without credentials, query or fragment; SettingsError otherwise. */
export function checkBridgeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new SettingsError(`not a URL: ${JSON.stringify(text)}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new SettingsError(`a bridge URL starts with ws:// or wss://, got ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SettingsError('a bridge URL has no credentials, query or fragment');
  }
  return url.href.replace(/\/$/, '');
}

/** `HOST:PORT` for a PAC `PROXY` directive: a host name or IPv4 address and a port. */
export function checkProxyAddress(text: string): string {
  const m = /^([A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:]+\]):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535)
    throw new SettingsError(`proxy must be HOST:PORT, got ${JSON.stringify(text)}`);
  return `${m[1]}:${port}`;
}

/** A global config must at least have a liteservers array (the DHT section is optional). */
export function checkNetworkConfig(config: unknown): Record<string, unknown> {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new SettingsError('the network config must be a JSON object (a TON global config)');
  }
  const c = config as Record<string, unknown>;
  if (!Array.isArray(c.liteservers) || c.liteservers.length === 0) {
    throw new SettingsError('the network config has no liteservers');
  }
  return c;
}

/** Validates a (partial) settings object from storage or a message. SettingsError names the bad field. */
export function checkSettingsPatch(patch: unknown): Partial<Settings> {
  if (typeof patch !== 'object' || patch === null) throw new SettingsError('settings must be an object');
  const p = patch as Record<string, unknown>;
  const out: Partial<Settings> = {};
  if ('enabled' in p) {
    if (typeof p.enabled !== 'boolean') throw new SettingsError('enabled must be a boolean');
    out.enabled = p.enabled;
  }
  if ('mode' in p) {
    if (p.mode !== 'gateway' && p.mode !== 'proxy') throw new SettingsError('mode is gateway or proxy');
    out.mode = p.mode;
  }
  if ('bridgeUrls' in p) {
    if (!Array.isArray(p.bridgeUrls) || p.bridgeUrls.length === 0 || p.bridgeUrls.length > MAX_BRIDGES) {
      throw new SettingsError(`give 1..${MAX_BRIDGES} bridge URLs`);
    }
    out.bridgeUrls = p.bridgeUrls.map((u) => {
      if (typeof u !== 'string') throw new SettingsError('bridge URLs are strings');
      return checkBridgeUrl(u);
    });
  }
  if ('network' in p) {
    const n = p.network as { name?: unknown; config?: unknown } | null;
    if (typeof n !== 'object' || n === null || typeof n.name !== 'string' || n.name.length > 100) {
      throw new SettingsError('network must be { name, config }');
    }
    out.network = { name: n.name, config: n.config === null ? null : checkNetworkConfig(n.config) };
  }
  if ('proxy' in p) {
    if (typeof p.proxy !== 'string') throw new SettingsError('proxy must be HOST:PORT');
    out.proxy = checkProxyAddress(p.proxy);
  }
  if ('tMe' in p) {
    if (typeof p.tMe !== 'boolean') throw new SettingsError('tMe must be a boolean');
    out.tMe = p.tMe;
  }
  return out;
}

const DB_NAME = 'tonsite';
const DB_VERSION = 1;
const STORE = 'settings';
const KEY = 'settings';

let dbPromise: Promise<IDBPDatabase> | undefined;

function db(): Promise<IDBPDatabase> {
  dbPromise ??= openDB(DB_NAME, DB_VERSION, {
    upgrade(database) {
      if (!database.objectStoreNames.contains(STORE)) database.createObjectStore(STORE);
    },
  });
  return dbPromise;
}

/** Stored settings over the defaults; a field that does not validate is replaced by its default. */
export async function loadSettings(): Promise<Settings> {
  const stored = (await (await db()).get(STORE, KEY)) as Record<string, unknown> | undefined;
  const settings: Settings = { ...DEFAULT_SETTINGS };
  if (stored && typeof stored === 'object') {
    for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
      if (!(key in stored)) continue;
      try {
        Object.assign(settings, checkSettingsPatch({ [key]: stored[key] }));
      } catch {
        // keep the default for this field
      }
    }
  }
  return settings;
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...checkSettingsPatch(patch) };
  await (await db()).put(STORE, next, KEY);
  return next;
}
