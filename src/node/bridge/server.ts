/**
 * The bridge's WebSocket server: an HTTP server whose upgrade requests are dispatched by URL path to a route
 * (route.ts). Everything that protects the bridge and its other clients lives here: the Origin policy (origin.ts),
 * per-IP stream counts with reclaiming of streams that carry nothing both ways, a total stream cap, per-stream
 * byte budget (flooding datagram streams closed), idle timeout, a frame size cap (ws `maxPayload`), a downstream
 * memory budget shared by all streams (slow readers), per-stream error isolation, a graceful drain and a clean
 * shutdown. Over TLS (wss://) when given a certificate; `/healthz` and `/metrics` (status.ts) on the same port
 * unless the operator serves them elsewhere. It keeps no state beyond its open streams, so any number of
 * instances can serve one hostname behind a load balancer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BridgeCloseCode } from '../../net/transport/bridge-protocol.ts';
import type { BridgeDestination } from './destinations.ts';
import { BridgeConfigError, resolveLimits, type BridgeLimits } from './limits.ts';
import { ClientAddressPolicy } from './client-address.ts';
import { silentLogger, type BridgeLogFields, type BridgeLogger } from './log.ts';
import { BridgeMetrics, type MetricFamily, type RefusalReason } from './metrics.ts';
import type { BridgeRoute, BridgeStreamContext } from './route.ts';
import { OriginPolicy } from './origin.ts';
import { serveStatus, type BridgeHealth } from './status.ts';
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
  /**
   * Web origins (scheme://host[:port]) whose pages may open streams. Requests without Origin (programs) and from
   * browser extensions are always served; any other Origin is refused at the upgrade with 403 (origin.ts).
   */
  allowOrigins?: readonly string[];
  /** PEM certificate chain and private key: serve wss:// (TLS) instead of ws://. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * Addresses of reverse proxies in front of the bridge: for their connections the client address (stream caps,
   * logs) is taken from X-Forwarded-For (client-address.ts).
   */
  trustProxies?: readonly string[];
  /** Serve `/healthz` and `/metrics` on this port (default true; false when a separate status port serves them). */
  statusEndpoints?: boolean;
}

export interface BridgeServer {
  /** `ws://host:port` — base URL for clients (bridgeTcpUrl appends `/tcp?...`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly limits: BridgeLimits;
  /** Streams currently open. */
  readonly openStreams: number;
  /** True once drain() or close() began: new streams are refused. */
  readonly draining: boolean;
  /** What `/healthz` answers. */
  health(): BridgeHealth;
  /** What `/metrics` shows: the server's counters and every route's. */
  metrics(): MetricFamily[];
  /**
   * Graceful drain: stops listening (a load balancer's next connection goes to another instance), refuses new
   * streams, lets open streams finish for up to `graceMs`, then closes what is left with 1001 (close()).
   * Resolves when the bridge is closed. Idempotent; close() during a drain ends it at once.
   */
  drain(graceMs: number): Promise<void>;
  /**
   * Replaces the TLS certificate and key for connections from now on (a renewed certificate; open streams keep
   * theirs). Throws when the bridge serves plain ws:// or the pair is unusable (the old one stays).
   */
  setTlsCertificate(tls: { cert: string | Buffer; key: string | Buffer }): void;
  /** Mounts another route (path must be unused). */
  addRoute(route: BridgeRoute): void;
  /** Stops accepting, closes every stream with 1001, resolves when the listener is closed. Idempotent. */
  close(): Promise<void>;
}

/** Time a closing WebSocket gets to complete the close handshake before its socket is destroyed. */
const CLOSE_GRACE_MS = 2_000;

/** The smallest downstream high water a stream gets however many streams share the budget. */
const MIN_DOWNSTREAM_HIGH_WATER = 16 * 1024;

