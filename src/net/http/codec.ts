/**
 * The HTTP-over-RLDP TL objects (DIGEST §8.1, ton_api.tl `http.*`) to and from bytes. Every decoder returns plain
 * values or throws HttpError ('protocol' for malformed bytes, 'limit' for too many headers); nothing else.
 *
 *   http.request id:int256 method:string url:string http_version:string headers:(vector http.header)
 *   http.response http_version:string status_code:int reason:string headers:(vector http.header) no_payload:Bool
 *   http.getNextPayloadPart id:int256 seqno:int max_chunk_size:int
 *   http.payloadPart data:bytes trailer:(vector http.header) last:Bool
 *   http.header name:string value:string          (bare elements: the vector names the lower-case type)
 */
import { TlError, tlDecode, tlEncode, tlId, type TlCtor } from '../tl/index.ts';
import { HttpError } from './errors.ts';
import { checkHeaders, type HeaderList } from './headers.ts';
import { HTTP_MAX_HEADERS, HTTP_MAX_TRAILERS } from './limits.ts';

export interface HttpRequestHead {
  /** 32 random bytes naming the request (and its payload streams). */
  id: Uint8Array;
  method: string;
  url: string;
  httpVersion: string;
  headers: HeaderList;
}

export interface HttpResponseHead {
  httpVersion: string;
  status: number;
  reason: string;
  headers: HeaderList;
  noPayload: boolean;
}

export interface GetNextPayloadPart {
  id: Uint8Array;
  seqno: number;
  maxChunkSize: number;
}

export interface PayloadPart {
  data: Uint8Array;
  trailer: HeaderList;
  last: boolean;
}

export const HTTP_REQUEST_ID = tlId('http.request');
export const HTTP_GET_NEXT_PAYLOAD_PART_ID = tlId('http.getNextPayloadPart');

type TlHeader = TlCtor<'http.header'>;

function toTl(headers: HeaderList): TlHeader[] {
  return headers.map(([name, value]) => ({ _: 'http.header', name, value }));
}

function fromTl(headers: TlHeader[], max: number, what: string): HeaderList {
  if (headers.length > max) throw new HttpError('limit', `${what}: ${headers.length} headers (limit ${max})`);
  const list: HeaderList = headers.map((h) => [h.name, h.value]);
  checkHeaders(list, what);
  return list;
}

function decode<N extends 'http.request' | 'http.response' | 'http.getNextPayloadPart' | 'http.payloadPart'>(
  name: N,
  bytes: Uint8Array,
): TlCtor<N> {
  try {
    return tlDecode(name, bytes) as TlCtor<N>;
  } catch (error) {
    if (error instanceof TlError)
      throw new HttpError('protocol', `bad ${name}: ${error.message}`, { cause: error });
    throw error;
  }
}

function encode(obj: Parameters<typeof tlEncode>[0]): Uint8Array {
  try {
    return tlEncode(obj);
  } catch (error) {
    if (error instanceof TlError) throw new HttpError('request', `cannot encode ${obj._}: ${error.message}`);
    throw error;
  }
}

function checkId(id: Uint8Array): void {
  if (!(id instanceof Uint8Array) || id.length !== 32)
    throw new HttpError('request', 'request id must be 32 bytes');
}

function checkInt32(n: number, what: string): void {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff)
    throw new HttpError('request', `${what} out of int range`);
}

/** The 4-byte little-endian constructor id at the start of a boxed object (-1 if shorter). */
export function boxedId(bytes: Uint8Array): number {
  if (bytes.length < 4) return -1;
  return (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
}

export function encodeHttpRequest(head: HttpRequestHead): Uint8Array {
  checkId(head.id);
  return encode({
    _: 'http.request',
    id: head.id,
    method: head.method,
    url: head.url,
    http_version: head.httpVersion,
    headers: toTl(head.headers),
  });
}

export function decodeHttpRequest(bytes: Uint8Array): HttpRequestHead {
  const r = decode('http.request', bytes);
  return {
    id: r.id,
    method: r.method,
    url: r.url,
    httpVersion: r.http_version,
    headers: fromTl(r.headers, HTTP_MAX_HEADERS, 'http.request'),
  };
}

export function encodeHttpResponse(head: HttpResponseHead): Uint8Array {
  checkInt32(head.status, 'status code');
  return encode({
    _: 'http.response',
    http_version: head.httpVersion,
    status_code: head.status,
    reason: head.reason,
    headers: toTl(head.headers),
    no_payload: head.noPayload,
  });
}

export function decodeHttpResponse(bytes: Uint8Array): HttpResponseHead {
  const r = decode('http.response', bytes);
  return {
    httpVersion: r.http_version,
    status: r.status_code,
    reason: r.reason,
    headers: fromTl(r.headers, HTTP_MAX_HEADERS, 'http.response'),
    noPayload: r.no_payload,
  };
}

export function encodeGetNextPayloadPart(q: GetNextPayloadPart): Uint8Array {
  checkId(q.id);
  checkInt32(q.seqno, 'seqno');
  checkInt32(q.maxChunkSize, 'max_chunk_size');
  return encode({ _: 'http.getNextPayloadPart', id: q.id, seqno: q.seqno, max_chunk_size: q.maxChunkSize });
}

export function decodeGetNextPayloadPart(bytes: Uint8Array): GetNextPayloadPart {
  const r = decode('http.getNextPayloadPart', bytes);
  return { id: r.id, seqno: r.seqno, maxChunkSize: r.max_chunk_size };
}

export function encodePayloadPart(part: PayloadPart): Uint8Array {
  return encode({ _: 'http.payloadPart', data: part.data, trailer: toTl(part.trailer), last: part.last });
}

export function decodePayloadPart(bytes: Uint8Array): PayloadPart {
  const r = decode('http.payloadPart', bytes);
  return {
    data: r.data,
    trailer: fromTl(r.trailer, HTTP_MAX_TRAILERS, 'http.payloadPart trailer'),
    last: r.last,
  };
}
