/**
 * Which callers a bridge serves, by the upgrade request's Origin header. A browser always sends it with a
 * WebSocket; other programs (the tonsite CLI, tonutils, scripts) send none. The bridge is for the extension and
 * for programs: any web page could otherwise open the user's local bridge and use it as a UDP relay to public
 * hosts. So by default: no Origin, or a browser-extension origin (chrome-extension://ID, moz-extension://UUID —
 * the user's unpacked build has an ID nobody can predict); web origins only when the operator lists them.
 */

const EXTENSION_ORIGIN = /^(chrome-extension|moz-extension):\/\/[a-z0-9-]{1,64}$/;

/** Normalises an --allow-origin value (scheme://host[:port], no path); throws on anything else. */
export function parseAllowedOrigin(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`--allow-origin wants scheme://host[:port], got ${JSON.stringify(text)}`);
  }
  if (url.origin === 'null' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new Error(`--allow-origin wants scheme://host[:port], got ${JSON.stringify(text)}`);
  }
  return url.origin;
}

export class OriginPolicy {
  readonly #allowed: Set<string>;

  constructor(allowed: readonly string[] = []) {
    this.#allowed = new Set(allowed.map(parseAllowedOrigin));
  }

  /** True if a request with this Origin header (undefined: none) may open a stream. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const o = origin.trim().toLowerCase();
    return EXTENSION_ORIGIN.test(o) || this.#allowed.has(o);
  }
}
