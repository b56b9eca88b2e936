/**
 * One paused request (DevTools `Fetch.requestPaused`, Request stage) served from a TON Site: the request's
 * method, headers and body go to the gateway; the site's status, headers (every Set-Cookie kept as its own
 * header) and body come back through `Fetch.fulfillRequest`. Failures become the error page of their stage
 * (error-page.ts) for documents, a short text for sub-resources. Body sizes are bounded as body.ts describes.
 */
import {
  GatewayError,
  isTonHost,
  type GatewayFetchInit,
  type GatewayResponse,
} from '../net/gateway/index.ts';
import {
  contentLengthWithoutPayload,
  HOP_BY_HOP_HEADERS,
  headerValue,
  type HeaderList,
} from '../net/http/index.ts';
import { base64ToBytes, bytesToBase64 } from './base64.ts';
import { isDownload, mayBecomeDownload } from './download-kind.ts';
import {
  BodyTooLargeError,
  MAX_BODY_BYTES,
  parseByteRange,
  readBounded,
  readBoundedOrStream,
  readWindow,
  windowOf,
  type ByteRange,
} from './body.ts';
import {
  renderErrorPage,
  renderErrorText,
  explain,
  type FailureInfo,
  type FailureStage,
} from './error-page.ts';

/** The part of `Fetch.requestPaused` we use. */
export interface PausedRequest {
  requestId: string;
  request: {
    url: string;
    urlFragment?: string;
    method: string;
    headers: Record<string, string>;
    postData?: string;
    hasPostData?: boolean;
    postDataEntries?: { bytes?: string }[];
  };
  frameId: string;
  resourceType: string;
  /** Set on responses (Response stage); we only pause at the Request stage. */
  responseStatusCode?: number;
}

export interface FulfillHeader {
  name: string;
  value: string;
}

/** What serving needs from the outside: the gateway and the DevTools session the request came from. */
export interface ServeContext {
  fetch(url: string, init: GatewayFetchInit): Promise<GatewayResponse>;
  send(method: string, params: Record<string, unknown>): Promise<unknown>;
  /** Hosts served: TON hosts, minus `.t.me` when switched off. */
  serves?(hostname: string): boolean;
  /** Saves a download to disk as it streams (downloads.ts); without it every body goes to the tab. */
  download?(download: ServedDownload): Promise<void>;
}

/** A response that is a download (download-kind.ts): its body goes to disk, the tab gets a 204. */
export interface ServedDownload {
  url: string;
  response: GatewayResponse;
  /** The body with gzip/deflate undone. */
  body: ReadableStream<Uint8Array>;
  coded: boolean;
  /** The headers the site was asked with (a retry asks the same). */
  requestHeaders: HeaderList;
}

export interface ServeResult {
  url: string;
  status: number;
  /** Body bytes given to the tab. */
  bytes: number;
  response: GatewayResponse | null;
  failure: FailureInfo | null;
  /** Passed on untouched (not a TON host). */
  continued: boolean;
  /** The body was saved as a download (the tab got a 204). */
  download?: boolean;
}

/** Request bodies larger than this are refused (the POST gets an error page). */
export const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

/** Response headers that describe the connection or the body framing, which we re-create. */
const DROP_RESPONSE = new Set([...HOP_BY_HOP_HEADERS, 'content-length']);

function requestBody(paused: PausedRequest): Uint8Array | null {
  const r = paused.request;
  if (r.postDataEntries && r.postDataEntries.length > 0) {
    const parts = r.postDataEntries.map((e) =>
      e.bytes ? base64ToBytes(e.bytes, MAX_REQUEST_BODY_BYTES) : null,
    );
    let size = 0;
    for (const p of parts) size += p?.length ?? 0;
    if (size > MAX_REQUEST_BODY_BYTES) throw new RangeError('request body too large');
    const out = new Uint8Array(size);
    let offset = 0;
    for (const p of parts) {
      if (!p) continue;
      out.set(p, offset);
      offset += p.length;
    }
    return out;
  }
  if (r.postData !== undefined) {
    const bytes = new TextEncoder().encode(r.postData);
    if (bytes.length > MAX_REQUEST_BODY_BYTES) throw new RangeError('request body too large');
    return bytes;
  }
  // Chromium leaves the data out when it is too long (or file-backed): never send such a request without it.
  if (r.hasPostData) throw new RangeError('the browser did not hand over the request body (too large?)');
  return null;
}

