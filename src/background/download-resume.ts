/**
 * Resuming a download whose body broke mid-way (issue 17 item 3), within the same Chrome download: the rest of
 * the file is asked with `Range: bytes=OFFSET-` (RFC 9110 §14.2) and, when the first answer had a validator,
 * `If-Range` (§13.1.5) so a file changed in between is never spliced: a strong ETag, else Last-Modified. Only a
 * `206` whose Content-Range starts exactly at OFFSET and whose complete length is the length first declared is
 * used; anything else (200 = the site ignores ranges or the file changed, 416, another range) is refused and the
 * download fails as it would have. Gzip/deflate-coded bodies are never resumed (offsets would be of the coded
 * stream). For bags (`.bag` hosts, storage records) the gateway answers ranges from Merkle-checked pieces, so the
 * same request resumes them from any seeder that is left.
 */
import type { HeaderList } from '../net/http/index.ts';
import { headerValue } from '../net/http/index.ts';

/** `bytes START-END/TOTAL` → its numbers; null for anything else (`*` total, malformed). */
export function parseContentRange(
  value: string | null,
): { start: number; end: number; total: number } | null {
  const m = value === null ? null : /^\s*bytes\s+(\d{1,15})-(\d{1,15})\/(\d{1,15})\s*$/i.exec(value);
  if (!m) return null;
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return start <= end && end < total ? { start, end, total } : null;
}

/** The validator an If-Range may carry: a strong ETag, else Last-Modified; null when the answer had neither. */
export function ifRangeValidator(headers: HeaderList): string | null {
  const etag = headerValue(headers, 'etag')?.trim();
  if (etag && !etag.startsWith('W/')) return etag;
  return headerValue(headers, 'last-modified')?.trim() || null;
}

export interface RangeFetch {
  (
    headers: HeaderList,
  ): Promise<{ status: number; headers: HeaderList; body: ReadableStream<Uint8Array> | null }>;
}

/**
 * A resume function for DownloadOffer.resume, or null when the first answer cannot be resumed (no declared
 * length, a coded body, or no validator to bind the ranges to the same file).
 */
export function rangeResumer(
  first: { headers: HeaderList; coded: boolean },
  requestHeaders: HeaderList,
  fetchRange: RangeFetch,
): ((offset: number) => Promise<ReadableStream<Uint8Array> | null>) | null {
  const total = Number(headerValue(first.headers, 'content-length') ?? NaN);
  const validator = ifRangeValidator(first.headers);
  if (first.coded || !Number.isSafeInteger(total) || total <= 0 || validator === null) return null;
  const base = requestHeaders.filter(([name]) => !/^(range|if-range)$/i.test(name));
  return async (offset) => {
    if (!Number.isSafeInteger(offset) || offset <= 0 || offset >= total) return null;
    const answer = await fetchRange([...base, ['Range', `bytes=${offset}-`], ['If-Range', validator]]);
    const range = parseContentRange(headerValue(answer.headers, 'content-range'));
    const coded =
      /\S/.test(headerValue(answer.headers, 'content-encoding') ?? '') &&
      !/^\s*identity\s*$/i.test(headerValue(answer.headers, 'content-encoding') ?? '');
    if (
      answer.status !== 206 ||
      !answer.body ||
      coded ||
      !range ||
      range.start !== offset ||
      range.total !== total
    ) {
      await answer.body?.cancel('not the range asked for').catch(() => undefined);
      return null;
    }
    return answer.body;
  };
}
