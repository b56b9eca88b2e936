/**
 * ADNL sites in the gateway (DIGEST §8.2, §11): the site's connection (resolver → connector, with the first
 * request riding along with the capabilities query, early-request.ts), the HTTP-over-RLDP request, the body as
 * the consumer reads it, and the request log's stages and end. Failures are GatewayErrors naming their stage.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { adnlId as adnlIdOfKey, adnlIdToText } from '../crypto/index.ts';
import {
  hexOf,
  HttpError,
  type BodyEnd,
  type HttpClient,
  type HttpRequestInit,
  type HttpResponse,
} from '../http/index.ts';
import { BodyEndGate, firstResponse, mayGoEarly } from './early-request.ts';
import { GatewayError, messageOf, untilAborted, type GatewayStage } from './errors.ts';
import type { EarlyRequest, PeerConnection, PeerConnector, SendEarly } from './peer-connector.ts';
import type { RequestLog } from './request-log.ts';
import type { ResolvedSite, SiteResolver } from './site-resolver.ts';
import type { SiteTarget } from './target.ts';
import type { GatewayFetchInit, GatewayResponse, SiteInfo } from './types.ts';

export interface AdnlSiteFetch {
  http: HttpClient;
  connector: PeerConnector;
  /** Resolves the site when the gateway has not (an .adnl host). */
  resolver: SiteResolver;
  /** The capabilities we announce: the early request goes in RLDP2 when they offer it. */
  ours: bigint;
  url: URL;
  target: SiteTarget;
  /** The site as the gateway resolved it (DNS names), else undefined. */
  resolved?: ResolvedSite;
  /** Upper-cased. */
  method: string;
  /** Headers, body, signal; `peer`: connect to this peer (`--peer`), skipping DNS and the DHT. */
  init: GatewayFetchInit;
  log: RequestLog;
}

/** Fetches `c.url` from its ADNL site. Rejects with GatewayError only; the body's errors are GatewayErrors too. */
export async function fetchAdnlSite(c: AdnlSiteFetch): Promise<Omit<GatewayResponse, 'done'>> {
  let tRequest = 0;
  let tBody = 0;
  let headDone = false;
  let pendingEnd: BodyEnd | null = null;
  let site: SiteInfo | null = null;
  const bodyEnded = (end: BodyEnd): void => {
    c.log.entry.bytes = end.bytes;
    if (end.error) c.log.failed('body', tBody, end.error);
    else if (end.parts > 0) c.log.stage('body', tBody);
    if (end.error) {
      if ((end.error.kind === 'timeout' || end.error.kind === 'transport') && site) {
        c.connector.forget(site.adnlId);
      }
      c.log.finish(httpFailure(end.error, c.target.host, 'body'));
    } else c.log.finish();
  };
  const request: HttpRequestInit = {
    url: c.url.href,
    method: c.method,
    headers: c.init.headers,
    body: c.init.body,
    signal: c.init.signal,
    onBodyEnd: (end) => {
      if (headDone) bodyEnded(end);
      else pendingEnd = end;
    },
  };
  // A request that opens the connection goes out with the capabilities query, in the same flush, in RLDP2
  // when we speak it (early-request.ts: which version an unknown peer accepts). Only safe methods without a
  // body: it may have to be sent again in v1, and it is cancelled if the handshake fails.
  let early: Promise<HttpResponse> | null = null;
  const earlyVersion: 1 | 2 = c.ours & 1n ? 2 : 1;
  const earlyGate = new BodyEndGate(request.onBodyEnd!);
  const cancelEarly = new AbortController();
  let connected!: { resolve: () => void; reject: (e: unknown) => void };
  const handshake = new Promise<void>((resolve, reject) => (connected = { resolve, reject }));
  handshake.catch(() => undefined);
  const sendEarly = mayGoEarly(c.method, c.init.body != null)
    ? (peer: AdnlPeer): EarlyRequest => {
        tRequest = c.log.now();
        c.init.signal?.addEventListener('abort', () => cancelEarly.abort(), { once: true });
        early = c.http.request(peer, {
          ...request,
          onBodyEnd: (end) => earlyGate.push(end),
          signal: cancelEarly.signal,
          rldpVersion: earlyVersion,
          partsAfter: handshake, // the body then goes in the version the capabilities chose
        });
        early.catch(() => undefined); // awaited below, unless the connection fails first
        return { response: early, version: earlyVersion };
      }
    : undefined;
  // Resolution and connection are shared with concurrent requests: an abort only stops waiting for them.
  let conn: PeerConnection;
  try {
    ({ site, conn } = await untilAborted(siteConnection(c, sendEarly), c.init.signal, c.target.host));
  } catch (error) {
    connected.reject(error);
    cancelEarly.abort();
    throw error;
  }
  connected.resolve();
  c.log.entry.rldpVersion = conn.version;
  c.log.entry.adnl = site.adnl;
  c.log.entry.address = `${conn.address.host}:${conn.address.port}`;

  let response;
  try {
    if (early && conn.version === earlyVersion) {
      earlyGate.open();
      response = await (early as Promise<HttpResponse>);
    } else if (early) {
      // No RLDP2 bit: the peer may have taken the early request anyway (tonutils-go) or dropped it (v1
      // only). Ask again in v1 now; the first head wins, the other request is cancelled.
      const cancelLate = new AbortController();
      c.init.signal?.addEventListener('abort', () => cancelLate.abort(), { once: true });
      const lateGate = new BodyEndGate(request.onBodyEnd!);
      const late = c.http.request(conn.peer, {
        ...request,
        onBodyEnd: (end) => lateGate.push(end),
        signal: cancelLate.signal,
      });
      response = await firstResponse([
        { response: early, gate: earlyGate, cancel: () => cancelEarly.abort() },
        { response: late, gate: lateGate, cancel: () => cancelLate.abort() },
      ]);
    } else {
      tRequest = c.log.now();
      response = await c.http.request(conn.peer, request);
    }
  } catch (error) {
    c.log.failed('request', tRequest, error);
    if (error instanceof HttpError && (error.kind === 'timeout' || error.kind === 'transport')) {
      c.connector.forget(site.adnlId);
    }
    throw httpFailure(error, c.target.host, 'request');
  }
  c.log.stage('request', tRequest, `HTTP ${response.status}`);
  c.log.entry.status = response.status;
  tBody = c.log.now();
  headDone = true;
  if (pendingEnd) bodyEnded(pendingEnd);
  const body = response.body ? wrapBody(response.body, c.target.host) : null;
  return {
    url: c.url.href,
    status: response.status,
    statusText: response.reason,
    httpVersion: response.httpVersion,
    headers: response.headers,
    body,
    trailers: response.trailers,
    site,
    log: c.log.entry,
  };
}

