/**
 * A TON Site's content as an HttpHandler (src/net/http HttpServer): files loaded from a directory, plus virtual
 * files and dynamic routes. GET and HEAD with ETag / If-None-Match (304) and single byte ranges (206, 416).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import {
  headerValue,
  type HttpHandler,
  type HttpServerResponse,
  type HeaderList,
} from '../../net/http/index.ts';
import { parseByteRange } from '../../net/storage/index.ts';

export interface SiteFile {
  bytes: Uint8Array;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
};

export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export function siteFile(path: string, bytes: Uint8Array): SiteFile {
  const etag = `"${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}"`;
  return { bytes, type: contentTypeOf(path), etag };
}

/** Every file under `dir`, keyed by URL path ("/index.html", "/img/a.png"). */
export function loadSiteFiles(dir: string): Map<string, SiteFile> {
  const files = new Map<string, SiteFile>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const path = '/' + relative(dir, full).split(sep).join('/');
        files.set(path, siteFile(path, new Uint8Array(readFileSync(full))));
      }
    }
  };
  walk(dir);
  return files;
}

export type Routes = Record<string, HttpHandler>;

/** Serves `files` (and `routes` first). "/" and "/dir/" map to index.html. */
export function staticHandler(files: Map<string, SiteFile>, routes: Routes = {}): HttpHandler {
  return async (request) => {
    const path = decodeURIComponent(request.path.split('?')[0] || '/');
    const route = routes[path];
    if (route) return route(request);
    const file = files.get(path.endsWith('/') ? `${path}index.html` : path);
    if (!file) {
      return {
        status: 404,
        headers: [['Content-Type', 'text/plain; charset=utf-8']],
        body: text(`no ${path} here\n`),
      };
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return { status: 405, headers: [['Allow', 'GET, HEAD']] };
    }
    return serveFile(file, request.headers);
  };
}

export function serveFile(file: SiteFile, requestHeaders: HeaderList): HttpServerResponse {
  const size = file.bytes.length;
  const common: HeaderList = [
    ['Content-Type', file.type],
    ['ETag', file.etag],
    ['Accept-Ranges', 'bytes'],
    ['Cache-Control', 'no-cache'],
  ];
  const inm = headerValue(requestHeaders, 'if-none-match');
  if (inm !== null && (inm.trim() === '*' || inm.split(',').some((t) => t.trim() === file.etag))) {
    return {
      status: 304,
      headers: [
        ['ETag', file.etag],
        ['Cache-Control', 'no-cache'],
      ],
    };
  }
  const rangeHeader = headerValue(requestHeaders, 'range');
  const ifRange = headerValue(requestHeaders, 'if-range');
  const range =
    rangeHeader !== null && (ifRange === null || ifRange.trim() === file.etag)
      ? parseByteRange(rangeHeader, size)
      : null;
  if (range === 'unsatisfiable') {
    return { status: 416, headers: [...common, ['Content-Range', `bytes */${size}`]] };
  }
  if (range) {
    return {
      status: 206,
      headers: [
        ...common,
        ['Content-Range', `bytes ${range.start}-${range.end}/${size}`],
        ['Content-Length', String(range.end - range.start + 1)],
      ],
      body: file.bytes.subarray(range.start, range.end + 1),
    };
  }
  return { status: 200, headers: [...common, ['Content-Length', String(size)]], body: file.bytes };
}

export function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
