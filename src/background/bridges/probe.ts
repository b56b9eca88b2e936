/**
 * Measures one bridge: how long it takes to answer, and whether it is healthy.
 *
 * 1. `GET http(s)://HOST:PORT[/prefix]/healthz` (src/node/bridge/status.ts): JSON {status, liteservers, streams,
 *    uptimeSeconds}. Healthy = 200 with status "ok" and at least one liteserver; 503 = draining (an instance
 *    being stopped), not healthy. The bridge lets browser-extension origins read it (CORS).
 * 2. Where /healthz is not served on the bridge's own port (a separate --status-listen, or a reverse proxy that
 *    does not pass it), opening a WebSocket to the bridge's `/udp` relay and closing it again is the measurement.
 * Both share one deadline. A probe never rejects: failures are results (ok false, error set).
 */
import { bridgeRouteUrl } from '../../net/transport/bridge-protocol.ts';
import { bridgeUdpUrl, openRelaySocket } from '../../net/transport/index.ts';

/** What /healthz answered (the fields the extension uses). */
export interface BridgeHealthSummary {
  status: string;
  liteservers: number;
  streams: number;
  uptimeSeconds: number;
}

export interface BridgeProbe {
  url: string;
  ok: boolean;
  /** Time to the answer (ms), null when none came. */
  latencyMs: number | null;
  /** Which measurement answered. */
  via: 'healthz' | 'websocket' | null;
  health: BridgeHealthSummary | null;
  error: string | null;
  /** When it was measured (ms, set by the selector). */
  at?: number;
}

export interface ProbeOptions {
  /** Both measurements together (default 3 s). */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
  /** Opens and closes a relay WebSocket to `url`'s /udp route within `timeoutMs`. */
  openWebSocket?: (url: string, timeoutMs: number) => Promise<void>;
  now?: () => number;
}

/** The /healthz URL of the bridge at a ws:// or wss:// base URL (same host, port and path prefix). */
export function healthzUrl(bridge: string): string {
  const url = bridgeRouteUrl(bridge, '/healthz');
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url.toString();
}

/** The fields of a /healthz body; null when it is not one. */
export function parseHealth(body: unknown): BridgeHealthSummary | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (typeof b.status !== 'string' || !num(b.liteservers) || !num(b.streams) || !num(b.uptimeSeconds))
    return null;
  return {
    status: b.status.slice(0, 32),
    liteservers: b.liteservers,
    streams: b.streams,
    uptimeSeconds: b.uptimeSeconds,
  };
}

async function openAndClose(url: string, timeoutMs: number): Promise<void> {
  const socket = await openRelaySocket(bridgeUdpUrl(url), { connectTimeoutMs: timeoutMs, batch: false });
  socket.close();
}

/** /healthz bodies are a few hundred bytes; anything much larger is not one. */
const MAX_HEALTH_BYTES = 16 * 1024;

export async function probeBridge(url: string, options: ProbeOptions = {}): Promise<BridgeProbe> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const openWebSocket = options.openWebSocket ?? openAndClose;
  const now = options.now ?? (() => performance.now());
  const started = now();
  const failed = (error: unknown): BridgeProbe => ({
    url,
    ok: false,
    latencyMs: null,
    via: null,
    health: null,
    error: error instanceof Error ? error.message : String(error),
  });
  let target: string;
  try {
    target = healthzUrl(url);
  } catch (error) {
    return failed(error);
  }
  try {
    const response = await doFetch(target, {
      cache: 'no-store',
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = response.ok || response.status === 503 ? await response.text() : '';
    const latencyMs = Math.round(now() - started);
    let health: BridgeHealthSummary | null = null;
    if (text.length <= MAX_HEALTH_BYTES) {
      try {
        health = parseHealth(JSON.parse(text));
      } catch {
        // not JSON: not a bridge's /healthz
      }
    }
    if (health) {
      const ok = response.status === 200 && health.status === 'ok' && health.liteservers > 0;
      return {
        url,
        ok,
        latencyMs,
        via: 'healthz',
        health,
        error: ok
          ? null
          : health.status !== 'ok'
            ? `bridge is ${health.status}`
            : 'bridge has no liteservers configured',
      };
    }
  } catch {
    // unreachable, not readable by us (no CORS) or timed out: the WebSocket decides
  }
  const left = timeoutMs - (now() - started);
  if (left <= 0) return failed(new Error(`no answer within ${timeoutMs} ms`));
  const wsStarted = now();
  try {
    await openWebSocket(url, left);
    return {
      url,
      ok: true,
      latencyMs: Math.round(now() - wsStarted),
      via: 'websocket',
      health: null,
      error: null,
    };
  } catch (error) {
    return failed(error);
  }
}
