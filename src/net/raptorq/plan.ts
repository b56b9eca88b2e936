/**
 * Turns a set of known encoding symbols into a program that computes the L intermediate symbols C (RFC 6330
 * §5.3.3.4, solved by inactivation decoding §5.4.2), or reports that the set does not determine them yet.
 *
 * With the binary rows peeled (peel.ts) into pivot rows (unit lower triangular over the pivot columns) and the
 * u inactive columns, the work is:
 *  1. forward: Y_t = D_t + sum of Y over the earlier pivot columns in row t (symbols), and Z_t, the same
 *     combination of the rows' inactive parts (bitsets), so that C[pivotCol t] = Y_t + Z_t . C_inactive;
 *  2. the rows left over and the H HDPC rows become a dense u-column system: binary rows through Y/Z, HDPC rows
 *     (G_HDPC = MT * GAMMA, §5.3.3.3) through the GAMMA recurrence y_j = alpha * y_{j-1} + x_j, which needs one
 *     pass per column instead of H dense multiplications;
 *  3. dense Gaussian elimination: binary rows among themselves with XOR, the HDPC rows with GF(256) only where
 *     they must; this yields C for every inactive column;
 *  4. back substitution in pivot order from the original rows: C[pivotCol t] = D_t + sum of C over the other
 *     columns of row t, for the columns the caller reads (a decoder: those of its missing source symbols) and
 *     what they depend on.
 * Every symbol operation goes into the program (program.ts); workspace slot cBase + j ends holding C[j].
 */
import type { KContext } from './context.ts';
import * as gf from './gf256.ts';
import * as peeling from './peel.ts';
import * as program from './program.ts';
import * as scratch from './scratch.ts';
import * as densePhase from './dense.ts';
import * as hdpc from './hdpc.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { NONE, OP_ALPHA, OP_CHAIN, OP_FMA, OP_SCALE, OP_SET, OP_XOR, relocate } = program;
const { scratchI32, scratchU8 } = scratch;
const { COL_INACTIVE, COL_PIVOT, peel } = peeling;
const { gfAlphaPow } = gf;
const { planDense } = densePhase;
const { hdpcRows } = hdpc;

export interface Plan {
  /** Planner scratch (a view of a buffer the next planSolve reuses): run it or copy it before planning again. */
  readonly prog: Int32Array;
  /** Workspace symbols the program uses from cBase on (>= L); C[j] ends in slot cBase + j. */
  readonly slots: number;
}

/** Most workspace slots a plan uses from cBase on: L columns, H HDPC accumulators, the GAMMA chain. */
export function maxPlanSlots(L: number, H: number): number {
  return L + H + 1;
}

/**
 * Plans the solve for LT rows isis[0..n) (ISIs) whose values are input symbols inputs[i] (-1: known zero, as
 * for padding symbols), for a workspace with input symbol i in slot inputBase + i and C[j] in slot cBase + j.
 * `needed` (length >= L) marks the columns the caller reads afterwards, null for all of them: the program then
 * computes C only for those (and what they depend on); other slots of C hold intermediate values.
 * Returns null when these rows do not have full rank yet.
 */