/**
 * The request's headers as Chromium gives them at the Request stage (Cookie included: the browser's own cookie
 * jar, per site), minus what the HTTP client frames itself; Range replaced by our window.
 */
function requestHeaders(paused: PausedRequest, range: { start: number; end: number } | null) {
  const headers: HeaderList = [];
  for (const [name, value] of Object.entries(paused.request.headers)) {
    const lower = name.toLowerCase();
    // Hop-by-hop and framing headers are the HTTP client's business; encodings we could not undo are refused.
    if (HOP_BY_HOP_HEADERS.has(lower) || lower === 'content-length' || lower === 'accept-encoding') continue;
    if (lower === 'range' && range) continue;
    headers.push([name, value]);
  }
  headers.push(['Accept-Encoding', 'gzip, deflate']);
  if (range) headers.push(['Range', `bytes=${range.start}-${range.end}`]);
  return headers;
}

function fulfillHeaders(headers: HeaderList, drop: ReadonlySet<string>, extra: HeaderList): FulfillHeader[] {
  const out: FulfillHeader[] = [];
  for (const [name, value] of headers) if (!drop.has(name.toLowerCase())) out.push({ name, value });
  for (const [name, value] of extra) out.push({ name, value });
  return out;
}

/** Undoes gzip/deflate content coding (we asked for nothing else); other codings pass unchanged. */
export function decoded(response: GatewayResponse): {
  body: ReadableStream<Uint8Array> | null;
  coding: boolean;
} {
  const coding = headerValue(response.headers, 'content-encoding')?.trim().toLowerCase();
  if (!response.body || (coding !== 'gzip' && coding !== 'deflate'))
    return { body: response.body, coding: false };
  const stream = response.body.pipeThrough(
    new DecompressionStream(coding) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
  return { body: stream, coding: true };
}

function failureOf(error: unknown, url: string): FailureInfo {
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    // keep empty
  }
  if (error instanceof GatewayError) {
    return { stage: error.stage, host: error.host || host, url, message: error.message, code: error.code };
  }
  if (error instanceof BodyTooLargeError) return { stage: 'too-large', host, url, message: error.message };
  const stage: FailureStage = (error as { stage?: FailureStage })?.stage ?? 'internal';
  return { stage, host, url, message: error instanceof Error ? error.message : String(error) };
}

/** Fulfils the paused request with the error page (or text) of `failure`. */
async function fulfillFailure(
  paused: PausedRequest,
  failure: FailureInfo,
  ctx: ServeContext,
): Promise<number> {
  const { status } = explain(failure);
  const document = paused.resourceType === 'Document';
  const text = document ? renderErrorPage(failure) : renderErrorText(failure);
  const body = new TextEncoder().encode(text);
  await ctx.send('Fetch.fulfillRequest', {
    requestId: paused.requestId,
    responseCode: status,
    responseHeaders: [
      { name: 'Content-Type', value: document ? 'text/html; charset=utf-8' : 'text/plain; charset=utf-8' },
      { name: 'Content-Length', value: String(body.length) },
      { name: 'Cache-Control', value: 'no-store' },
      { name: 'X-Tonsite-Error', value: failure.stage },
    ],
    body: bytesToBase64(body),
  });
  return status;
}

/** The tab's answer when its response went to disk: nothing, so the tab stays where it was. */
async function fulfillNoContent(paused: PausedRequest, ctx: ServeContext): Promise<void> {
  await ctx
    .send('Fetch.fulfillRequest', {
      requestId: paused.requestId,
      responseCode: 204,
      responseHeaders: [{ name: 'Cache-Control', value: 'no-store' }],
    })
    .catch(() => undefined);
}

