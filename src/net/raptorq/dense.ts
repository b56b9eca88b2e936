/**
 * Dense phase of inactivation decoding (RFC 6330 §5.4.2.3-5.4.2.4) on the u inactive columns: the binary rows
 * left over by the peeling (bitsets) and the H HDPC rows (GF(256) bytes). Binary rows are eliminated among
 * themselves with XOR only; HDPC rows are cleared of the binary pivot columns and solved by Gauss-Jordan; the
 * binary pivot rows are then back-substituted. Returns, per inactive column, the dense row that ends holding its
 * value, and the symbol operations on dense rows (row k < nb: leftover binary row k; nb + h: HDPC row h):
 *   OP_XOR dst n src1..srcn | OP_FMA dst src c | OP_SCALE dst c
 * or null when the rows do not have full rank. DB and HD are modified.
 */
import * as gf from './gf256.ts';
import * as program from './program.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { OP_FMA, OP_SCALE, OP_XOR } = program;
const { gfInv, MUL } = gf;

export interface DensePlan {
  /** Dense row that solves inactive column j. */
  readonly pivotOf: Int32Array;
  readonly ops: number[];
}

export function planDense(
  DB: Int32Array,
  nb: number,
  nw: number,
  HD: Uint8Array,
  rb: number,
  H: number,
  nu: number,
): DensePlan | null {
  const ops: number[] = [];
  const pivotOf = new Int32Array(nu).fill(-1); // dense row pivoting inactive column j
  const binPiv = new Uint8Array(nb);
  const binOrder: number[] = [];
  const pending: (number[] | undefined)[] = new Array(nb);
  for (let j = 0; j < nu; j++) {
    const w = j >> 5;
    const bit = 1 << (j & 31);
    let k = -1;
    for (let q = 0; q < nb; q++) {
      if (!binPiv[q] && DB[q * nw + w] & bit) {
        k = q;
        break;
      }
    }
    if (k < 0) continue;
    binPiv[k] = 1;
    pivotOf[j] = k;
    binOrder.push(j, k);
    const pk = pending[k];
    if (pk) {
      ops.push(OP_XOR, k, pk.length, ...pk);
      pending[k] = undefined;
    }
    const ko = k * nw;
    for (let q = k + 1; q < nb; q++) {
      if (binPiv[q] || !(DB[q * nw + w] & bit)) continue;
      const qo = q * nw;
      for (let x = 0; x < nw; x++) DB[qo + x] ^= DB[ko + x];
      (pending[q] ??= []).push(k);
    }
  }
  // HDPC rows: clear the binary pivot columns (binary pivot rows are in echelon form here).
  for (let i = 0; i < binOrder.length; i += 2) {
    const j = binOrder[i];
    const k = binOrder[i + 1];
    const ko = k * nw;
    for (let h = 0; h < H; h++) {
      const ho = h * rb;
      const c = HD[ho + j];
      if (c === 0) continue;
      for (let w = 0; w < nw; w++) {
        let x = DB[ko + w];
        while (x !== 0) {
          const low = x & -x;
          HD[ho + w * 32 + (31 - Math.clz32(low))] ^= c;
          x ^= low;
        }
      }
      ops.push(OP_FMA, nb + h, k, c);
    }
  }
  // HDPC rows: Gauss-Jordan over the columns no binary row pivots.
  const hPiv = new Uint8Array(H);
  for (let j = 0; j < nu; j++) {
    if (pivotOf[j] >= 0) continue;
    let h = -1;
    for (let q = 0; q < H; q++) {
      if (!hPiv[q] && HD[q * rb + j] !== 0) {
        h = q;
        break;
      }
    }
    if (h < 0) return null;
    hPiv[h] = 1;
    pivotOf[j] = nb + h;
    const ho = h * rb;
    const c = HD[ho + j];
    if (c !== 1) {
      const m = gfInv(c) << 8;
      for (let x = 0; x < nu; x++) HD[ho + x] = MUL[m | HD[ho + x]];
      ops.push(OP_SCALE, nb + h, gfInv(c));
    }
    for (let q = 0; q < H; q++) {
      const qo = q * rb;
      const c2 = HD[qo + j];
      if (q === h || c2 === 0) continue;
      const m = c2 << 8;
      for (let x = 0; x < nu; x++) HD[qo + x] ^= MUL[m | HD[ho + x]];
      ops.push(OP_FMA, nb + q, nb + h, c2);
    }
  }
  // Binary pivot rows: back substitution, last pivot first.
  for (let i = binOrder.length - 2; i >= 0; i -= 2) {
    const j = binOrder[i];
    const k = binOrder[i + 1];
    const ko = k * nw;
    const srcs: number[] = [];
    for (let w = 0; w < nw; w++) {
      let x = DB[ko + w];
      while (x !== 0) {
        const low = x & -x;
        const m = w * 32 + (31 - Math.clz32(low));
        if (m !== j) srcs.push(pivotOf[m]);
        x ^= low;
      }
    }
    if (srcs.length) ops.push(OP_XOR, k, srcs.length, ...srcs);
  }
  return { pivotOf, ops };
}
