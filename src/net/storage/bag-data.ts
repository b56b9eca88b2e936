/**
 * The byte stream of a bag held in memory — the header followed by every file, in header order — without
 * concatenating it: reads that stay inside one segment are views, reads across segments are copied.
 */
import { StorageError } from './errors.ts';

export class BagData {
  readonly size: number;
  readonly #segments: Uint8Array[];
  /** Stream offset of each segment's first byte. */
  readonly #starts: number[];

  constructor(segments: Uint8Array[]) {
    this.#segments = segments;
    this.#starts = [];
    let at = 0;
    for (const s of segments) {
      this.#starts.push(at);
      at += s.length;
    }
    this.size = at;
  }

  /** Index of the segment holding stream byte `offset` (binary search). */
  #segmentAt(offset: number): number {
    let lo = 0;
    let hi = this.#segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // Skip empty segments that start at the same offset.
    while (lo < this.#segments.length - 1 && this.#segments[lo].length === 0) lo++;
    return lo;
  }

  /** `length` bytes of the stream from `offset`. */
  read(offset: number, length: number): Uint8Array {
    if (!(offset >= 0 && length >= 0 && offset + length <= this.size)) {
      throw new StorageError('not-found', `read of ${length} bytes at ${offset} is outside the bag`);
    }
    if (length === 0) return new Uint8Array(0);
    let i = this.#segmentAt(offset);
    const first = this.#segments[i];
    const inFirst = offset - this.#starts[i];
    if (inFirst + length <= first.length) return first.subarray(inFirst, inFirst + length);
    const out = new Uint8Array(length);
    let done = 0;
    let within = inFirst;
    while (done < length) {
      const seg = this.#segments[i];
      const n = Math.min(seg.length - within, length - done);
      out.set(seg.subarray(within, within + n), done);
      done += n;
      within = 0;
      i++;
    }
    return out;
  }
}