/** Serves one paused request; never throws (a failure to fulfil, e.g. the tab went away, is swallowed). */
export async function servePaused(paused: PausedRequest, ctx: ServeContext): Promise<ServeResult> {
  const url = paused.request.url;
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // not a URL: let the browser deal with it
  }
  const serves = ctx.serves ?? isTonHost;
  if (!parsed || parsed.protocol !== 'http:' || !serves(parsed.hostname)) {
    // Fetch patterns are globs over the whole URL: `http://*.ton/*` also matches `http://a.com/?x=.ton/`.
    await ctx.send('Fetch.continueRequest', { requestId: paused.requestId }).catch(() => undefined);
    return { url, status: 0, bytes: 0, response: null, failure: null, continued: true };
  }
  const result: ServeResult = { url, status: 0, bytes: 0, response: null, failure: null, continued: false };
  try {
    const method = paused.request.method.toUpperCase();
    const asked: ByteRange | null =
      method === 'GET' ? parseByteRange(headerOf(paused.request.headers, 'range')) : null;
    const window = asked && windowOf(asked);
    const body = requestBody(paused);
    const sentHeaders = requestHeaders(paused, window);
    const response = await ctx.fetch(url, { method, headers: sentHeaders, body });
    result.response = response;
    const declared = Number(headerValue(response.headers, 'content-length') ?? NaN);
    const { body: stream, coding } = decoded(response);
    const drop = new Set(DROP_RESPONSE);
    if (coding) drop.add('content-encoding');

    const download = { method, resourceType: paused.resourceType, status: response.status, coded: coding };
    if (ctx.download && stream && !window && isDownload({ ...download, headers: response.headers })) {
      // To disk as it streams; the tab stays where it was, as with any download.
      await ctx.download({ url, response, body: stream, coded: coding, requestHeaders: sentHeaders });
      await fulfillNoContent(paused, ctx);
      return { ...result, status: 204, download: true };
    }
    let status = response.status;
    let bytes: Uint8Array | null;
    const extra: HeaderList = [];
    if (!response.body) {
      // No payload: the site's Content-Length is kept where it describes the resource (HEAD, 304), else the
      // length is that of what is sent.
      const length = contentLengthWithoutPayload(method, status);
      bytes = length === 'zero' ? new Uint8Array(0) : null;
      if (length === 'site') drop.delete('content-length');
      if (length === 'zero') extra.push(['Content-Length', '0']);
    } else if (window && status === 200 && !coding) {
      // The site ignored Range: serve the window ourselves as a 206.
      const total = Number.isSafeInteger(declared) ? declared : null;
      const part = await readWindow(stream, window.start, window.end);
      const size = total ?? part.total;
      if (part.bytes.length === 0 && window.start > 0) {
        status = 416;
        bytes = new Uint8Array(0);
        extra.push(['Content-Range', `bytes */${size ?? '*'}`]);
      } else {
        status = 206;
        bytes = part.bytes;
        const last = window.start + Math.max(part.bytes.length, 1) - 1;
        extra.push(['Content-Range', `bytes ${window.start}-${last}/${size ?? '*'}`]);
        drop.add('content-range');
      }
      extra.push(['Content-Length', String(bytes.length)]);
    } else {
      if (!coding && Number.isSafeInteger(declared) && declared > MAX_BODY_BYTES) {
        await stream?.cancel('too large').catch(() => undefined);
        throw new BodyTooLargeError(MAX_BODY_BYTES, declared);
      }
      // A navigation whose body turns out larger than the tab can be given (no length declared) is saved instead.
      const read =
        ctx.download && !window && mayBecomeDownload(download)
          ? await readBoundedOrStream(stream, MAX_BODY_BYTES)
          : { bytes: await readBounded(stream, MAX_BODY_BYTES) };
      if ('stream' in read) {
        await ctx.download!({ url, response, body: read.stream, coded: coding, requestHeaders: sentHeaders });
        await fulfillNoContent(paused, ctx);
        return { ...result, status: 204, download: true };
      }
      bytes = read.bytes;
      extra.push(['Content-Length', String(bytes.length)]);
    }
    const params: Record<string, unknown> = {
      requestId: paused.requestId,
      responseCode: status,
      responseHeaders: fulfillHeaders(response.headers, drop, extra),
    };
    if (status === response.status && /^[\t\x20-\x7e]{1,100}$/.test(response.statusText)) {
      params.responsePhrase = response.statusText;
    }
    if (bytes) params.body = bytesToBase64(bytes);
    result.status = status;
    result.bytes = bytes?.length ?? 0;
    await ctx.send('Fetch.fulfillRequest', params).catch(() => undefined);
    return result;
  } catch (error) {
    const failure = failureOf(error, url);
    result.failure = failure;
    result.status = await fulfillFailure(paused, failure, ctx).catch(() => 0);
    return result;
  }
}

function headerOf(headers: Record<string, string>, name: string): string | null {
  for (const [n, v] of Object.entries(headers)) if (n.toLowerCase() === name) return v;
  return null;
}
