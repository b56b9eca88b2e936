/**
 * Message bodies as sources of payload parts: a ChunkReader hands out the next part of up to `max` bytes from a
 * Uint8Array, a ReadableStream or an async iterable, never holding more than one part plus one source chunk.
 */
import { HttpError } from './errors.ts';

/** A body to send: bytes, a web stream, or any async iterable of byte chunks. */
export type BodySource = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface ChunkReaderOptions {
  /** Known total length (Content-Length): the part that reaches it is the last one, without waiting for EOF. */
  expectedLength?: number | null;
  /** Once a part holds some bytes, wait at most this long for more before sending it (default 5 ms). */
  flushMs?: number;
}

type Pull = () => Promise<IteratorResult<Uint8Array>>;

function toPull(source: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): {
  pull: Pull;
  cancel: (why: unknown) => void;
} {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      pull: async () => {
        const r = await reader.read();
        return r.done ? { done: true, value: undefined } : { done: false, value: r.value };
      },
      cancel: (why) => void reader.cancel(why).catch(() => {}),
    };
  }
  const it = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    pull: () => it.next(),
    cancel: () => void it.return?.()?.catch?.(() => {}),
  };
}

export class ChunkReader {
  /** Bytes handed out so far. */
  delivered = 0;
  #bytes: Uint8Array | null = null;
  #pull: Pull | null = null;
  #cancelSource: ((why: unknown) => void) | null = null;
  #pending: Promise<IteratorResult<Uint8Array>> | null = null;
  #leftover: Uint8Array | null = null;
  #ended = false;
  #cancelled = false;
  readonly #expected: number | null;
  readonly #flushMs: number;

  constructor(source: BodySource, options: ChunkReaderOptions = {}) {
    this.#expected = options.expectedLength ?? null;
    this.#flushMs = options.flushMs ?? 5;
    if (source instanceof Uint8Array) this.#bytes = source;
    else {
      const { pull, cancel } = toPull(source);
      this.#pull = pull;
      this.#cancelSource = cancel;
    }
  }

  /** True once the last part was handed out. */
  get done(): boolean {
    return this.#ended;
  }

  /**
   * The next part: up to `max` bytes and whether it is the last. A source that yields more than
   * `expectedLength` bytes is an HttpError('protocol'), one that ends early too.
   */
  async read(max: number): Promise<{ data: Uint8Array; last: boolean }> {
    if (this.#cancelled) throw new HttpError('aborted', 'body was cancelled');
    if (this.#ended) return { data: new Uint8Array(0), last: true };
    if (!(max > 0)) throw new HttpError('request', 'part size must be > 0');
    if (this.#expected !== null) {
      max = Math.min(max, this.#expected - this.delivered);
      if (max === 0) {
        this.#finish();
        return { data: new Uint8Array(0), last: true };
      }
    }
    const part = this.#bytes ? this.#fromBytes(max) : await this.#fromStream(max);
    this.delivered += part.data.length;
    if (this.#expected !== null) {
      if (this.delivered === this.#expected) {
        if (this.#leftover && this.#leftover.length > 0) {
          throw new HttpError('protocol', `body longer than its Content-Length ${this.#expected}`);
        }
        part.last = true;
      } else if (part.last) {
        throw new HttpError('protocol', `body ended after ${this.delivered} of ${this.#expected} bytes`);
      }
    }
    if (part.last) this.#finish();
    return part;
  }

  cancel(reason?: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    if (!this.#ended) this.#cancelSource?.(reason);
    this.#finish();
  }

  #finish(): void {
    this.#ended = true;
    this.#bytes = null;
    this.#leftover = null;
    this.#pending = null;
  }

  #fromBytes(max: number): { data: Uint8Array; last: boolean } {
    const bytes = this.#bytes as Uint8Array;
    const data = bytes.subarray(0, max);
    this.#bytes = bytes.subarray(data.length);
    return { data, last: this.#bytes.length === 0 };
  }

  async #next(): Promise<IteratorResult<Uint8Array>> {
    const p = this.#pending ?? (this.#pull as Pull)();
    this.#pending = null;
    const r = await p;
    if (!r.done && !(r.value instanceof Uint8Array))
      throw new HttpError('request', 'body chunks must be Uint8Array');
    return r;
  }

  async #fromStream(max: number): Promise<{ data: Uint8Array; last: boolean }> {
    const pieces: Uint8Array[] = [];
    let size = 0;
    const take = (chunk: Uint8Array): void => {
      const room = max - size;
      if (chunk.length > room) {
        pieces.push(chunk.subarray(0, room));
        this.#leftover = chunk.subarray(room);
        size = max;
      } else {
        pieces.push(chunk);
        size += chunk.length;
      }
    };
    if (this.#leftover) {
      const l = this.#leftover;
      this.#leftover = null;
      take(l);
    }
    let last = false;
    let flushAt = Infinity;
    while (size < max) {
      if (this.#expected !== null && this.delivered + size >= this.#expected) break;
      if (size > 0 && flushAt === Infinity) flushAt = Date.now() + this.#flushMs;
      let r: IteratorResult<Uint8Array> | null;
      if (size > 0) {
        // Some bytes are ready: wait for more only briefly, keeping the read for the next part.
        const p = this.#pending ?? (this.#pull as Pull)();
        this.#pending = p;
        const wait = Math.max(0, flushAt - Date.now());
        let timer: ReturnType<typeof setTimeout> | undefined;
        r = await Promise.race([
          p,
          new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), wait))),
        ]);
        clearTimeout(timer);
        if (r === null) break;
        this.#pending = null;
        if (!r.done && !(r.value instanceof Uint8Array))
          throw new HttpError('request', 'body chunks must be Uint8Array');
      } else {
        r = await this.#next();
      }
      if (r.done) {
        last = true;
        break;
      }
      if (r.value.length > 0) take(r.value);
    }
    if (this.#expected !== null && this.delivered + size > this.#expected) {
      throw new HttpError('protocol', `body longer than its Content-Length ${this.#expected}`);
    }
    let data: Uint8Array;
    if (pieces.length === 1) data = pieces[0];
    else {
      data = new Uint8Array(size);
      let off = 0;
      for (const p of pieces) {
        data.set(p, off);
        off += p.length;
      }
    }
    return { data, last };
  }
}
