/**
 * GF(256) arithmetic of RFC 6330 §5.7 (polynomial x^8+x^4+x^3+x^2+1 = 0x11d, alpha = 2): scalar helpers for the
 * planner and a full 64 KiB multiplication table for symbol kernels.
 */
import * as tables from './tables.generated.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { OCT_EXP, OCT_LOG } = tables;

/** MUL[a * 256 + b] = a * b. */
export const MUL = new Uint8Array(65536);
for (let a = 1; a < 256; a++) {
  const la = OCT_LOG[a];
  for (let b = 1; b < 256; b++) MUL[(a << 8) | b] = OCT_EXP[la + OCT_LOG[b]];
}

export function gfMul(a: number, b: number): number {
  return MUL[(a << 8) | b];
}

/** Multiplicative inverse of a non-zero element. */
export function gfInv(a: number): number {
  return OCT_EXP[255 - OCT_LOG[a]];
}

/** alpha^i for i >= 0. */
export function gfAlphaPow(i: number): number {
  return OCT_EXP[i % 255];
}
