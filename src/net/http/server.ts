/**
 * HTTP server over RLDP — the site end of DIGEST §8: answers http.request queries by calling a handler, keeps each
 * response body as a ChunkReader served to the asker's http.getNextPayloadPart pulls (seqno by seqno, as the C++
 * HttpRldpPayloadSender), and pulls request bodies from the client with its own getNextPayloadPart queries.
 * The owner routes incoming RLDP queries to `handleQuery` (RldpNode.onQuery) and answers capabilities on ADNL.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { ChunkReader, type BodySource } from './body.ts';
import {
  boxedId,
  decodeGetNextPayloadPart,
  decodeHttpRequest,
  decodePayloadPart,
  encodeGetNextPayloadPart,
  encodeHttpResponse,
  encodePayloadPart,
  HTTP_GET_NEXT_PAYLOAD_PART_ID,
  HTTP_REQUEST_ID,
  type HttpRequestHead,
  type HttpResponseHead,
} from './codec.ts';
import { HttpError } from './errors.ts';
import {
  bodyFraming,
  checkHeaders,
  HOP_BY_HOP_HEADERS,
  headerValue,
  responseHasPayload,
  withoutHeaders,
  type HeaderList,
} from './headers.ts';
import {
  HTTP_CHUNK_SIZE,
  HTTP_MAX_REQUEST_HEAD,
  HTTP_MAX_TRAILERS,
  HTTP_PART_TIMEOUT_MS,
  HTTP_SERVER_IDLE_MS,
  PAYLOAD_PART_OVERHEAD,
  payloadPartMaxAnswer,
} from './limits.ts';
import { reasonPhrase } from './status.ts';
import {
  hexOf,
  transportFailure,
  unrefTimer,
  type IncomingQueryContext,
  type HttpRldpTransport,
} from './transport.ts';

export interface HttpServerRequest {
  id: Uint8Array;
  peer: AdnlPeer;
  method: string;
  /** As the client sent it (usually absolute: http://host/path). */
  url: string;
  /** Path and query of `url` ("/" when it has none). */
  path: string;
  httpVersion: string;
  headers: HeaderList;
  /** The request body, pulled from the client as it is read; null when the request has none. */
  body: ReadableStream<Uint8Array> | null;
  /** Aborted when the asker's deadline passes or the server closes. */
  signal: AbortSignal;
}

export interface HttpServerResponse {
  status: number;
  reason?: string;
  /** Sent as given (order and duplicates kept), minus hop-by-hop headers; framing is added by the server. */
  headers?: HeaderList;
  body?: BodySource | null;
}

export type HttpHandler = (request: HttpServerRequest) => HttpServerResponse | Promise<HttpServerResponse>;

export interface HttpServerOptions {
  /** Largest part we serve per pull (default 2^21 - 2^11, the C++ watermark). */
  maxChunk?: number;
  /** Chunk we ask for when pulling a request body (default the same). */
  pullChunk?: number;
  /** Largest request body we accept (default 64 MiB); larger ones get 413 without being pulled. */
  maxRequestBody?: number;
  /** A response body nobody pulls for this long is dropped (default 30 s). */
  idleMs?: number;
  /** Response bodies being served at once, in all and per peer (defaults 1024 and 64). */
  maxActive?: number;
  maxActivePerPeer?: number;
  /** Deadline of one pull of a request body (default 15 s). */
  partTimeoutMs?: number;
}

export interface HttpServerStats {
  requests: number;
  errors: number;
  /** Response bodies currently served. */
  active: number;
}

interface Sender {
  peerKey: string;
  reader: ChunkReader | null;
  /** Resolves once the handler answered (early pulls wait for it). */
  ready: Promise<void>;
  seqno: number;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function pathOf(url: string): string {
  if (url.startsWith('/')) return url;
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return '/';
  }
}

function errorHead(httpVersion: string, status: number): HttpResponseHead {
  return {
    httpVersion,
    status,
    reason: reasonPhrase(status),
    headers: [['Content-Length', '0']],
    noPayload: true,
  };
}

export class HttpServer {
  readonly stats: HttpServerStats = { requests: 0, errors: 0, active: 0 };
  readonly #rldp: HttpRldpTransport;
  readonly #handler: HttpHandler;
  readonly #maxChunk: number;
  readonly #pullChunk: number;
  readonly #maxRequestBody: number;
  readonly #idleMs: number;
  readonly #maxActive: number;
  readonly #maxActivePerPeer: number;
  readonly #partTimeoutMs: number;
  readonly #senders = new Map<string, Sender>();
  readonly #perPeer = new Map<string, number>();
  readonly #closer = new AbortController();