export function planSolve(
  kc: KContext,
  isis: ArrayLike<number>,
  inputs: ArrayLike<number>,
  n: number,
  cBase: number,
  inputBase: number,
  needed: Uint8Array | null = null,
): Plan | null {
  const { p, hdpcA, hdpcB } = kc;
  const { Kp, S, H, L } = p;
  const pe = peel(kc, isis, inputs, n);
  const { rowStart, cols, rowInput, colState, colPivot, pivotRow, pivotCol, inactIdx, inactive, rest } = pe;
  const np = pe.pivots;
  const nu = pe.inactives;
  if (pe.restCount + H < nu) return null;
  const nw = (nu + 31) >> 5;

  // --- 1. Z_t bitsets over the inactive columns
  const Z = scratchI32(20, np * nw);
  Z.fill(0, 0, np * nw);
  for (let t = 0; t < np; t++) {
    const r = pivotRow[t];
    const own = pivotCol[t];
    const zo = t * nw;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c === own) continue;
      if (colState[c] === COL_INACTIVE) {
        const j = inactIdx[c];
        Z[zo + (j >> 5)] ^= 1 << (j & 31);
      } else {
        const so = colPivot[c] * nw;
        for (let w = 0; w < nw; w++) Z[zo + w] ^= Z[so + w];
      }
    }
  }

  // --- 2a. leftover binary rows as bitsets
  const nb = pe.restCount;
  const DB = scratchI32(21, nb * nw);
  DB.fill(0, 0, nb * nw);
  for (let k = 0; k < nb; k++) {
    const r = rest[k];
    const ko = k * nw;
    for (let q = rowStart[r], e = rowStart[r + 1]; q < e; q++) {
      const c = cols[q];
      if (colState[c] === COL_INACTIVE) {
        const j = inactIdx[c];
        DB[ko + (j >> 5)] ^= 1 << (j & 31);
      } else {
        const so = colPivot[c] * nw;
        for (let w = 0; w < nw; w++) DB[ko + w] ^= Z[so + w];
      }
    }
  }

  // --- 2b. HDPC rows over the inactive columns (hdpc.ts)
  const T = Kp + S;
  const rb = nw * 32;
  const HD = hdpcRows(kc, pe, Z, nw);

  // --- 3. dense elimination (dense.ts)
  const dp = planDense(DB, nb, nw, HD, rb, H, nu);
  if (!dp) return null;
  const { pivotOf, ops: dense } = dp;

  // --- slots: a dense row that pivots inactive column j lives in slot inactive[j]; the others get spare slots
  const slotOf = new Int32Array(nb + H).fill(-1);
  for (let j = 0; j < nu; j++) slotOf[pivotOf[j]] = inactive[j];
  let spare = L;
  for (let h = 0; h < H; h++) if (slotOf[nb + h] < 0) slotOf[nb + h] = spare++;
  const ySlot = spare++;

  // --- emit, into a buffer sized for the worst case
  const R = pe.rows;
  const nnz = rowStart[R];
  const out = scratchI32(22, 3 * (4 * R + nnz) + 8 * H + 5 * T + 16 + dense.length);
  let o = 0;
  // 1. forward substitution into the pivot columns' slots: Y_t = D_t + Y of the earlier pivots in row t
  for (let t = 0; t < np; t++) {
    const r = pivotRow[t];
    const own = pivotCol[t];
    out[o] = OP_SET;
    out[o + 1] = own;
    const at = o + 2;
    o += 3;
    if (rowInput[r] >= 0) out[o++] = -rowInput[r] - 1;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c !== own && colState[c] === COL_PIVOT) out[o++] = c;
    }
    out[at] = o - at - 1;
  }
  // 2a. right-hand sides of the leftover binary rows that the dense phase uses
  for (let k = 0; k < nb; k++) {
    if (slotOf[k] < 0) continue;
    const r = rest[k];
    out[o] = OP_SET;
    out[o + 1] = slotOf[k];
    const at = o + 2;
    o += 3;
    if (rowInput[r] >= 0) out[o++] = -rowInput[r] - 1;
    for (let q = rowStart[r], e = rowStart[r + 1]; q < e; q++) {
      const c = cols[q];
      if (colState[c] === COL_PIVOT) out[o++] = c;
    }
    out[at] = o - at - 1;
  }
  // 2b. HDPC right-hand sides: MT * GAMMA * Y (Y on pivot columns, 0 on inactive ones)
  for (let h = 0; h < H; h++) {
    out[o++] = OP_SET;
    out[o++] = slotOf[nb + h];
    out[o++] = 0;
  }
  out[o++] = OP_SET;
  out[o++] = ySlot;
  out[o++] = 0;
  for (let j = 0; j < T - 1; j++) {
    out[o++] = OP_CHAIN;
    out[o++] = ySlot;
    out[o++] = colState[j] === COL_PIVOT ? j : NONE;
    out[o++] = slotOf[nb + hdpcA[j]];
    out[o++] = slotOf[nb + hdpcB[j]];
  }
  out[o++] = OP_ALPHA;
  out[o++] = ySlot;
  out[o++] = colState[T - 1] === COL_PIVOT ? T - 1 : NONE;
  for (let h = 0; h < H; h++) {
    out[o++] = OP_FMA;
    out[o++] = slotOf[nb + h];
    out[o++] = ySlot;
    out[o++] = gfAlphaPow(h);
  }
  // 3. dense elimination (ops on dense rows that pivot nothing are dropped: nothing reads them)
  for (let i = 0; i < dense.length;) {
    const op = dense[i];
    const dst = slotOf[dense[i + 1]];
    if (op === OP_XOR) {
      const count = dense[i + 2];
      if (dst >= 0) {
        out[o++] = OP_XOR;
        out[o++] = dst;
        out[o++] = count;
        for (let q = 0; q < count; q++) out[o++] = slotOf[dense[i + 3 + q]];
      }
      i += 3 + count;
    } else if (op === OP_FMA) {
      if (dst >= 0) {
        out[o++] = OP_FMA;
        out[o++] = dst;
        out[o++] = slotOf[dense[i + 2]];
        out[o++] = dense[i + 3];
      }
      i += 4;
    } else {
      if (dst >= 0) {
        out[o++] = OP_SCALE;
        out[o++] = dst;
        out[o++] = dense[i + 2];
      }
      i += 3;
    }
  }
  // 4. back substitution: C[pivotCol t] = D_t + C of the other columns of row t (ROW), or C[pivotCol t] = Y_t +
  // Z_t . C_inactive in place (BITS: cheaper for early pivots, whose Z_t is still sparse). Forms are chosen last
  // pivot first: a ROW pivot needs the earlier pivot columns of its row, and with `needed` the pivots nobody needs
  // are skipped. Two choices are costed and the cheaper kept: each pivot's cheaper form alone, and (with
  // `needed`) ROW charged with the cheaper form of each earlier pivot it would be the first to need.
  const bitsOf = scratchI32(25, np);
  for (let t = 0; t < np; t++) {
    let bits = 0;
    for (let w = 0, zo = t * nw; w < nw; w++) bits += popcount(Z[zo + w]);
    bitsOf[t] = bits;
  }
  const rowCost = (t: number): number => {
    const r = pivotRow[t];
    return rowStart[r + 1] - rowStart[r] - 1 + (rowInput[r] >= 0 ? 1 : 0);
  };
  const need = needed ? scratchU8(5, L) : null;
  const chooseForms = (chargeCascade: boolean, form: Uint8Array): number => {
    if (need) need.set(needed!.subarray(0, L));
    let total = 0;
    for (let t = np - 1; t >= 0; t--) {
      const r = pivotRow[t];
      if (need && !need[pivotCol[t]]) {
        form[t] = SKIP;
        continue;
      }
      const len = rowCost(t);
      let row = len;
      if (chargeCascade && need) {
        for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
          const c = cols[k];
          if (need[c] || colState[c] !== COL_PIVOT) continue;
          const q = colPivot[c];
          row += Math.min(bitsOf[q], rowCost(q));
        }
      }
      if (bitsOf[t] < row) {
        form[t] = BITS;
        total += bitsOf[t];
        continue;
      }
      form[t] = ROW;
      total += len;
      if (need) for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) need[cols[k]] = 1;
    }
    return total;
  };
  let form = scratchU8(4, np);
  const plain = chooseForms(false, form);
  if (need) {
    const other = scratchU8(6, np);
    if (chooseForms(true, other) < plain) form = other;
  }
  for (let t = 0; t < np; t++) {
    const f = form[t];
    if (f === SKIP) continue;
    const r = pivotRow[t];
    const own = pivotCol[t];
    const zo = t * nw;
    if (f === BITS) {
      const bits = bitsOf[t];
      if (bits === 0) continue;
      out[o++] = OP_XOR;
      out[o++] = own;
      out[o++] = bits;
      for (let w = 0; w < nw; w++) {
        let x = Z[zo + w];
        while (x !== 0) {
          const low = x & -x;
          out[o++] = inactive[w * 32 + (31 - Math.clz32(low))];
          x ^= low;
        }
      }
      continue;
    }
    out[o] = OP_SET;
    out[o + 1] = own;
    const at = o + 2;
    o += 3;
    if (rowInput[r] >= 0) out[o++] = -rowInput[r] - 1;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c !== own) out[o++] = c;
    }
    out[at] = o - at - 1;
  }
  relocate(out, o, cBase, inputBase);
  return { prog: out.subarray(0, o), slots: spare };
}

/** Back-substitution forms of a pivot (see step 4 of planSolve). */
const SKIP = 0;
const BITS = 1;
const ROW = 2;

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 63;
}