/**
 * The site's connection: to the `--peer` given (its key must be the .adnl host's), else to the resolved site's
 * ADNL id. `sendEarly` rides along with the handshake of a new connection.
 */
async function siteConnection(
  c: AdnlSiteFetch,
  sendEarly?: SendEarly,
): Promise<{ conn: PeerConnection; site: SiteInfo }> {
  const { target, log, resolved: known } = c;
  const forced = c.init.peer;
  if (forced) {
    const id = adnlIdOfKey(forced.publicKey);
    if (target.kind === 'adnl' && hexOf(target.adnlId) !== hexOf(id)) {
      throw new GatewayError('url', target.host, `--peer key is not the key of ${target.host}`);
    }
    if (!c.connector.hasStaticPeer(id)) c.connector.addPeer(forced);
    const conn = await c.connector.connection(id, target.host, log, sendEarly);
    return { conn, site: siteInfo(target, { adnlId: id, expiresAt: 0 }, conn) };
  }
  const resolved = known ?? (await c.resolver.resolve(target, log));
  if (!resolved.adnlId)
    throw new GatewayError('storage', target.host, `${target.host} is a TON Storage site`);
  const conn = await c.connector.connection(resolved.adnlId, target.host, log, sendEarly);
  return { conn, site: siteInfo(target, resolved, conn) };
}

/** What the response tells about the site it came from. */
function siteInfo(
  target: SiteTarget,
  resolved: ResolvedSite & { adnlId: Uint8Array },
  conn: PeerConnection,
): SiteInfo {
  return {
    host: target.host,
    kind: target.kind,
    adnlId: resolved.adnlId,
    adnl: adnlIdToText(resolved.adnlId),
    address: conn.address,
    rldpVersion: conn.version,
    record: resolved.record,
  };
}

/** An HTTP-layer failure as the GatewayError a user sees (the stage from the HttpError kind). */
function httpFailure(error: unknown, host: string, what: 'request' | 'body'): GatewayError {
  if (error instanceof GatewayError) return error;
  if (!(error instanceof HttpError))
    return new GatewayError('http', host, messageOf(error), { cause: error });
  const stages: Record<string, GatewayStage> = {
    timeout: 'rldp-timeout',
    transport: 'rldp',
    aborted: 'aborted',
    closed: 'closed',
    protocol: 'http',
    limit: 'http',
    request: 'http',
  };
  const where = what === 'request' ? 'the request' : 'the response body';
  const message =
    error.kind === 'timeout'
      ? `${host} did not answer ${where} in time (${error.message})`
      : `${host}: ${where} failed: ${error.message}`;
  return new GatewayError(stages[error.kind] ?? 'http', host, message, { cause: error });
}

/** The body as the consumer sees it: same chunks, no extra buffering, failures as GatewayError. */
function wrapBody(inner: ReadableStream<Uint8Array>, host: string): ReadableStream<Uint8Array> {
  const reader = inner.getReader();
  return new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        try {
          const r = await reader.read();
          if (r.done) controller.close();
          else controller.enqueue(r.value);
        } catch (error) {
          throw httpFailure(error, host, 'body');
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}
