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
 *     columns of row t.
 * Every symbol operation goes into the program (program.ts); slot j < L of the workspace ends holding C[j].
 */
import type { KContext } from './context.ts';
import * as gf from './gf256.ts';
import * as peeling from './peel.ts';
import * as program from './program.ts';
import * as scratch from './scratch.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { NONE, OP_ALPHA, OP_CHAIN, OP_FMA, OP_SCALE, OP_SET, OP_XOR, relocate } = program;
const { scratchI32, scratchU8 } = scratch;
const { COL_INACTIVE, COL_PIVOT, peel } = peeling;
const { gfAlphaPow, gfInv, MUL } = gf;

export interface Plan {
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
 * Returns null when these rows do not have full rank yet.
 */
export function planSolve(
  kc: KContext,
  isis: ArrayLike<number>,
  inputs: ArrayLike<number>,
  n: number,
  cBase: number,
  inputBase: number,
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

  // --- 2b. HDPC rows over the inactive columns: MT * GAMMA * X + I_H, X_j = Z_t (pivot) or e_j (inactive).
  // y runs bit-sliced: plane k holds bit k of every column's GF(256) value, so y = alpha * y is a rotation of
  // the planes plus three plane XORs (x^8 = x^4 + x^3 + x^2 + 1), and adding the binary X_j touches plane 0 only.
  const T = Kp + S;
  const ys = scratchI32(23, 8 * nw);
  ys.fill(0, 0, 8 * nw);
  const acc = scratchI32(24, H * 8 * nw);
  acc.fill(0, 0, H * 8 * nw);
  let rot = 0; // logical plane k lives at physical plane (k + rot) & 7
  for (let j = 0; j < T - 1; j++) {
    rot = (rot + 7) & 7;
    const top = rot * nw; // the old plane 7 is the new plane 0
    for (let k = 2; k <= 4; k++) {
      const po = ((k + rot) & 7) * nw;
      for (let w = 0; w < nw; w++) ys[po + w] ^= ys[top + w];
    }
    if (colState[j] === COL_PIVOT) {
      const zo = colPivot[j] * nw;
      for (let w = 0; w < nw; w++) ys[top + w] ^= Z[zo + w];
    } else {
      const x = inactIdx[j];
      ys[top + (x >> 5)] ^= 1 << (x & 31);
    }
    const o1 = hdpcA[j] * 8 * nw;
    const o2 = hdpcB[j] * 8 * nw;
    for (let k = 0; k < 8; k++) {
      const po = ((k + rot) & 7) * nw;
      const ko = k * nw;
      for (let w = 0; w < nw; w++) {
        const v = ys[po + w];
        acc[o1 + ko + w] ^= v;
        acc[o2 + ko + w] ^= v;
      }
    }
  }
  // back to bytes: HD[h][c] = sum over k of bit c of plane k, << k; then the last column (MT = alpha^h) and I_H
  const rb = nw * 32; // bytes per HDPC row, >= nu
  const HD = scratchU8(2, H * rb);
  HD.fill(0, 0, H * rb);
  const yb = scratchU8(3, rb);
  const toBytes = (
    planes: Int32Array,
    o: number,
    physical: (k: number) => number,
    dst: Uint8Array,
    d: number,
  ) => {
    for (let k = 0; k < 8; k++) {
      const po = o + physical(k) * nw;
      for (let w = 0; w < nw; w++) {
        let x = planes[po + w];
        while (x !== 0) {
          const low = x & -x;
          dst[d + w * 32 + (31 - Math.clz32(low))] |= 1 << k;
          x ^= low;
        }
      }
    }
  };
  for (let h = 0; h < H; h++) toBytes(acc, h * 8 * nw, (k) => k, HD, h * rb);
  yb.fill(0, 0, rb);
  toBytes(ys, 0, (k) => (k + rot) & 7, yb, 0);
  // last step of the chain in bytes: y = alpha * y + X_{T-1}
  for (let c = 0; c < nu; c++) yb[c] = MUL[512 | yb[c]];
  if (colState[T - 1] === COL_PIVOT) {
    const zo = colPivot[T - 1] * nw;
    for (let c = 0; c < nu; c++) yb[c] ^= (Z[zo + (c >> 5)] >>> (c & 31)) & 1;
  } else {
    yb[inactIdx[T - 1]] ^= 1;
  }
  for (let h = 0; h < H; h++) {
    const m = gfAlphaPow(h) << 8;
    const o = h * rb;
    for (let c = 0; c < nu; c++) HD[o + c] ^= MUL[m | yb[c]];
    HD[o + inactIdx[T + h]] ^= 1;
  }

  // --- 3. dense elimination; dense row k < nb is leftover binary row k, nb + h is HDPC row h.
  // Ops are recorded on virtual slots VBASE + dense row and mapped to real slots once pivots are known.
  const VBASE = 0x40000000;
  const dense: number[] = [];
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
      dense.push(OP_XOR, VBASE + k, pk.length, ...pk);
      pending[k] = undefined;
    }
    const ko = k * nw;
    for (let q = k + 1; q < nb; q++) {
      if (binPiv[q] || !(DB[q * nw + w] & bit)) continue;
      const qo = q * nw;
      for (let x = 0; x < nw; x++) DB[qo + x] ^= DB[ko + x];
      (pending[q] ??= []).push(VBASE + k);
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
      dense.push(OP_FMA, VBASE + nb + h, VBASE + k, c);
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
      dense.push(OP_SCALE, VBASE + nb + h, gfInv(c));
    }
    for (let q = 0; q < H; q++) {
      const qo = q * rb;
      const c2 = HD[qo + j];
      if (q === h || c2 === 0) continue;
      const m = c2 << 8;
      for (let x = 0; x < nu; x++) HD[qo + x] ^= MUL[m | HD[ho + x]];
      dense.push(OP_FMA, VBASE + nb + q, VBASE + nb + h, c2);
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
        if (m !== j) srcs.push(VBASE + pivotOf[m]);
        x ^= low;
      }
    }
    if (srcs.length) dense.push(OP_XOR, VBASE + k, srcs.length, ...srcs);
  }

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
    const dst = slotOf[dense[i + 1] - VBASE];
    if (op === OP_XOR) {
      const count = dense[i + 2];
      if (dst >= 0) {
        out[o++] = OP_XOR;
        out[o++] = dst;
        out[o++] = count;
        for (let q = 0; q < count; q++) out[o++] = slotOf[dense[i + 3 + q] - VBASE];
      }
      i += 3 + count;
    } else if (op === OP_FMA) {
      if (dst >= 0) {
        out[o++] = OP_FMA;
        out[o++] = dst;
        out[o++] = slotOf[dense[i + 2] - VBASE];
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
  // 4. back substitution: C[pivotCol t] = D_t + C of the other columns of row t, or, when Z_t has fewer bits,
  // C[pivotCol t] = Y_t + Z_t . C_inactive in place (early pivots, whose Z_t is still sparse)
  for (let t = 0; t < np; t++) {
    const r = pivotRow[t];
    const own = pivotCol[t];
    const zo = t * nw;
    let bits = 0;
    for (let w = 0; w < nw; w++) bits += popcount(Z[zo + w]);
    if (bits < rowStart[r + 1] - rowStart[r] - 1 + (rowInput[r] >= 0 ? 1 : 0)) {
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
  return { prog: out.slice(0, o), slots: spare };
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 63;
}
