/**
 * Serving a bag's files by URL path (DIGEST §10.4, as Tonutils-Proxy does): the path (percent-decoded, leading
 * '/' stripped) is looked up in the bag's file table; '' and paths ending in '/' get 'index.html'. GET and HEAD,
 * Content-Type from the name, a single `Range: bytes=` mapped to the pieces that cover it (206 / 416), ETag by bag
 * id and file (a bag never changes) with If-None-Match → 304. The body is streamed piece by piece.
 */
import type { OpenBag } from './bag.ts';
import { contentTypeOf } from './content-type.ts';
import type { BagFile } from './header.ts';
import { parseRangeSpec } from '../range.ts';

/** [name, value] pairs, order kept (the same shape as src/net/http's HeaderList). */
export type BagHeaderList = [name: string, value: string][];

export interface BagRequest {
  method: string;
  /** The URL path as sent (still percent-encoded), e.g. "/img/a%20b.png". */
  path: string;
  headers?: BagHeaderList;
}

export interface BagResponse {
  status: number;
  statusText: string;
  headers: BagHeaderList;
  /** Null for HEAD, 304, errors without a body and empty files. */
  body: ReadableStream<Uint8Array> | null;
  /** The file served, if any. */
  file?: BagFile;
}

export interface ServeOptions {
  /** Pieces requested ahead of the one being delivered (default: 4 MiB of pieces, limits.ts PREFETCH_BYTES). */
  prefetch?: number;
  signal?: AbortSignal;
}

const REASONS: Record<number, string> = {
  200: 'OK',
  206: 'Partial Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  416: 'Range Not Satisfiable',
};

function header(headers: BagHeaderList | undefined, name: string): string | null {
  const lower = name.toLowerCase();
  for (const [n, v] of headers ?? []) if (n.toLowerCase() === lower) return v;
  return null;
}

function textResponse(status: number, text: string, extra: BagHeaderList = []): BagResponse {
  const body = new TextEncoder().encode(text + '\n');
  return {
    status,
    statusText: REASONS[status] ?? '',
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(body.length)],
      ...extra,
    ],
    body: new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(body);
        c.close();
      },
    }),
  };
}

/** The bag path for a URL path: decoded, without the leading '/', index.html for directories; null if invalid. */
export function bagPathOf(urlPath: string): string | null {
  let path = urlPath.split('?')[0].replace(/^\/+/, '');
  try {
    path = path
      .split('/')
      .map((s) => decodeURIComponent(s))
      .join('/');
  } catch {
    return null;
  }
  if (path === '' || path.endsWith('/')) path += 'index.html';
  return path;
}

/** A single `bytes=` range of a file of `size` bytes: null = whole file, 'unsatisfiable' = 416. */
export function parseByteRange(
  value: string,
  size: number,
): { start: number; end: number } | null | 'unsatisfiable' {
  const spec = parseRangeSpec(value);
  if (!spec) return null; // several ranges or malformed: ignore (RFC 9110 §14.2)
  if ('suffix' in spec) {
    if (spec.suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - spec.suffix), end: size - 1 };
  }
  if (spec.first >= size) return 'unsatisfiable';
  return { start: spec.first, end: spec.last === null ? size - 1 : Math.min(spec.last, size - 1) };
}

export function serveBagFile(bag: OpenBag, req: BagRequest, opts: ServeOptions = {}): BagResponse {
  const method = req.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    return textResponse(405, 'Method Not Allowed', [['Allow', 'GET, HEAD']]);
  }
  const name = bagPathOf(req.path);
  if (name === null) return textResponse(400, 'Bad Request: the path is not valid percent-encoding');
  const file = bag.file(name);
  if (!file) {
    if (bag.file(`${name}/index.html`)) {
      const location = req.path.split('?')[0] + '/';
      return textResponse(301, `Moved to ${location}`, [['Location', location]]);
    }
    return textResponse(404, `Not Found: ${name} is not in bag ${bag.bagIdHex}`);
  }
  const etag = `"${bag.bagIdHex}-${file.index}"`;
  const common: BagHeaderList = [
    ['Content-Type', contentTypeOf(file.name)],
    ['Accept-Ranges', 'bytes'],
    ['ETag', etag],
  ];
  const inm = header(req.headers, 'if-none-match');
  if (inm !== null && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
    return { status: 304, statusText: REASONS[304], headers: [['ETag', etag]], body: null, file };
  }
  let start = 0;
  let end = file.size - 1;
  let status = 200;
  const extra: BagHeaderList = [];
  const rangeHeader = header(req.headers, 'range');
  if (rangeHeader !== null) {
    const range = parseByteRange(rangeHeader, file.size);
    if (range === 'unsatisfiable') {
      return textResponse(416, 'Range Not Satisfiable', [['Content-Range', `bytes */${file.size}`]]);
    }
    if (range) {
      ({ start, end } = range);
      status = 206;
      extra.push(['Content-Range', `bytes ${start}-${end}/${file.size}`]);
    }
  }
  const length = file.size === 0 ? 0 : end - start + 1;
  const headers: BagHeaderList = [...common, ...extra, ['Content-Length', String(length)]];
  const body =
    method === 'HEAD' || length === 0
      ? null
      : bag.stream(bag.fileStart(file) + start, bag.fileStart(file) + end + 1, opts);
  return { status, statusText: REASONS[status], headers, body, file };
}
