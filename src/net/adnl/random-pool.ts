/**
 * Random bytes drawn from the platform CSPRNG in 4 KiB blocks and handed out in small pieces: every ADNL-TCP
 * frame needs a 32-byte nonce and every query a 32-byte id, and one getRandomValues call per piece costs more
 * than the rest of the frame's crypto together (bench/lite.bench.ts). Same source, fewer calls.
 */
import { randomBytes } from '../crypto/index.ts';

const BLOCK = 4096;
let block: Uint8Array = new Uint8Array(0);
let used = 0;

/** `n` (<= 4096) fresh random bytes (a copy: callers may keep them). */
export function pooledRandomBytes(n: number): Uint8Array {
  if (n > BLOCK) return randomBytes(n);
  if (used + n > block.length) {
    block = randomBytes(BLOCK);
    used = 0;
  }
  const out = block.slice(used, used + n);
  // Wipe what was handed out so the pool never holds a copy of a nonce or id in use.
  block.fill(0, used, used + n);
  used += n;
  return out;
}
