/**
 * The bridge list a fresh install uses: configuration in default-bridges.json (not code), checked like any
 * user-entered list when the extension is built. A bad file fails the build's type check or the first load loudly.
 */
import file from './default-bridges.json' with { type: 'json' };

/** A ws:// or wss:// URL without credentials, query or fragment, trailing slash removed; null otherwise. */
export function normalizeBridgeUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  return url.href.replace(/\/$/, '');
}

/** The default bridges from default-bridges.json, normalised; throws when the file lists none or a bad URL. */
export function defaultBridgeUrls(list: unknown = (file as { bridges?: unknown }).bridges): string[] {
  if (!Array.isArray(list) || list.length === 0) throw new Error('default-bridges.json lists no bridges');
  return list.map((u) => {
    const url = typeof u === 'string' ? normalizeBridgeUrl(u) : null;
    if (!url) throw new Error(`default-bridges.json: not a ws:// or wss:// URL: ${JSON.stringify(u)}`);
    return url;
  });
}
