/**
 * The bridge's two plain-HTTP endpoints for operators and load balancers, served on the bridge's own port or on a
 * separate one (`tonsite bridge --status-listen`):
 * - `GET /healthz`: JSON `{status, liteservers, streams, streamsByRoute, uptimeSeconds}`; 200 while serving, 503
 *   while draining (a load balancer's health check then takes the instance out before it stops);
 * - `GET /metrics`: Prometheus text (metrics.ts).
 * Neither ever shows an address, a key or payload.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderPrometheus, type MetricFamily } from './metrics.ts';

export interface BridgeHealth {
  status: 'ok' | 'draining';
  /** Liteservers the `/tcp` route may reach (from the network's config). */
  liteservers: number;
  streams: number;
  streamsByRoute: Record<string, number>;
  uptimeSeconds: number;
}

/** What the endpoints read: the bridge (BridgeServer has both). */
export interface BridgeStatusSource {
  health(): BridgeHealth;
  metrics(): MetricFamily[];
}

/**
 * Answers `/healthz` and `/metrics` (GET or HEAD); false for any other path, which the caller answers itself.
 */
export function serveStatus(source: BridgeStatusSource, req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/healthz' && path !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
    res.end('method not allowed\n');
    return true;
  }
  if (path === '/healthz') {
    const health = source.health();
    res.writeHead(health.status === 'ok' ? 200 : 503, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      ...extensionCors(req.headers.origin),
    });
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(health) + '\n');
    return true;
  }
  res.writeHead(200, {
    'content-type': 'text/plain; version=0.0.4; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : renderPrometheus(source.metrics()));
  return true;
}

/**
 * The extension measures its bridges by their /healthz (src/background/bridges/probe.ts): browser-extension
 * origins may read it. Web pages may not (a page could otherwise detect a local bridge); other clients do not
 * send Origin.
 */
function extensionCors(origin: string | undefined): Record<string, string> {
  const extension =
    origin !== undefined &&
    /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-z0-9.-]{1,64}$/i.test(origin);
  return extension ? { 'access-control-allow-origin': origin, vary: 'origin' } : { vary: 'origin' };
}

export interface StatusServer {
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

/** A separate plain-HTTP listener for `/healthz` and `/metrics` only (e.g. on loopback or a private address). */
export async function startStatusServer(
  source: BridgeStatusSource,
  host: string,
  port: number,
): Promise<StatusServer> {
  const server: Server = createServer((req, res) => {
    if (serveStatus(source, req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found (/healthz, /metrics)\n');
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shown = address.address.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
