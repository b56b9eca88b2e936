/**
 * RFC 6330 §5.3.5: Rand (§5.3.5.1), Deg (§5.3.5.2), Tuple (§5.3.5.4) and the intermediate symbols an
 * encoding symbol with internal symbol id X combines (Enc, §5.3.5.3).
 */
import type { RaptorQParams } from './params.ts';
import * as tables from './tables.generated.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { DEGREE_F, RAND_V } = tables;

/** Rand[y, i, m] with y an unsigned 32-bit value. */
export function rand(y: number, i: number, m: number): number {
  const v =
    RAND_V[(y + i) & 255] ^
    RAND_V[256 + (((y >>> 8) + i) & 255)] ^
    RAND_V[512 + (((y >>> 16) + i) & 255)] ^
    RAND_V[768 + (((y >>> 24) + i) & 255)];
  return (v >>> 0) % m;
}

/** Deg[v]: smallest d with v < f[d], capped at W-2. */
export function degree(v: number, W: number): number {
  let d = 1;
  while (v >= DEGREE_F[d]) d++;
  return d < W - 2 ? d : W - 2;
}

/** Longest column list ltColumns() writes: LT degree <= 30 plus PI degree <= 3. */
export const MAX_ROW_COLUMNS = 33;

/**
 * Writes the intermediate-symbol indices that encoding symbol ISI `x` is the XOR of into out[off..] and
 * returns how many: first d LT columns (< W), then d1 PI columns (W + b1, b1 < P). W and P1 are prime, so the
 * walks never repeat a column.
 */
export function ltColumns(p: RaptorQParams, x: number, out: Int32Array, off: number): number {
  const { W, P, P1 } = p;
  const A = (53591 + p.J * 997) | 1;
  const y = (10267 * (p.J + 1) + Math.imul(x, A)) >>> 0;
  const d = degree(rand(y, 0, 1 << 20), W);
  const a = 1 + rand(y, 1, W - 1);
  let b = rand(y, 2, W);
  const d1 = d < 4 ? 2 + rand(x, 3, 2) : 2;
  const a1 = 1 + rand(x, 4, P1 - 1);
  let b1 = rand(x, 5, P1);
  let n = off;
  out[n++] = b;
  for (let j = 1; j < d; j++) {
    b += a;
    if (b >= W) b -= W;
    out[n++] = b;
  }
  while (b1 >= P) b1 = (b1 + a1) % P1;
  out[n++] = W + b1;
  for (let j = 1; j < d1; j++) {
    b1 = (b1 + a1) % P1;
    while (b1 >= P) b1 = (b1 + a1) % P1;
    out[n++] = W + b1;
  }
  return n - off;
}
