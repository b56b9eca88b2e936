/**
 * HTTP header lists as they travel in http.request / http.response / http.payloadPart: an ordered list of
 * (name, value) pairs. Order and duplicates are kept exactly (several Set-Cookie headers must stay several
 * headers; a merged `Headers` object would join them with commas and break cookies whose Expires has a comma).
 */
import { HttpError } from './errors.ts';

export type HeaderList = [name: string, value: string][];

/** Connection-level headers that do not cross a proxy hop (RFC 9110 §7.6.1, plus Proxy-Connection). */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-authorization',
  'proxy-authenticate',
]);

/**
 * C++ HttpHeader::basic_check (http/http.cpp): no space, tab, CR, LF or ':' in a name; no CR or LF in a value.
 * We also refuse empty names and other control characters, which no HTTP/1.1 peer could forward.
 */
export function headerProblem(name: string, value: string): string | null {
  if (name.length === 0) return 'empty header name';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 0x20 || c === 0x3a || c === 0x7f) return `bad character in header name ${JSON.stringify(name)}`;
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0d || c === 0x0a || c === 0 || c === 0x7f) return `bad character in value of header ${name}`;
  }
  return null;
}

export function checkHeaders(headers: HeaderList, what: string): void {
  for (const [name, value] of headers) {
    const problem = headerProblem(name, value);
    if (problem) throw new HttpError('protocol', `${what}: ${problem}`);
  }
}

/** The first value of header `name` (case-insensitive), or null. */
export function headerValue(headers: HeaderList, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [n, v] of headers) if (n.toLowerCase() === lower) return v;
  return null;
}

/** Every value of header `name` (case-insensitive), in order. */
export function headerValues(headers: HeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  const out: string[] = [];
  for (const [n, v] of headers) if (n.toLowerCase() === lower) out.push(v);
  return out;
}

export function hasHeader(headers: HeaderList, name: string): boolean {
  return headerValue(headers, name) !== null;
}

/** A copy of `headers` without any header named in `names` (lower-case). */
export function withoutHeaders(headers: HeaderList, names: ReadonlySet<string>): HeaderList {
  return headers.filter(([n]) => !names.has(n.toLowerCase())).map(([n, v]) => [n, v]);
}

/** How a message body is delimited, from its headers (C++ HttpRequest/HttpResponse::add_header rules). */
export interface BodyFraming {
  /** Content-Length, when present. */
  contentLength: number | null;
  /** A Transfer-Encoding header is present (the length is not known in advance). */
  chunked: boolean;
}

const DIGITS = /^[0-9]{1,16}$/;

/** Reads Content-Length / Transfer-Encoding. HttpError('protocol') on a bad or duplicate framing header. */
export function bodyFraming(headers: HeaderList, what: string): BodyFraming {
  let contentLength: number | null = null;
  let chunked = false;
  for (const [name, value] of headers) {
    const lower = name.toLowerCase();
    if (lower !== 'content-length' && lower !== 'transfer-encoding') continue;
    if (contentLength !== null || chunked) {
      throw new HttpError('protocol', `${what}: duplicate Content-Length/Transfer-Encoding`);
    }
    if (lower === 'transfer-encoding') {
      chunked = true;
      continue;
    }
    const trimmed = value.trim();
    const n = DIGITS.test(trimmed) ? Number(trimmed) : NaN;
    if (!Number.isSafeInteger(n))
      throw new HttpError('protocol', `${what}: bad Content-Length ${JSON.stringify(value)}`);
    contentLength = n;
  }
  return { contentLength, chunked };
}

/**
 * Whether a response to `method` with `status` carries a body at all (C++ HttpResponse::need_payload, and
 * RFC 9110: HEAD, 1xx, 204 and 304 never do), given the peer's no_payload flag.
 */
export function responseHasPayload(method: string, status: number, noPayload: boolean): boolean {
  if (noPayload) return false;
  if (method.toUpperCase() === 'HEAD') return false;
  return status >= 200 && status !== 204 && status !== 304;
}
