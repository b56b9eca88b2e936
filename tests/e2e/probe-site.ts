/**
 * A second kind of TON Site for the e2e tests, reached by its .adnl address (no DNS name): the devnet's own site
 * server (src/devnet/sites, our RLDP/HTTP server side) with routes that show what the gateway forwarded and that
 * exercise its limits — request echo, a cross-site iframe, a site that ignores Range, a body too large to hold.
 */
import { createHash } from 'node:crypto';
import { startSiteServer, type SiteServer } from '../../src/devnet/sites/index.ts';
import type { DevnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import type { HttpHandler, HttpServerRequest } from '../../src/net/http/index.ts';

export const NO_RANGE_SIZE = 1536 * 1024;
export const HUGE_SIZE = 40 * 1024 * 1024;

/** Byte i of the /norange body. */
export const noRangeByte = (i: number): number => (i * 7 + (i >> 8)) & 0xff;

async function readAll(request: HttpServerRequest): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  for await (const c of request.body as unknown as AsyncIterable<Uint8Array>) chunks.push(c);
  return new Uint8Array(Buffer.concat(chunks));
}

function html(body: string): { status: number; headers: [string, string][]; body: Uint8Array } {
  return {
    status: 200,
    headers: [['Content-Type', 'text/html; charset=utf-8']],
    body: new TextEncoder().encode(body),
  };
}

/** A stream of `size` bytes made as it is read (the site never holds it). */
function generated(size: number, byte: (i: number) => number): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= size) {
        controller.close();
        return;
      }
      const n = Math.min(256 * 1024, size - offset);
      const chunk = new Uint8Array(n);
      for (let i = 0; i < n; i++) chunk[i] = byte(offset + i);
      offset += n;
      controller.enqueue(chunk);
    },
  });
}

/** The longest /slow delay (ms). */
export const MAX_SLOW_MS = 60_000;

/** Requests the probe site received (`METHOD /path?query`), in order. */
export type ProbeLog = string[];

export function probeHandler(iframeUrl: string, log: ProbeLog = []): HttpHandler {
  return async (request) => {
    const [path, query = ''] = request.path.split('?');
    log.push(`${request.method} ${request.path}`);
    switch (path) {
      case '/':
        return html('<!doctype html><title>Probe</title><h1 id="probe">Probe site</h1>');
      case '/headers': {
        const body = await readAll(request);
        const json = JSON.stringify({
          method: request.method,
          url: request.url,
          headers: request.headers,
          bodyLength: body.length,
          bodySha256: createHash('sha256').update(body).digest('hex'),
        });
        return {
          status: 200,
          headers: [['Content-Type', 'application/json']],
          body: new TextEncoder().encode(json),
        };
      }
      case '/setcookie':
        return {
          status: 200,
          headers: [
            ['Content-Type', 'text/html; charset=utf-8'],
            ['Set-Cookie', 'probe=1; Path=/'],
            ['Set-Cookie', 'probe2=two; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
          ],
          body: new TextEncoder().encode('<!doctype html><p id="set">set</p>'),
        };
      case '/iframe':
        return html(
          `<!doctype html><title>Frame</title><h1 id="outer">Outer page</h1><iframe id="inner" src="${iframeUrl}" width="600" height="300"></iframe>`,
        );
      case '/norange':
        // Ignores Range on purpose: the gateway must cut the window itself.
        return {
          status: 200,
          headers: [
            ['Content-Type', 'application/octet-stream'],
            ['Content-Length', String(NO_RANGE_SIZE)],
          ],
          body: generated(NO_RANGE_SIZE, noRangeByte),
        };
      case '/huge':
        return {
          status: 200,
          headers: [
            ['Content-Type', 'application/octet-stream'],
            ['Content-Length', String(HUGE_SIZE)],
          ],
          body: generated(HUGE_SIZE, () => 0x5a),
        };
      case '/slow': {
        // Answers after ?ms= milliseconds: a response in flight while the extension's worker is stopped.
        const ms = Math.min(Number(new URLSearchParams(query).get('ms')) || 0, MAX_SLOW_MS);
        await new Promise((r) => setTimeout(r, ms));
        return {
          status: 200,
          headers: [['Content-Type', 'text/html; charset=utf-8']],
          body: new TextEncoder().encode(`<!doctype html><title>Slow</title><p id="slow">slow ${ms}</p>`),
        };
      }
      default:
        return {
          status: 404,
          headers: [['Content-Type', 'text/plain']],
          body: new TextEncoder().encode('not found\n'),
        };
    }
  };
}

export interface ProbeSite {
  server: SiteServer;
  /** http://<adnl>.adnl */
  origin: string;
  /** Requests received (`METHOD /path?query`), in order. */
  log: ProbeLog;
  close(): void;
}

export async function startProbeSite(dht: DevnetDhtPlugin, iframeUrl: string): Promise<ProbeSite> {
  const keyPair = generateKeyPair();
  const log: ProbeLog = [];
  const server = await startSiteServer({
    name: 'probe',
    handler: probeHandler(iframeUrl, log),
    keyPair,
    rldpVersion: 2,
    host: '127.0.0.1',
  });
  await (await dht.ready).publishAddress(keyPair, server.address);
  return { server, origin: `http://${server.adnl}.adnl`, log, close: () => server.close() };
}
