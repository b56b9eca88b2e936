/** Extension settings, persisted in IndexedDB (through `idb`) so they survive service-worker restarts. */
import { openDB, type IDBPDatabase } from 'idb';

export interface Settings {
  /** Whether the gateway intercepts TON hosts at all. */
  enabled: boolean;
}

export const DEFAULT_SETTINGS: Settings = { enabled: true };

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

export async function loadSettings(): Promise<Settings> {
  const stored = (await (await db()).get(STORE, KEY)) as Partial<Settings> | undefined;
  return { ...DEFAULT_SETTINGS, ...stored };
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = { ...(await loadSettings()), ...patch };
  await (await db()).put(STORE, next, KEY);
  return next;
}
