/**
 * alice.ton's `/large.bin`: a file of any size (default 200 MiB; `?bytes=N` up to 4 GiB) for the download tests
 * and the extension bench (issue 17). Its bytes are the deterministic stream of big-file.ts under their own
 * seed, generated as they are sent (1 MiB at a time, as the HTTP server pulls them), so nothing is stored and
 * the devnet holds no more than a chunk. Served as an attachment with Content-Length, ETag and single ranges.
 */
import { createHash } from 'node:crypto';
import { headerValue, type HttpHandler } from '../../net/http/index.ts';
import { parseByteRange } from '../../net/storage/index.ts';
import { bigFileSlice } from './big-file.ts';

export const LARGE_FILE_PATH = '/large.bin';
export const LARGE_FILE_DEFAULT_SIZE = 200 * 1024 * 1024;
const LARGE_FILE_MAX_SIZE = 4 * 1024 * 1024 * 1024;
const LARGE_FILE_SEED = 0x1a26e;
const CHUNK = 1024 * 1024;

/** The bytes of `/large.bin?bytes=size` from `start` to `end` (inclusive), chunk by chunk. */
export function* largeFileChunks(size: number, start = 0, end = size - 1): Generator<Uint8Array> {
  for (let at = start; at <= end; at += CHUNK) {
    yield bigFileSlice(at, Math.min(CHUNK, end + 1 - at), LARGE_FILE_SEED);
  }
}

/** sha256 (hex) of `/large.bin?bytes=size`. */
export function largeFileSha256(size: number): string {
  const hash = createHash('sha256');
  for (const chunk of largeFileChunks(size)) hash.update(chunk);
  return hash.digest('hex');
}

export function largeFileName(size: number): string {
  return `large-${size}.bin`;
}

async function* lazily(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

export const largeFileRoute: HttpHandler = (request) => {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return { status: 405, headers: [['Allow', 'GET, HEAD']] };
  const query = new URLSearchParams(request.path.split('?')[1] ?? '');
  const asked = query.get('bytes');
  const size = asked === null ? LARGE_FILE_DEFAULT_SIZE : Number(asked);
  if (!Number.isSafeInteger(size) || size < 1 || size > LARGE_FILE_MAX_SIZE) {
    return {
      status: 400,
      headers: [['Content-Type', 'text/plain; charset=utf-8']],
      body: new TextEncoder().encode('bad bytes=\n'),
    };
  }
  const etag = `"large-${size}"`;
  const common: [string, string][] = [
    ['Content-Type', 'application/octet-stream'],
    ['Content-Disposition', `attachment; filename="${largeFileName(size)}"`],
    ['ETag', etag],
    ['Accept-Ranges', 'bytes'],
  ];
  const rangeHeader = headerValue(request.headers, 'range');
  const ifRange = headerValue(request.headers, 'if-range');
  const range =
    rangeHeader !== null && (ifRange === null || ifRange.trim() === etag)
      ? parseByteRange(rangeHeader, size)
      : null;
  if (range === 'unsatisfiable')
    return { status: 416, headers: [...common, ['Content-Range', `bytes */${size}`]] };
  const { start, end } = range ?? { start: 0, end: size - 1 };
  const headers: [string, string][] = [...common, ['Content-Length', String(end - start + 1)]];
  if (range) headers.push(['Content-Range', `bytes ${start}-${end}/${size}`]);
  return {
    status: range ? 206 : 200,
    headers,
    body: request.method === 'HEAD' ? null : lazily(largeFileChunks(size, start, end)),
  };
};