  constructor(rldp: HttpRldpTransport, handler: HttpHandler, options: HttpServerOptions = {}) {
    this.#rldp = rldp;
    this.#handler = handler;
    this.#maxChunk = options.maxChunk ?? HTTP_CHUNK_SIZE;
    this.#pullChunk = options.pullChunk ?? HTTP_CHUNK_SIZE;
    this.#maxRequestBody = options.maxRequestBody ?? 64 * 1024 * 1024;
    this.#idleMs = options.idleMs ?? HTTP_SERVER_IDLE_MS;
    this.#maxActive = options.maxActive ?? 1024;
    this.#maxActivePerPeer = options.maxActivePerPeer ?? 64;
    this.#partTimeoutMs = options.partTimeoutMs ?? HTTP_PART_TIMEOUT_MS;
  }

  /** Answers http.request and http.getNextPayloadPart; null for other queries (so owners can chain). */
  handleQuery(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> | null {
    const id = boxedId(data);
    if (id === HTTP_REQUEST_ID) return this.#serveRequest(peer, data, ctx);
    if (id === HTTP_GET_NEXT_PAYLOAD_PART_ID) return this.#servePart(peer, data, ctx);
    return null;
  }

  close(): void {
    this.#closer.abort(new HttpError('closed', 'HTTP server closed'));
    for (const [key, sender] of [...this.#senders])
      this.#forget(key, sender, new HttpError('closed', 'server closed'));
  }

  // ---- http.request ----

  async #serveRequest(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> {
    if (data.length > HTTP_MAX_REQUEST_HEAD)
      throw new HttpError('limit', `http.request of ${data.length} bytes`);
    const req = decodeHttpRequest(data); // malformed TL: no answer at all, as C++
    this.stats.requests++;
    const head = await this.#respond(peer, req, ctx);
    let encoded = encodeHttpResponse(head);
    if (encoded.length > ctx.maxAnswerSize) {
      this.#drop(peer, req.id);
      this.stats.errors++;
      encoded = encodeHttpResponse(errorHead(req.httpVersion, 502));
    }
    return encoded;
  }

  async #respond(peer: AdnlPeer, req: HttpRequestHead, ctx: IncomingQueryContext): Promise<HttpResponseHead> {
    const version = req.httpVersion === 'HTTP/1.0' ? 'HTTP/1.0' : 'HTTP/1.1';
    if (req.httpVersion !== 'HTTP/1.0' && req.httpVersion !== 'HTTP/1.1') return errorHead(version, 400);
    if (!TOKEN.test(req.method)) return errorHead(version, 400);
    if (req.method === 'CONNECT') return errorHead(version, 405);
    let framing;
    try {
      checkHeaders(req.headers, 'http.request');
      framing = bodyFraming(req.headers, 'http.request');
    } catch {
      return errorHead(version, 400);
    }
    if (framing.contentLength !== null && framing.contentLength > this.#maxRequestBody)
      return errorHead(version, 413);

    const key = hexOf(peer.id) + hexOf(req.id);
    if (this.#senders.has(key)) throw new HttpError('protocol', 'duplicate request id');
    const peerKey = hexOf(peer.id);
    if (
      this.#senders.size >= this.#maxActive ||
      (this.#perPeer.get(peerKey) ?? 0) >= this.#maxActivePerPeer
    ) {
      return errorHead(version, 503);
    }
    let markReady!: () => void;
    const sender: Sender = {
      peerKey,
      reader: null,
      ready: new Promise<void>((resolve) => (markReady = resolve)),
      seqno: 0,
      busy: false,
      timer: null,
    };
    this.#senders.set(key, sender);
    this.#perPeer.set(peerKey, (this.#perPeer.get(peerKey) ?? 0) + 1);
    this.stats.active = this.#senders.size;

    const controller = new AbortController();
    const untilDeadline = unrefTimer(
      setTimeout(
        () => controller.abort(new HttpError('timeout', 'request deadline passed')),
        Math.max(0, ctx.deadline - Date.now()),
      ),
    );
    const onClose = (): void => controller.abort(this.#closer.signal.reason);
    this.#closer.signal.addEventListener('abort', onClose, { once: true });

    const hasBody = framing.chunked || (framing.contentLength ?? 0) > 0;
    const body = hasBody
      ? this.#pullRequestBody(peer, req.id, framing.contentLength, controller.signal)
      : null;
    try {
      let response: HttpServerResponse;
      try {
        response = await this.#handler({
          id: req.id,
          peer,
          method: req.method,
          url: req.url,
          path: pathOf(req.url),
          httpVersion: req.httpVersion,
          headers: req.headers,
          body,
          signal: controller.signal,
        });
      } catch {
        this.stats.errors++;
        this.#forget(key, sender);
        return errorHead(version, 500);
      }
      const built = this.#buildHead(version, req.method, response);
      if (!built) {
        this.stats.errors++;
        this.#forget(key, sender);
        return errorHead(version, 500);
      }
      if (built.reader && this.#senders.get(key) === sender) {
        sender.reader = built.reader;
        this.#arm(key, sender);
      } else {
        built.reader?.cancel();
        this.#forget(key, sender);
      }
      return built.head;
    } finally {
      clearTimeout(untilDeadline);
      this.#closer.signal.removeEventListener('abort', onClose);
      markReady();
    }
  }

  /** The response head and body reader for a handler's answer; null if the answer is not valid HTTP. */
  #buildHead(
    version: string,
    method: string,
    r: HttpServerResponse,
  ): { head: HttpResponseHead; reader: ChunkReader | null } | null {
    if (!Number.isInteger(r.status) || r.status < 100 || r.status > 999) return null;
    const given = r.headers ?? [];
    try {
      checkHeaders(given, 'response');
    } catch {
      return null;
    }
    const reason = r.reason ?? reasonPhrase(r.status);
    if (/[\r\n]/.test(reason)) return null;
    const body = r.body ?? null;
    const sendsBody =
      responseHasPayload(method, r.status, false) &&
      body !== null &&
      !(body instanceof Uint8Array && body.length === 0);
    if (!sendsBody) {
      if (body !== null && !(body instanceof Uint8Array)) cancelSource(body);
      const headers = withoutHeaders(given, HOP_BY_HOP_HEADERS);
      // HEAD and 304 keep the Content-Length of the representation; a response without body otherwise says 0.
      const keepLength = method.toUpperCase() === 'HEAD' || r.status === 304;
      if (!keepLength && responseHasPayload(method, r.status, false)) {
        const rest = withoutHeaders(headers, new Set(['content-length']));
        rest.push(['Content-Length', '0']);
        return {
          head: { httpVersion: version, status: r.status, reason, headers: rest, noPayload: true },
          reader: null,
        };
      }
      return {
        head: { httpVersion: version, status: r.status, reason, headers, noPayload: true },
        reader: null,
      };
    }
    let framing;
    try {
      framing = bodyFraming(given, 'response');
    } catch {
      return null;
    }
    const headers = withoutHeaders(given, new Set([...HOP_BY_HOP_HEADERS, 'content-length']));
    let expected: number | null = framing.contentLength;
    if (body instanceof Uint8Array) {
      if (expected !== null && expected !== body.length) return null;
      expected = body.length;
    }
    // C++ HttpRemote marks a body of unknown length "Transfer-Encoding: chunked"; payload parts carry raw bytes.
    headers.push(expected !== null ? ['Content-Length', String(expected)] : ['Transfer-Encoding', 'chunked']);
    const reader = new ChunkReader(body as BodySource, { expectedLength: expected });
    return { head: { httpVersion: version, status: r.status, reason, headers, noPayload: false }, reader };
  }

  // ---- http.getNextPayloadPart (our response bodies) ----

  async #servePart(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> {
    const q = decodeGetNextPayloadPart(data);
    const key = hexOf(peer.id) + hexOf(q.id);
    let sender = this.#senders.get(key);
    if (!sender) throw new HttpError('protocol', 'pull of an unknown response');
    if (!sender.reader) {
      await sender.ready; // the handler is still working: an early pull waits for it
      sender = this.#senders.get(key);
      if (!sender?.reader) throw new HttpError('protocol', 'pull of a response without payload');
    }
    if (sender.busy) throw new HttpError('protocol', 'overlapping pulls of one response');
    if (q.seqno !== sender.seqno) {
      this.#forget(key, sender, new HttpError('protocol', 'seqno mismatch'));
      throw new HttpError('protocol', `response pulled with seqno ${q.seqno}, expected ${sender.seqno}`);
    }
    const chunk = Math.min(q.maxChunkSize, this.#maxChunk, ctx.maxAnswerSize - PAYLOAD_PART_OVERHEAD);
    if (!(chunk > 0)) throw new HttpError('protocol', `pull with max_chunk_size ${q.maxChunkSize}`);
    sender.busy = true;
    this.#arm(key, sender);
    try {
      const part = await sender.reader.read(chunk);
      sender.seqno++;
      if (part.last) this.#forget(key, sender);
      return encodePayloadPart({ data: part.data, trailer: [], last: part.last });
    } catch (error) {
      this.stats.errors++;
      this.#forget(key, sender, error);
      throw error;
    } finally {
      sender.busy = false;
    }
  }

  #arm(key: string, sender: Sender): void {
    if (sender.timer) clearTimeout(sender.timer);
    sender.timer = unrefTimer(
      setTimeout(
        () => this.#forget(key, sender, new HttpError('timeout', 'response not pulled in time')),
        this.#idleMs,
      ),
    );
  }

  #drop(peer: AdnlPeer, id: Uint8Array): void {
    const key = hexOf(peer.id) + hexOf(id);
    const sender = this.#senders.get(key);
    if (sender) this.#forget(key, sender, new HttpError('limit', 'response head too large'));
  }

