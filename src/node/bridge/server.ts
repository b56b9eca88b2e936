/**
 * The bridge's WebSocket server: an HTTP server whose upgrade requests are dispatched by URL path to a route
 * (route.ts). Everything that protects the bridge and its other clients lives here: per-IP stream counts, a
 * total stream cap, per-stream byte budget and idle timeout, a frame size cap (ws `maxPayload`), per-stream error
 * isolation, and a clean shutdown.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BridgeCloseCode } from '../../net/transport/bridge-protocol.ts';
import type { BridgeDestination } from './destinations.ts';
import { resolveLimits, type BridgeLimits } from './limits.ts';
import { silentLogger, type BridgeLogFields, type BridgeLogger } from './log.ts';
import type { BridgeRoute, BridgeStreamContext } from './route.ts';
import { tcpRoute } from './tcp-route.ts';
import { TokenBucket } from './token-bucket.ts';

export interface BridgeOptions {
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Listen port; default 0 (ephemeral). */
  port?: number;
  /** Liteservers the `/tcp` route may connect to (from the bridge's global config). */
  destinations: readonly BridgeDestination[];
  limits?: Partial<BridgeLimits>;
  logger?: BridgeLogger;
  /** Extra routes (e.g. the `/udp` datagram relay) mounted beside `/tcp`. */
  routes?: BridgeRoute[];
}

export interface BridgeServer {
  /** `ws://host:port` — base URL for clients (bridgeTcpUrl appends `/tcp?...`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly limits: BridgeLimits;
  /** Streams currently open. */
  readonly openStreams: number;
  /** Mounts another route (path must be unused). */
  addRoute(route: BridgeRoute): void;
  /** Stops accepting, closes every stream with 1001, resolves when the listener is closed. Idempotent. */
  close(): Promise<void>;
}

/** Time a closing WebSocket gets to complete the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;

export async function startBridge(options: BridgeOptions): Promise<BridgeServer> {
  const limits = resolveLimits(options.limits);
  const log = options.logger ?? silentLogger;
  const routes = new Map<string, BridgeRoute>();
  const streams = new Set<StreamState>();
  const perClient = new Map<string, number>();
  let nextId = 1;
  let closing: Promise<void> | null = null;

  const addRoute = (route: BridgeRoute) => {
    if (routes.has(route.path)) throw new Error(`bridge route ${route.path} already mounted`);
    routes.set(route.path, route);
  };
  addRoute(tcpRoute(options.destinations));
  for (const route of options.routes ?? []) addRoute(route);

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // Only what the route speaks (`ws` would otherwise select the first subprotocol offered, whatever it is).
    handleProtocols: (offered: Set<string>, req: IncomingMessage) => {
      const route = routes.get(requestUrl(req).pathname);
      return route?.protocols?.find((p) => offered.has(p)) ?? false;
    },
  });

  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
    res.end('tonsite bridge: WebSocket only (see /tcp)\n');
  });
  http.on('clientError', (_error, socket) => socket.destroy());
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req));
  });

  function accept(ws: WebSocket, req: IncomingMessage): void {
    const client = req.socket.remoteAddress ?? 'unknown';
    const url = requestUrl(req);
    const route = routes.get(url.pathname);
    const id = nextId++;
    // Errors (bad frames, oversize messages, resets) only ever end this one stream.
    ws.on('error', () => {});
    if (!route) {
      log('stream-refused', { stream: id, client, reason: 'unknown path' });
      ws.close(BridgeCloseCode.BAD_REQUEST, 'unknown path');
      return;
    }
    if (closing) {
      ws.close(BridgeCloseCode.GOING_AWAY, 'bridge shutting down');
      return;
    }
    const held = perClient.get(client) ?? 0;
    if (held >= limits.maxStreamsPerClient || streams.size >= limits.maxStreamsTotal) {
      log('stream-refused', { stream: id, client, reason: 'too many streams' });
      ws.close(BridgeCloseCode.TOO_MANY_STREAMS, 'too many streams');
      return;
    }
    perClient.set(client, held + 1);
    const state = new StreamState(id, client, ws, url, limits, route.path, log, () => {
      streams.delete(state);
      const n = (perClient.get(client) ?? 1) - 1;
      if (n <= 0) perClient.delete(client);
      else perClient.set(client, n);
    });
    streams.add(state);
    try {
      route.open(state);
    } catch (error) {
      // A route bug must not take the bridge down; report the class only, never data.
      state.annotate({ routeError: (error as Error)?.name ?? 'Error' });
      state.close(1011, 'internal error');
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address() as AddressInfo;
  const host = address.address;
  const port = address.port;
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log('listening', { url, destinations: options.destinations.length, routes: [...routes.keys()].join(',') });

  return {
    url,
    host,
    port,
    limits,
    get openStreams() {
      return streams.size;
    },
    addRoute,
    close() {
      closing ??= (async () => {
        const listenerClosed = new Promise<void>((resolve) => http.close(() => resolve()));
        const ends = [...streams].map((s) => s.closed);
        for (const s of streams) s.close(BridgeCloseCode.GOING_AWAY, 'bridge shutting down');
        await Promise.all(ends);
        http.closeAllConnections();
        await listenerClosed;
        wss.close();
        log('stopped', {});
      })();
      return closing;
    },
  };
}

/** The upgrade request's URL (path and query; the host is a placeholder). */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? '/', 'ws://bridge.invalid');
  } catch {
    return new URL('ws://bridge.invalid/');
  }
}