export async function startBridge(options: BridgeOptions): Promise<BridgeServer> {
  const limits = resolveLimits(options.limits);
  const log = options.logger ?? silentLogger;
  const routes = new Map<string, BridgeRoute>();
  const streams = new Set<StreamState>();
  const perClient = new Map<string, Set<StreamState>>();
  const origins = new OriginPolicy(options.allowOrigins);
  const clients = new ClientAddressPolicy(options.trustProxies);
  const metrics = new BridgeMetrics();
  const started = performance.now();
  const statusEndpoints = options.statusEndpoints ?? true;
  let nextId = 1;
  let closing: Promise<void> | null = null;
  let draining: Promise<void> | null = null;
  let stopDrainWait: (() => void) | null = null;

  const addRoute = (route: BridgeRoute) => {
    if (routes.has(route.path)) throw new Error(`bridge route ${route.path} already mounted`);
    routes.set(route.path, route);
    metrics.addRoute(route.path);
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

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (statusEndpoints && serveStatus(bridge, req, res)) return;
    res.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
    res.end('tonsite bridge: WebSocket only (see /tcp)\n');
  };
  const http: Server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createServer(onRequest);
  http.on('clientError', (_error, socket) => socket.destroy());
  // A failed TLS handshake (a scanner, a client not trusting the certificate) ends that connection only.
  http.on('tlsClientError', (_error: Error, socket: Duplex) => socket.destroy());
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const client = clients.clientOf(req);
    if (draining || closing) {
      // A load balancer retries elsewhere on 503; a client sees a failed handshake and reconnects.
      refused('draining', { client });
      socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    const origin = req.headers.origin;
    if (!origins.allows(origin)) {
      // Refused before the handshake: a web page gets no WebSocket at all (origin.ts). The origin is the
      // caller's own page address, not payload; it is logged so an operator can see who tried.
      refused('origin', { client, origin });
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, client));
  });

  function refused(reason: RefusalReason, fields: BridgeLogFields): void {
    metrics.refused(reason);
    log('stream-refused', { ...fields, reason: reason.replace(/_/g, ' ') });
  }

  function accept(ws: WebSocket, req: IncomingMessage, client: string): void {
    const url = requestUrl(req);
    const route = routes.get(url.pathname);
    const id = nextId++;
    // Errors (bad frames, oversize messages, resets) only ever end this one stream.
    ws.on('error', () => {});
    if (!route) {
      refused('unknown_path', { stream: id, client });
      ws.close(BridgeCloseCode.BAD_REQUEST, 'unknown path');
      return;
    }
    if (closing || draining) {
      refused('draining', { stream: id, client });
      ws.close(BridgeCloseCode.GOING_AWAY, 'bridge shutting down');
      return;
    }
    const mine = perClient.get(client);
    if ((mine?.size ?? 0) >= limits.maxStreamsPerClient && !reclaim(mine!)) {
      refused('too_many_streams', { stream: id, client });
      ws.close(BridgeCloseCode.TOO_MANY_STREAMS, 'too many streams');
      return;
    }
    if (streams.size >= limits.maxStreamsTotal && !reclaim(streams)) {
      refused('too_many_streams', { stream: id, client });
      ws.close(BridgeCloseCode.TOO_MANY_STREAMS, 'too many streams');
      return;
    }
    const state = new StreamState(
      id,
      client,
      ws,
      url,
      limits,
      route.path,
      log,
      metrics,
      downstreamHighWater,
      () => {
        streams.delete(state);
        if (streams.size === 0) stopDrainWait?.();
        const set = perClient.get(client);
        set?.delete(state);
        if (set?.size === 0) perClient.delete(client);
      },
    );
    if (mine) mine.add(state);
    else perClient.set(client, new Set([state]));
    streams.add(state);
    try {
      route.open(state);
    } catch (error) {
      // A route bug must not take the bridge down; report the class only, never data.
      state.annotate({ routeError: (error as Error)?.name ?? 'Error' });
      state.close(1011, 'internal error');
    }
  }

  /**
   * Makes room among `candidates` (one client's streams, or all): closes the one flooding now, else the one whose
   * last traffic in both directions is oldest, if that is older than reclaimAfterMs. A client sending now and then
   * into a relay that never answers keeps its streams from the idle timeout, but not from this.
   */
  function reclaim(candidates: Iterable<StreamState>): boolean {
    const now = performance.now();
    let victim: StreamState | null = null;
    for (const s of candidates) {
      if (s.ended) continue;
      if (s.flooding) {
        victim = s;
        break;
      }
      if (now - s.lastTwoWayAt < limits.reclaimAfterMs) continue;
      if (!victim || s.lastTwoWayAt < victim.lastTwoWayAt) victim = s;
    }
    if (!victim) return false;
    victim.close(BridgeCloseCode.TOO_MANY_STREAMS, 'reclaimed for a newer stream');
    return true;
  }

  /** Each stream's share of the downstream budget, capped by the per-stream high water (slow readers). */
  function downstreamHighWater(): number {
    const share = Math.floor(limits.downstreamTotalBytes / Math.max(1, streams.size));
    return Math.max(MIN_DOWNSTREAM_HIGH_WATER, Math.min(limits.downstreamHighWaterBytes, share));
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
  const scheme = options.tls ? 'wss' : 'ws';
  const url = `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log('listening', { url, destinations: options.destinations.length, routes: [...routes.keys()].join(',') });

  let listenerClosed: Promise<void> | null = null;
  const stopListening = () =>
    (listenerClosed ??= new Promise<void>((resolve) => http.close(() => resolve())));

  const bridge: BridgeServer = {
    url,
    host,
    port,
    limits,
    get openStreams() {
      return streams.size;
    },
    get draining() {
      return draining !== null || closing !== null;
    },
    health() {
      const byRoute = metrics.openByRoute();
      return {
        status: draining || closing ? 'draining' : 'ok',
        liteservers: options.destinations.length,
        streams: streams.size,
        streamsByRoute: Object.fromEntries([...routes.keys()].map((r) => [r, byRoute[r] ?? 0])),
        uptimeSeconds: Math.round((performance.now() - started) / 1000),
      };
    },
    metrics() {
      const own: MetricFamily[] = [
        {
          name: 'tonsite_bridge_up',
          help: '1 while serving, 0 while draining.',
          type: 'gauge',
          samples: [{ value: draining || closing ? 0 : 1 }],
        },
        {
          name: 'tonsite_bridge_uptime_seconds',
          help: 'Seconds since the bridge started.',
          type: 'gauge',
          samples: [{ value: Math.round((performance.now() - started) / 1000) }],
        },
        {
          name: 'tonsite_bridge_liteservers',
          help: 'Liteservers the /tcp route may reach.',
          type: 'gauge',
          samples: [{ value: options.destinations.length }],
        },
      ];
      return [...own, ...metrics.families(), ...[...routes.values()].flatMap((r) => r.metrics?.() ?? [])];
    },
    addRoute,
    setTlsCertificate(tls) {
      if (!options.tls)
        throw new BridgeConfigError('this bridge serves ws:// (started without a certificate)');
      (http as TlsServer).setSecureContext({ cert: tls.cert, key: tls.key });
      log('tls-reloaded', {});
    },
    drain(graceMs) {
      draining ??= (async () => {
        log('draining', { streams: streams.size, graceMs });
        void stopListening();
        if (streams.size > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, graceMs);
            stopDrainWait = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        await bridge.close();
      })();
      return draining;
    },
    close() {
      closing ??= (async () => {
        stopDrainWait?.();
        const closed = stopListening();
        const ends = [...streams].map((s) => s.closed);
        for (const s of streams) s.close(BridgeCloseCode.GOING_AWAY, 'bridge shutting down');
        await Promise.all(ends);
        http.closeAllConnections();
        await closed;
        wss.close();
        log('stopped', {});
      })();
      return closing;
    },
  };
  return bridge;
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
  private released = false;
  private lastUpAt: number;
  private lastDownAt: number;
  /** Flood detection: bytes dropped over budget in the current one-second window, and such windows in a row. */
  private windowStart: number;
  private windowDropped = 0;
  private floodWindows = 0;
  readonly closed: Promise<void>;

  constructor(
    readonly id: number,
    readonly client: string,
    readonly ws: WebSocket,
    readonly url: URL,
    readonly limits: BridgeLimits,
    private readonly route: string,
    private readonly log: BridgeLogger,
    private readonly metrics: BridgeMetrics,
    readonly downstreamHighWater: () => number,
    private readonly onRelease: () => void,
  ) {
    this.lastUpAt = this.lastDownAt = this.windowStart = this.opened;
    this.bucket = new TokenBucket(limits.maxBytesPerSecond, limits.burstBytes);
    this.idleTimer = setTimeout(() => this.close(BridgeCloseCode.IDLE_TIMEOUT, 'idle'), limits.idleTimeoutMs);
    this.closed = new Promise((resolve) => {
      ws.once('close', (code: number) => {
        this.end(code);
        resolve();
      });
    });
    metrics.streamOpened(route);
    log('stream-open', { stream: id, client, route });
  }

  get ended(): boolean {
    return this.isEnded || this.closeCode !== undefined;
  }

  /** The last moment this stream carried traffic both ways (the older of its last byte up and down). */
  get lastTwoWayAt(): number {
    return Math.min(this.lastUpAt, this.lastDownAt);
  }

  /** Offering over twice its budget in the last full second. */
  get flooding(): boolean {
    return this.floodWindows > 0;
  }

  acceptFromClient(bytes: number, overBudget: 'close' | 'drop' = 'close'): boolean {
    if (this.ended) return false;
    this.bytesFromClient += bytes;
    this.metrics.bytesFromClient(this.route, bytes);
    const now = performance.now();
    this.lastUpAt = now;
    this.idleTimer.refresh();
    if (now - this.windowStart >= 1000) this.rollFloodWindow(now);
    if (!this.bucket.take(bytes)) {
      if (overBudget === 'close') this.close(BridgeCloseCode.RATE_LIMITED, 'rate limit exceeded');
      else this.windowDropped += bytes;
      return false;
    }
    return true;
  }

  /**
   * A datagram stream is not closed for one burst over budget (its messages are dropped), but one that keeps
   * offering more than twice its budget costs the bridge CPU for every message it sends: after
   * floodCloseSeconds such seconds in a row it is closed.
   */
  private rollFloodWindow(now: number): void {
    const seconds = (now - this.windowStart) / 1000;
    const flooding = this.windowDropped > this.limits.maxBytesPerSecond * seconds;
    this.floodWindows = flooding ? this.floodWindows + 1 : 0;
    this.windowStart = now;
    this.windowDropped = 0;
    if (this.floodWindows >= this.limits.floodCloseSeconds) {
      this.close(BridgeCloseCode.RATE_LIMITED, 'flooding');
    }
  }

  sentToClient(bytes: number): void {
    this.bytesToClient += bytes;
    this.metrics.bytesToClient(this.route, bytes);
    this.lastDownAt = performance.now();
    this.idleTimer.refresh();
  }

  annotate(fields: BridgeLogFields): void {
    Object.assign(this.fields, fields);
  }

  onEnd(fn: () => void): void {
    if (this.isEnded) fn();
    else this.endHandlers.push(fn);
  }

  refuse(code: number, reason: string, why: RefusalReason): void {
    if (this.ended) return;
    this.metrics.refused(why);
    this.annotate({ refused: why.replace(/_/g, ' ') });
    this.close(code, reason);
  }

  close(code: number, reason: string): void {
    if (this.closeCode !== undefined || this.isEnded) return;
    if (code === BridgeCloseCode.RATE_LIMITED) this.metrics.rateLimitClosed(this.route);
    this.closeCode = code;
    this.closeReason = reason;
    clearTimeout(this.idleTimer);
    this.runEndHandlers();
    // Its slot is free at once (a reclaimed stream makes room for the one that asked for it).
    this.release();
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

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.metrics.streamEnded(this.route);
    this.onRelease();
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
