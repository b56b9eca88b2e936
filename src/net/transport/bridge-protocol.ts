/**
 * Wire protocol of the WebSocket→TCP bridge (`tonsite bridge`), shared by the client (src/net) and the server
 * (src/node/bridge). A browser cannot open TCP, so the service worker asks the bridge for a TCP stream to one
 * liteserver of the BRIDGE's own global config; the ADNL-TCP encryption runs end to end through it (the bridge
 * relays ciphertext only).
 *
 * 1. The client opens a WebSocket to `ws[s]://HOST:PORT[/prefix]/tcp?server=<index>` (index into the bridge
 *    config's `liteservers[]`, decimal) or `.../tcp?key=<base64 ed25519 pubkey>` (the liteserver's `id.key`).
 *    Exactly one of `server` / `key` must be present.
 * 2. The bridge checks the destination against its config. Not configured → it accepts the upgrade, then closes
 *    at once with code 4403 and a short reason (browsers cannot read an HTTP refusal, but they see close codes).
 *    Malformed request → 4400. Upstream TCP connect fails → 4502.
 * 3. After the upgrade, every BINARY message carries raw TCP bytes, in both directions; message boundaries mean
 *    nothing (like TCP segments). Text messages are a protocol violation (close 4400).
 *    The bridge may start relaying client bytes before the upstream connect completes (it buffers them).
 * 4. Either side closing ends both: upstream EOF → the bridge closes the WebSocket with 1000; the WebSocket
 *    closing → the bridge ends the TCP connection. Limits (frame size, bytes/s, idle time, streams per
 *    client) are enforced with the close codes below.
 *
 * The `adnl` npm package's ADNLClientWS speaks this same "raw bytes over binary frames" protocol.
 */
import { base64Decode, base64Encode } from './base64.ts';
import { TransportError } from './types.ts';

export const BRIDGE_TCP_PATH = '/tcp';

/** Close codes used by the bridge (4000-4999 is the application range; the last 3 digits echo HTTP). */
export const BridgeCloseCode = {
  /** Normal end (either side closed the stream). */
  NORMAL: 1000,
  /** Bridge shutting down. */
  GOING_AWAY: 1001,
  /** Malformed request path/query, or a text message. */
  BAD_REQUEST: 4400,
  /** Destination not in the bridge's config. */
  REFUSED: 4403,
  /** No traffic for too long. */
  IDLE_TIMEOUT: 4408,
  /** A WebSocket message larger than the bridge accepts. */
  FRAME_TOO_LARGE: 4413,
  /** Client exceeded its bytes-per-second budget (flood). */
  RATE_LIMITED: 4429,
  /** Upstream TCP connect failed or the upstream connection broke. */
  UPSTREAM_UNREACHABLE: 4502,
  /** Client already holds the maximum number of concurrent streams. */
  TOO_MANY_STREAMS: 4503,
} as const;

/** Which liteserver of the bridge's config the client wants. */
export type BridgeTcpTarget = { server: number } | { key: Uint8Array };

/** Largest server index accepted in a request (configs have a few dozen entries). */
export const MAX_BRIDGE_SERVER_INDEX = 65535;

/** The URL of route `path` (e.g. `/tcp`, `/udp`) on the bridge at `base`, without a query; TransportError if bad. */
export function bridgeRouteUrl(base: string, path: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new TransportError(`bad bridge URL: ${base}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new TransportError('bridge URL must be ws: or wss:');
  url.pathname = url.pathname.replace(/\/+$/, '') + path;
  url.search = '';
  return url;
}

/** Builds the WebSocket URL for a TCP stream through the bridge at `base` (e.g. `ws://127.0.0.1:8081`). */
export function bridgeTcpUrl(base: string, target: BridgeTcpTarget): string {
  const url = bridgeRouteUrl(base, BRIDGE_TCP_PATH);
  if ('server' in target) {
    checkServerIndex(target.server);
    url.searchParams.set('server', String(target.server));
  } else {
    if (target.key.length !== 32) throw new TransportError('bridge target key must be 32 bytes');
    url.searchParams.set('key', base64Encode(target.key));
  }
  return url.toString();
}

/**
 * Parses the request target of an upgrade request (`/tcp?server=3`, with an optional path prefix the bridge
 * strips before calling). Throws TransportError with code 4400 when malformed.
 */
export function parseBridgeTcpRequest(requestUrl: string): BridgeTcpTarget {
  let url: URL;
  try {
    url = new URL(requestUrl, 'ws://bridge.invalid');
  } catch {
    throw badRequest('unparseable request URL');
  }
  if (url.pathname !== BRIDGE_TCP_PATH) throw badRequest(`unknown path ${url.pathname.slice(0, 64)}`);
  const servers = url.searchParams.getAll('server');
  const keys = url.searchParams.getAll('key');
  if (servers.length + keys.length !== 1) throw badRequest('exactly one of server= or key= is required');
  if (servers.length === 1) {
    const text = servers[0];
    if (!/^(0|[1-9][0-9]{0,5})$/.test(text)) throw badRequest('server must be a decimal index');
    const server = Number(text);
    if (server > MAX_BRIDGE_SERVER_INDEX) throw badRequest('server index out of range');
    return { server };
  }
  let key: Uint8Array;
  try {
    key = base64Decode(keys[0]);
  } catch {
    throw badRequest('key is not base64');
  }
  if (key.length !== 32) throw badRequest('key must be 32 bytes');
  return { key };
}

/** Human-readable meaning of a bridge close code (for errors and diagnostics). */
export function describeBridgeClose(code: number): string {
  switch (code) {
    case BridgeCloseCode.NORMAL:
      return 'closed';
    case BridgeCloseCode.GOING_AWAY:
      return 'bridge going away';
    case BridgeCloseCode.BAD_REQUEST:
      return 'bad request';
    case BridgeCloseCode.REFUSED:
      return 'destination refused by bridge';
    case BridgeCloseCode.IDLE_TIMEOUT:
      return 'idle timeout';
    case BridgeCloseCode.FRAME_TOO_LARGE:
      return 'frame too large';
    case BridgeCloseCode.RATE_LIMITED:
      return 'rate limited';
    case BridgeCloseCode.UPSTREAM_UNREACHABLE:
      return 'liteserver unreachable';
    case BridgeCloseCode.TOO_MANY_STREAMS:
      return 'too many streams';
    default:
      return `close code ${code}`;
  }
}

function checkServerIndex(server: number): void {
  if (!Number.isInteger(server) || server < 0 || server > MAX_BRIDGE_SERVER_INDEX) {
    throw new TransportError(`bad bridge server index ${server}`);
  }
}

function badRequest(message: string): TransportError {
  return new TransportError(message, BridgeCloseCode.BAD_REQUEST);
}
