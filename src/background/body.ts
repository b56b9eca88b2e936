/**
 * Bounded response bodies for Fetch.fulfillRequest, which takes a whole body in one message (no streaming form,
 * INTERCEPTION.md). The rules, in one place:
 *   - a body is read into memory up to MAX_BODY_BYTES; a bigger navigation or `<a download>` is saved to disk as
 *     it streams instead (download-kind.ts, downloads.ts), a bigger sub-resource is cancelled and gets a text
 *     that says so;
 *   - a ranged request (media elements always send one, `bytes=N-`) asks the site for at most RANGE_WINDOW_BYTES
 *     from N; the browser asks for the next window itself. A site that ignores Range and answers 200 is cut to the
 *     same window here (bytes before N are skipped as they stream, never stored), answered as a 206.
 */
import { concatBytes } from '../net/bytes.ts';
import { parseRangeSpec } from '../net/range.ts';

export const MAX_BODY_BYTES = 32 * 1024 * 1024;
export const RANGE_WINDOW_BYTES = 4 * 1024 * 1024;

/** An open-ended or closed single range `bytes=start-[end]` (suffix and multi-ranges are passed through). */
export interface ByteRange {
  start: number;
  /** Inclusive; null = to the end. */
  end: number | null;
}

export function parseByteRange(value: string | null): ByteRange | null {
  const spec = value === null ? null : parseRangeSpec(value);
  return spec && 'first' in spec ? { start: spec.first, end: spec.last } : null;
}

/** The range actually asked of the site: at most RANGE_WINDOW_BYTES from `start`. */
export function windowOf(range: ByteRange, window = RANGE_WINDOW_BYTES): { start: number; end: number } {
  const last = range.start + window - 1;
  return { start: range.start, end: range.end === null ? last : Math.min(range.end, last) };
}

export class BodyTooLargeError extends Error {
  override name = 'BodyTooLargeError';
  constructor(
    readonly limit: number,
    readonly declared: number | null,
  ) {
    super(
      declared !== null
        ? `the response is ${declared} bytes, more than the built-in gateway holds (${limit} bytes)`
        : `the response is more than the built-in gateway holds (${limit} bytes)`,
    );
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  return parts.length === 1 && parts[0].length === size ? parts[0] : concatBytes(parts);
}

/** The whole body, or BodyTooLargeError (the stream is cancelled) once it passes `limit`. */
export async function readBounded(
  body: ReadableStream<Uint8Array> | null,
  limit = MAX_BODY_BYTES,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      size += r.value.length;
      if (size > limit) {
        await reader.cancel('too large').catch(() => undefined);
        throw new BodyTooLargeError(limit, null);
      }
      parts.push(r.value);
    }
  } finally {
    reader.releaseLock();
  }
  return concat(parts, size);
}

/**
 * The whole body when it fits in `limit`; else, once it passed `limit`, a stream of all of it — the bytes read so
 * far, then the rest as it comes — for a caller that can save it to disk instead (downloads.ts). Never more than
 * `limit` plus one chunk is held.
 */
export async function readBoundedOrStream(
  body: ReadableStream<Uint8Array> | null,
  limit = MAX_BODY_BYTES,
): Promise<{ bytes: Uint8Array } | { stream: ReadableStream<Uint8Array> }> {
  if (!body) return { bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (error) {
      reader.releaseLock();
      throw error;
    }
    if (r.done) {
      reader.releaseLock();
      return { bytes: concat(parts, size) };
    }
    size += r.value.length;
    parts.push(r.value);
    if (size > limit) break;
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      pull: async (controller) => {
        const held = parts.shift();
        if (held) return controller.enqueue(held);
        const r = await reader.read();
        if (r.done) controller.close();
        else controller.enqueue(r.value);
      },
      cancel: (reason) => {
        parts.length = 0;
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream };
}

/**
 * Bytes [start, end] (inclusive) of a full body: earlier bytes are skipped as they arrive, the stream is cancelled
 * once `end` is reached. `total` is the body length when the stream ended before that, else null.
 */
export async function readWindow(
  body: ReadableStream<Uint8Array> | null,
  start: number,
  end: number,
): Promise<{ bytes: Uint8Array; total: number | null }> {
  if (!body) return { bytes: new Uint8Array(0), total: 0 };
  const reader = body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  let position = 0;
  let total: number | null = null;
  try {
    for (;;) {
      const r = await reader.read();
      if (r.done) {
        total = position;
        break;
      }
      const chunk = r.value;
      const from = Math.max(0, start - position);
      const to = Math.min(chunk.length, end + 1 - position);
      if (from < to) {
        parts.push(chunk.subarray(from, to));
        size += to - from;
      }
      position += chunk.length;
      if (position > end) {
        await reader.cancel('range served').catch(() => undefined);
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { bytes: concat(parts, size), total };
}