/** One open stream: the shared accounting a route works through (BridgeStreamContext). */
class StreamState implements BridgeStreamContext {
  private readonly bucket: TokenBucket;
  private readonly idleTimer: NodeJS.Timeout;
  private readonly endHandlers: (() => void)[] = [];
  private readonly fields: BridgeLogFields = {};
  private readonly opened = performance.now();
  private closeCode: number | undefined;
  private closeReason = '';
  private bytesFromClient = 0;
  private bytesToClient = 0;
  private isEnded = false;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    readonly client: string,
    readonly ws: WebSocket,
    readonly url: URL,
    readonly limits: BridgeLimits,
    private readonly route: string,
    private readonly log: BridgeLogger,
    private readonly release: () => void,
  ) {
    this.bucket = new TokenBucket(limits.maxBytesPerSecond, limits.burstBytes);
    this.idleTimer = setTimeout(() => this.close(BridgeCloseCode.IDLE_TIMEOUT, 'idle'), limits.idleTimeoutMs);
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        this.end(code);
        resolve();
      });
    });
    log('stream-open', { stream: id, client, route });
  }

  get ended(): boolean {
    return this.isEnded || this.closeCode !== undefined;
  }

  acceptFromClient(bytes: number, overBudget: 'close' | 'drop' = 'close'): boolean {
    if (this.ended) return false;
    this.bytesFromClient += bytes;
    this.idleTimer.refresh();
    if (!this.bucket.take(bytes)) {
      if (overBudget === 'close') this.close(BridgeCloseCode.RATE_LIMITED, 'rate limit exceeded');
      return false;
    }
    return true;
  }

  sentToClient(bytes: number): void {
    this.bytesToClient += bytes;
    this.idleTimer.refresh();
  }

  annotate(fields: BridgeLogFields): void {
    Object.assign(this.fields, fields);
  }

  onEnd(fn: () => void): void {
    if (this.isEnded) fn();
    else this.endHandlers.push(fn);
  }

  close(code: number, reason: string): void {
    if (this.closeCode !== undefined || this.isEnded) return;
    this.closeCode = code;
    this.closeReason = reason;
    clearTimeout(this.idleTimer);
    this.runEndHandlers();
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
    // A client that never answers the close frame must not hold the stream slot.
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  private end(wsCode: number): void {
    if (this.isEnded) return;
    this.isEnded = true;
    clearTimeout(this.idleTimer);
    this.runEndHandlers();
    this.release();
    this.log('stream-close', {
      stream: this.id,
      client: this.client,
      route: this.route,
      ...this.fields,
      code: this.closeCode ?? wsCode,
      reason: this.closeReason || (this.closeCode === undefined ? 'client closed' : undefined),
      up: this.bytesFromClient,
      down: this.bytesToClient,
      ms: Math.round(performance.now() - this.opened),
    });
  }

  private runEndHandlers(): void {
    const handlers = this.endHandlers.splice(0);
    for (const fn of handlers) {
      try {
        fn();
      } catch {
        // cleanup of one stream never affects the others
      }
    }
  }
}
