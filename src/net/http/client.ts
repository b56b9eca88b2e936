/**
 * HTTP client over RLDP (DIGEST §8.2 steps 4–5): http.request as an RLDP query whose answer is the response head,
 * then the body pulled part by part with http.getNextPayloadPart queries as a ReadableStream with backpressure
 * (one part read ahead; never the whole body in memory). Request bodies are pulled by the site from us
 * (RequestBodies); the owner routes incoming RLDP queries to `handleQuery`.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { randomBytes } from '../crypto/index.ts';
import { ChunkReader, type BodySource } from './body.ts';
import {
  decodeHttpResponse,
  decodePayloadPart,
  encodeGetNextPayloadPart,
  encodeHttpRequest,
  type HttpResponseHead,
} from './codec.ts';
import { relayableResponseHead } from './response-head.ts';
import { HttpError } from './errors.ts';
import {
  bodyFraming,
  checkHeaders,
  HOP_BY_HOP_HEADERS,
  hasHeader,
  responseHasPayload,
  withoutHeaders,
  type HeaderList,
} from './headers.ts';
import {
  HTTP_CHUNK_SIZE,
  HTTP_HEAD_MAX_ANSWER,
  HTTP_MAX_EMPTY_PARTS,
  HTTP_MAX_TRAILERS,
  HTTP_PART_TIMEOUT_MS,
  HTTP_REQUEST_TIMEOUT_MS,
  payloadPartMaxAnswer,
} from './limits.ts';
import { RequestBodies } from './request-body.ts';
import { transportFailure, type IncomingQueryContext, type HttpRldpTransport } from './transport.ts';

export interface HttpClientOptions {
  /** max_chunk_size we ask for per payload part (default 2^21 - 2^11, as C++). */
  chunkSize?: number;
  /** Deadline of the http.request query (default 30 s). */
  requestTimeoutMs?: number;
  /** Deadline of each getNextPayloadPart query (default 15 s). */
  partTimeoutMs?: number;
  /** Payload parts fetched ahead of the reader (default 1). */
  readAhead?: number;
  /** Random bytes (request ids). */
  random?: (n: number) => Uint8Array;
}

export interface HttpRequestInit {
  /** Absolute http:// URL; sent as is in http.request (C++ and tonutils-go send the absolute form). */
  url: string;
  method?: string;
  headers?: HeaderList;
  body?: BodySource | null;
  /** Default "HTTP/1.1". */
  httpVersion?: string;
  signal?: AbortSignal;
  /** Called once when the response body has been read to the end, failed or was cancelled. */
  onBodyEnd?: (result: BodyEnd) => void;
  /**
   * RLDP version of the http.request transfer only (default: the peer's). The gateway sends a request before
   * http.proxy.getCapabilities has answered in RLDP2 (src/net/gateway/early-request.ts); the body's
   * getNextPayloadPart queries then use the peer's version as set by then.
   */
  rldpVersion?: 1 | 2;
  /**
   * The body's getNextPayloadPart queries wait for this (the gateway's capabilities handshake when the request
   * itself went out early), so they go in the version it settles on; a rejection fails the body.
   */
  partsAfter?: Promise<unknown>;
}

export interface BodyEnd {
  bytes: number;
  parts: number;
  error?: HttpError;
}

