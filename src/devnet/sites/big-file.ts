/**
 * The demo site's large file: 20 MiB of deterministic pseudo-random bytes, generated at startup (never committed).
 * Word i (little-endian uint32) is a 32-bit integer hash of i and the seed, so any part can be recomputed
 * independently — tests compare what they download with `bigFileBytes()` by sha256.
 */
export const BIG_FILE_PATH = '/big.bin';
export const BIG_FILE_SIZE = 20 * 1024 * 1024;

/** splitmix32-style finalizer of word index `i`. */
function word(i: number, seed: number): number {
  let x = (Math.imul(i, 0x9e3779b9) ^ seed) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Bytes [start, start + length) of the deterministic stream of `seed` (word i at byte 4i, little-endian). */
export function bigFileSlice(start: number, length: number, seed = 0x70517e): Uint8Array {
  const first = Math.floor(start / 4);
  const words = new Uint32Array(Math.ceil((start + length) / 4) - first);
  for (let i = 0; i < words.length; i++) words[i] = word(first + i, seed);
  // Uint32Array is host-endian; every machine this runs on is little-endian, which the check below enforces.
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
    throw new Error('big-endian hosts are not supported');
  return new Uint8Array(words.buffer, start - first * 4, length);
}

/** `size` deterministic bytes (default the 20 MiB demo file). */
export function generateBigFile(size = BIG_FILE_SIZE, seed = 0x70517e): Uint8Array {
  return bigFileSlice(0, size, seed);
}

let cached: Uint8Array | null = null;

/** The demo file, generated once per process. */
export function bigFileBytes(): Uint8Array {
  cached ??= generateBigFile();
  return cached;
}