  #forget(key: string, sender: Sender, reason?: unknown): void {
    if (sender.timer) clearTimeout(sender.timer);
    sender.timer = null;
    if (this.#senders.get(key) !== sender) return;
    this.#senders.delete(key);
    const n = (this.#perPeer.get(sender.peerKey) ?? 1) - 1;
    if (n <= 0) this.#perPeer.delete(sender.peerKey);
    else this.#perPeer.set(sender.peerKey, n);
    this.stats.active = this.#senders.size;
    if (reason !== undefined) sender.reader?.cancel(reason);
  }

  // ---- request bodies (we pull them from the client) ----

  #pullRequestBody(
    peer: AdnlPeer,
    id: Uint8Array,
    contentLength: number | null,
    signal: AbortSignal,
  ): ReadableStream<Uint8Array> {
    let seqno = 0;
    let bytes = 0;
    let trailers = 0;
    const chunk = this.#pullChunk;
    const limit = contentLength ?? this.#maxRequestBody;
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          for (let empties = 0; ; empties++) {
            if (signal.aborted) throw new HttpError('aborted', 'request aborted');
            if (empties > 64) throw new HttpError('protocol', 'too many empty request body parts');
            const query = encodeGetNextPayloadPart({ id, seqno, maxChunkSize: chunk });
            const answer = await this.#rldp
              .query(peer, query, {
                maxAnswerSize: payloadPartMaxAnswer(chunk),
                timeoutMs: this.#partTimeoutMs,
              })
              .catch((error) => {
                throw transportFailure(error, `request body part #${seqno}`);
              });
            seqno++;
            const part = decodePayloadPart(answer);
            if (part.data.length > chunk)
              throw new HttpError('protocol', 'request body part larger than asked');
            bytes += part.data.length;
            if (bytes > limit) {
              throw new HttpError(
                contentLength === null ? 'limit' : 'protocol',
                `request body over ${limit} bytes`,
              );
            }
            trailers += part.trailer.length;
            if (trailers > HTTP_MAX_TRAILERS) throw new HttpError('limit', 'too many request trailers');
            if (part.last) {
              if (contentLength !== null && bytes !== contentLength) {
                throw new HttpError(
                  'protocol',
                  `request body of ${bytes} bytes, Content-Length ${contentLength}`,
                );
              }
              if (part.data.length > 0) controller.enqueue(part.data);
              controller.close();
              return;
            }
            if (part.data.length > 0) {
              controller.enqueue(part.data);
              return;
            }
          }
        },
      },
      { highWaterMark: 1 },
    );
  }
}

function cancelSource(body: BodySource): void {
  const s = body as ReadableStream<Uint8Array>;
  if (typeof s.cancel === 'function') void s.cancel().catch(() => {});
}

/** First value of a header of a server request (convenience for handlers). */
export function requestHeader(request: HttpServerRequest, name: string): string | null {
  return headerValue(request.headers, name);
}