export interface HttpResponse extends HttpResponseHead {
  /** The request id (also names the payload stream). */
  id: Uint8Array;
  /** Null when the response has no payload (HEAD, 1xx, 204, 304, no_payload). */
  body: ReadableStream<Uint8Array> | null;
  /** Trailer headers received with the payload (complete once the body ended). */
  trailers: HeaderList;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export class HttpClient {
  readonly #rldp: HttpRldpTransport;
  readonly #chunk: number;
  readonly #requestTimeoutMs: number;
  readonly #partTimeoutMs: number;
  readonly #readAhead: number;
  readonly #random: (n: number) => Uint8Array;
  readonly bodies: RequestBodies;
  #closed = false;

  constructor(rldp: HttpRldpTransport, options: HttpClientOptions = {}) {
    this.#rldp = rldp;
    this.#chunk = options.chunkSize ?? HTTP_CHUNK_SIZE;
    if (!Number.isInteger(this.#chunk) || this.#chunk < 1 || this.#chunk > HTTP_CHUNK_SIZE * 4) {
      throw new RangeError('chunkSize out of range');
    }
    this.#requestTimeoutMs = options.requestTimeoutMs ?? HTTP_REQUEST_TIMEOUT_MS;
    this.#partTimeoutMs = options.partTimeoutMs ?? HTTP_PART_TIMEOUT_MS;
    this.#readAhead = Math.max(0, options.readAhead ?? 1);
    this.#random = options.random ?? randomBytes;
    this.bodies = new RequestBodies({ maxChunk: HTTP_CHUNK_SIZE });
  }

  /** Serves the site's pulls of our request bodies; null for queries that are not ours. */
  handleQuery(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> | null {
    return this.bodies.handleQuery(peer, data, ctx);
  }

  /** Sends one request to `peer` and resolves with the response head and a body stream. */
  async request(peer: AdnlPeer, init: HttpRequestInit): Promise<HttpResponse> {
    if (this.#closed) throw new HttpError('closed', 'HTTP client closed');
    const method = (init.method ?? 'GET').toUpperCase();
    if (!TOKEN.test(method)) throw new HttpError('request', `bad method ${JSON.stringify(method)}`);
    const httpVersion = init.httpVersion ?? 'HTTP/1.1';
    const { headers, body, expected } = prepareHeaders(init, method);
    checkHeaders(headers, 'request');
    if (init.signal?.aborted) throw new HttpError('aborted', 'request aborted');

    const id = this.#random(32);
    const reader = body ? new ChunkReader(body, { expectedLength: expected }) : null;
    if (reader) this.bodies.register(id, peer, reader);
    const abort = (): void => this.bodies.drop(id, new HttpError('aborted', 'request aborted'));
    init.signal?.addEventListener('abort', abort, { once: true });

    let head: HttpResponseHead;
    try {
      const query = encodeHttpRequest({ id, method, url: init.url, httpVersion, headers });
      const answer = await raceAbort(
        this.#rldp.query(peer, query, {
          maxAnswerSize: HTTP_HEAD_MAX_ANSWER,
          timeoutMs: this.#requestTimeoutMs,
          ...(init.rldpVersion !== undefined && { version: init.rldpVersion }),
        }),
        init.signal,
      ).catch((error) => {
        throw transportFailure(error, 'http.request');
      });
      head = relayableResponseHead(decodeHttpResponse(answer));
    } catch (error) {
      init.signal?.removeEventListener('abort', abort);
      this.bodies.drop(id, error);
      throw error;
    }

    const trailers: HeaderList = [];
    let bodyStream: ReadableStream<Uint8Array> | null = null;
    if (responseHasPayload(method, head.status, head.noPayload)) {
      const framing = bodyFraming(head.headers, 'http.response');
      bodyStream = this.#payloadStream(peer, id, framing.contentLength, trailers, init, abort);
    } else {
      init.signal?.removeEventListener('abort', abort);
      init.onBodyEnd?.({ bytes: 0, parts: 0 });
    }
    return { ...head, id, body: bodyStream, trailers };
  }

  #payloadStream(
    peer: AdnlPeer,
    id: Uint8Array,
    contentLength: number | null,
    trailers: HeaderList,
    init: HttpRequestInit,
    abort: () => void,
  ): ReadableStream<Uint8Array> {
    let seqno = 0;
    let bytes = 0;
    let empties = 0;
    let ended = false;
    let waitFor = init.partsAfter ?? null;
    const end = (error?: HttpError): void => {
      if (ended) return;
      ended = true;
      init.signal?.removeEventListener('abort', abort);
      init.onBodyEnd?.({ bytes, parts: seqno, error });
    };
    const chunk = this.#chunk;
    const maxAnswerSize = payloadPartMaxAnswer(chunk);
    return new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            if (waitFor) {
              await raceAbort(waitFor, init.signal).catch((error) => {
                throw transportFailure(error, 'http.getNextPayloadPart');
              });
              waitFor = null;
            }
            for (;;) {
              if (this.#closed) throw new HttpError('closed', 'HTTP client closed');
              const query = encodeGetNextPayloadPart({ id, seqno, maxChunkSize: chunk });
              const answer = await raceAbort(
                this.#rldp.query(peer, query, { maxAnswerSize, timeoutMs: this.#partTimeoutMs }),
                init.signal,
              ).catch((error) => {
                throw transportFailure(error, `http.getNextPayloadPart #${seqno}`);
              });
              seqno++;
              const part = decodePayloadPart(answer);
              if (part.data.length > chunk) {
                throw new HttpError(
                  'protocol',
                  `payload part of ${part.data.length} bytes, asked for ${chunk}`,
                );
              }
              bytes += part.data.length;
              if (contentLength !== null && bytes > contentLength) {
                throw new HttpError('protocol', `body longer than its Content-Length ${contentLength}`);
              }
              if (trailers.length + part.trailer.length > HTTP_MAX_TRAILERS) {
                throw new HttpError('limit', 'too many trailer headers');
              }
              trailers.push(...part.trailer);
              if (part.last) {
                if (contentLength !== null && bytes !== contentLength) {
                  throw new HttpError(
                    'protocol',
                    `body of ${bytes} bytes, Content-Length says ${contentLength}`,
                  );
                }
                if (part.data.length > 0) controller.enqueue(part.data);
                controller.close();
                end();
                return;
              }
              if (part.data.length > 0) {
                empties = 0;
                controller.enqueue(part.data);
                return;
              }
              if (++empties > HTTP_MAX_EMPTY_PARTS)
                throw new HttpError('protocol', 'too many empty payload parts');
            }
          } catch (error) {
            const e = error instanceof HttpError ? error : new HttpError('transport', String(error));
            end(e);
            throw e;
          }
        },
        cancel: () => end(new HttpError('aborted', 'body cancelled')),
      },
      { highWaterMark: this.#readAhead },
    );
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.bodies.dropAll(new HttpError('closed', 'HTTP client closed'));
  }
}

