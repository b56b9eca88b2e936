/**
 * Kademlia metric of the TON DHT (DIGEST §5.2): the distance between two 256-bit ids is their XOR, compared as
 * a big-endian unsigned number (C++ DhtKeyId operator< on td::Bits256).
 */
import { DhtError } from './errors.ts';

function expectId(id: Uint8Array): void {
  if (!(id instanceof Uint8Array) || id.length !== 32) throw new DhtError('DHT ids are 32 bytes');
}

export function xorDistance(a: Uint8Array, b: Uint8Array): Uint8Array {
  expectId(a);
  expectId(b);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = a[i] ^ b[i];
  return out;
}

/** Big-endian comparison of two equal-length byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] - b[i];
  }
  return a.length - b.length;
}

/** Negative if `a` is closer to `target` than `b`, positive if farther, zero if `a` and `b` are the same id. */
export function compareDistance(target: Uint8Array, a: Uint8Array, b: Uint8Array): number {
  expectId(target);
  expectId(a);
  expectId(b);
  for (let i = 0; i < 32; i++) {
    const da = a[i] ^ target[i];
    const db = b[i] ^ target[i];
    if (da !== db) return da - db;
  }
  return 0;
}

/**
 * Index of the k-bucket of `id` relative to `self`: the number of leading bits they share (0..255), or -1 when
 * the ids are equal. C++ keeps one bucket per leading-zero count of `self ^ id`.
 */
export function bucketIndex(self: Uint8Array, id: Uint8Array): number {
  expectId(self);
  expectId(id);
  for (let i = 0; i < 32; i++) {
    const x = self[i] ^ id[i];
    if (x !== 0) return i * 8 + Math.clz32(x) - 24;
  }
  return -1;
}

/** Sorts `items` (in place) by the distance of `idOf(item)` to `target`, closest first. */
export function sortByDistance<T>(target: Uint8Array, items: T[], idOf: (item: T) => Uint8Array): T[] {
  return items.sort((x, y) => compareDistance(target, idOf(x), idOf(y)));
}
