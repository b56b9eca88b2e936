/**
 * A plain HTTP proxy for TON hosts on src/net/gateway (what Tonutils-Proxy is): browsers and curl send
 * absolute-form requests (`GET http://alice.ton/ HTTP/1.1`); TON hosts are fetched over RLDP, everything else is
 * refused (403). Status, reason and headers are passed through as the site sent them (several Set-Cookie
 * headers stay several; redirects are not followed); hop-by-hop headers are not. Bodies stream both ways with
 * backpressure; a body that breaks off mid-way breaks the client connection off too (never a silent truncation).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { GatewayError, isTonHost, type Gateway, type GatewayStage } from '../../net/gateway/index.ts';
import { contentLengthWithoutPayload, HOP_BY_HOP_HEADERS, type HeaderList } from '../../net/http/index.ts';

export interface TonProxyOptions {
  gateway: Gateway;
  host?: string;
  port?: number;
  /** One line per request (method, url, status, ms) and per failure. */
  log?: (line: Record<string, unknown>) => void;
}

export interface TonProxy {
  /** http://HOST:PORT */
  url: string;
  host: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** HTTP status a proxy answers for a failure at each gateway stage. */
const STATUS_OF_STAGE: Record<GatewayStage, number> = {
  url: 400,
  dns: 502,
  storage: 501,
  dht: 502,
  handshake: 502,
  'rldp-timeout': 504,
  rldp: 502,
  http: 502,
  aborted: 499,
  closed: 503,
};

/** Headers that describe this hop only, plus the proxy's own (RFC 9110 §7.6.1). */
const NOT_FORWARDED = new Set([...HOP_BY_HOP_HEADERS, 'proxy-authorization', 'proxy-connection']);

function forwardedRequestHeaders(req: IncomingMessage): HeaderList {
  const raw = req.rawHeaders;
  const connectionTokens = new Set(
    (req.headers.connection ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: HeaderList = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const lower = raw[i].toLowerCase();
    if (NOT_FORWARDED.has(lower) || connectionTokens.has(lower)) continue;
    out.push([raw[i], raw[i + 1]]);
  }
  return out;
}

function plain(res: ServerResponse, status: number, message: string, stage?: string): void {
  const body = `tonsite proxy: ${message}\n`;
  const headers: Record<string, string | number> = {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  };
  if (stage) headers['X-Tonsite-Error-Stage'] = stage;
  res.writeHead(status, headers);
  res.end(body);
}

function write(res: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', closed);
      resolve();
    };
    const closed = (): void => {
      res.off('drain', done);
      reject(new Error('client went away'));
    };
    res.once('drain', done);
    res.once('close', closed);
  });
}

async function handle(
  gateway: Gateway,
  req: IncomingMessage,
  res: ServerResponse,
  log: TonProxyOptions['log'],
) {
  const started = performance.now();
  const target = req.url ?? '';
  if (!/^http:\/\//i.test(target)) {
    const why = /^https?:/i.test(target)
      ? 'https:// is not supported: TON Sites are plain http:// over end-to-end encrypted RLDP'
      : 'this is an HTTP proxy: send absolute-form requests (GET http://site.ton/ HTTP/1.1)';
    plain(res, 400, why);
    return;
  }
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    plain(res, 400, `bad URL ${target}`);
    return;
  }
  if (!isTonHost(url.hostname)) {
    plain(res, 403, `${url.hostname} is not a TON host; this proxy serves .ton, .t.me, .adnl and .bag only`);
    return;
  }
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const hasBody =
    req.headers['content-length'] !== undefined
      ? Number(req.headers['content-length']) > 0
      : req.headers['transfer-encoding'] !== undefined;
  const headers = forwardedRequestHeaders(req);
  // Content-Length stays in the list (the HTTP client takes the body's length from it); Transfer-Encoding goes.
  try {
    const response = await gateway.fetch(url, {
      method: req.method,
      headers,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : null,
      signal: controller.signal,
    });
    const raw: string[] = [];
    // The length is that of what is sent: without a payload the site's Content-Length stays only where it
    // describes the representation (HEAD, 304); with one, the HTTP client already holds the body to it.
    const length = response.body ? 'site' : contentLengthWithoutPayload(req.method ?? 'GET', response.status);
    for (const [name, value] of response.headers) {
      const lower = name.toLowerCase();
      if (NOT_FORWARDED.has(lower) || (lower === 'content-length' && length !== 'site')) continue;
      raw.push(name, value);
    }
    if (length === 'zero') raw.push('Content-Length', '0');
    res.writeHead(response.status, response.statusText, raw);
    if (response.body) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          await write(res, r.value);
        }
      } catch (error) {
        void reader.cancel().catch(() => {});
        log?.({ event: 'body-failed', url: url.href, error: String((error as Error)?.message ?? error) });
        res.destroy(); // the client must see a broken response, not a short one
        return;
      }
    }
    res.end();
    const done = await response.done;
    log?.({
      event: 'request',
      method: req.method,
      url: url.href,
      status: response.status,
      bytes: done.bytes,
      ms: Math.round(performance.now() - started),
    });
  } catch (error) {
    const e = error instanceof GatewayError ? error : new GatewayError('http', url.hostname, String(error));
    log?.({ event: 'failed', method: req.method, url: url.href, stage: e.stage, error: e.message });
    if (res.headersSent) res.destroy();
    else plain(res, STATUS_OF_STAGE[e.stage] ?? 502, `[${e.stage}] ${e.message}`, e.stage);
  }
}

/** Starts the proxy; resolves once it listens. */
export function startTonProxy(options: TonProxyOptions): Promise<TonProxy> {
  const server = createServer((req, res) => {
    handle(options.gateway, req, res, options.log).catch(() => res.destroy());
  });
  // CONNECT (https tunnels) is not for TON Sites.
  server.on('connect', (_req, socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const a = server.address() as AddressInfo;
      const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      resolve({
        url: `http://${host}:${a.port}`,
        host: a.address,
        port: a.port,
        server,
        close: () =>
          new Promise<void>((r) => {
            server.close(() => r());
            server.closeAllConnections();
          }),
      });
    });
  });
}