/**
 * The headers to send: the caller's minus hop-by-hop ones, Host from the URL when missing, and the body framing
 * a C++ site needs to pull the body (Content-Length when known, else Transfer-Encoding: chunked).
 */
function prepareHeaders(
  init: HttpRequestInit,
  method: string,
): { headers: HeaderList; body: BodySource | null; expected: number | null } {
  let url: URL;
  try {
    url = new URL(init.url);
  } catch {
    throw new HttpError('request', `bad URL ${JSON.stringify(init.url)}`);
  }
  const given = init.headers ?? [];
  const framing = bodyFraming(given, 'request');
  const headers = withoutHeaders(given, new Set([...HOP_BY_HOP_HEADERS, 'content-length']));
  if (!hasHeader(headers, 'host')) headers.unshift(['Host', url.host]);
  let body = init.body ?? null;
  let expected: number | null = null;
  if (body instanceof Uint8Array) {
    expected = body.length;
    if (framing.contentLength !== null && framing.contentLength !== expected) {
      throw new HttpError(
        'request',
        `Content-Length ${framing.contentLength} but a body of ${expected} bytes`,
      );
    }
  } else if (body) {
    expected = framing.contentLength;
  } else if (framing.contentLength !== null && framing.contentLength > 0) {
    throw new HttpError('request', `Content-Length ${framing.contentLength} without a body`);
  }
  if (body === null && (framing.contentLength === 0 || ['POST', 'PUT', 'PATCH'].includes(method))) {
    // An empty body still gets its framing header (browsers send Content-Length: 0 for an empty POST).
    body = new Uint8Array(0);
    expected = 0;
  }
  if (body !== null) {
    if (expected !== null) headers.push(['Content-Length', String(expected)]);
    else headers.push(['Transfer-Encoding', 'chunked']);
  }
  return { headers, body, expected };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new HttpError('aborted', 'request aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new HttpError('aborted', 'request aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
