/**
 * Phase 1 of inactivation decoding (RFC 6330 §5.4.2.2), on the structure only: the binary rows (S LDPC rows and
 * one LT row per known encoding symbol) are peeled greedily. A row with one active column pivots that column;
 * when none is left, the row with fewest active columns keeps one and the others are inactivated (joining the P
 * permanently inactivated columns W..L-1). HDPC rows take no part: they are dense and handled by the planner.
 *
 * XORing a pivot row into the others never adds entries among active columns (the pivot row has just its pivot
 * there), so every row keeps its original entries and the active degree only goes down: the pivot rows, in
 * order, form a unit lower-triangular system over the pivot columns.
 */
import type { KContext } from './context.ts';
import * as tuple from './tuple.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { ltColumns, MAX_ROW_COLUMNS } = tuple;

export const COL_ACTIVE = 0;
export const COL_PIVOT = 1;
export const COL_INACTIVE = 2;

export interface Peeled {
  /** Binary rows: LDPC rows 0..S-1, then the LT rows in the order given. */
  readonly rows: number;
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  /** Input symbol per row, -1 when the row's value is zero (LDPC rows, padding symbols). */
  readonly rowInput: Int32Array;
  /** COL_PIVOT / COL_INACTIVE for every column 0..L-1. */
  readonly colState: Uint8Array;
  /** Pivot t: row pivotRow[t] solves column pivotCol[t]; colPivot[c] = t. */
  readonly pivots: number;
  readonly pivotRow: Int32Array;
  readonly pivotCol: Int32Array;
  readonly colPivot: Int32Array;
  /** Inactive columns (the P permanent ones first); inactIdx[c] = index in this list. */
  readonly inactives: number;
  readonly inactive: Int32Array;
  readonly inactIdx: Int32Array;
  /** Rows that were not pivots (candidates for the dense phase). */
  readonly restCount: number;
  readonly rest: Int32Array;
}

export function peel(kc: KContext, isis: ArrayLike<number>, inputs: ArrayLike<number>, n: number): Peeled {
  const { p } = kc;
  const { Kp, S, W, L } = p;
  const R = S + n;

  // --- rows in CSR form
  const rowStart = new Int32Array(R + 1);
  const cols = new Int32Array(kc.ldpcNnz + n * MAX_ROW_COLUMNS);
  const rowInput = new Int32Array(R).fill(-1);
  cols.set(kc.ldpcCols);
  rowStart.set(kc.ldpcStart);
  let pos = kc.ldpcNnz;
  const { srcStart, srcCols } = kc;
  for (let i = 0; i < n; i++) {
    const x = isis[i];
    rowStart[S + i] = pos;
    rowInput[S + i] = inputs[i];
    if (x < Kp) {
      for (let k = srcStart[x], e = srcStart[x + 1]; k < e; k++) cols[pos++] = srcCols[k];
    } else {
      pos += ltColumns(p, x, cols, pos);
    }
  }
  rowStart[R] = pos;

  // --- active degree per row, rows per active column
  const rowDeg = new Int32Array(R);
  const colStart = new Int32Array(W + 1);
  for (let r = 0; r < R; r++) {
    let d = 0;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c < W) {
        d++;
        colStart[c + 1]++;
      }
    }
    rowDeg[r] = d;
  }
  for (let c = 0; c < W; c++) colStart[c + 1] += colStart[c];
  const colRows = new Int32Array(colStart[W]);
  const fill = colStart.slice(0, W);
  for (let r = 0; r < R; r++) {
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c < W) colRows[fill[c]++] = r;
    }
  }

  // --- buckets of rows by active degree (doubly linked lists)
  let maxDeg = 0;
  for (let r = 0; r < R; r++) if (rowDeg[r] > maxDeg) maxDeg = rowDeg[r];
  const head = new Int32Array(maxDeg + 1).fill(-1);
  const next = new Int32Array(R);
  const prev = new Int32Array(R);
  for (let r = R - 1; r >= 0; r--) {
    const d = rowDeg[r];
    prev[r] = -1;
    next[r] = -1;
    if (d === 0) continue;
    const h = head[d];
    next[r] = h;
    if (h >= 0) prev[h] = r;
    head[d] = r;
  }

  const colState = new Uint8Array(L);
  for (let c = W; c < L; c++) colState[c] = COL_INACTIVE;
  const rowUsed = new Uint8Array(R);
  const pivotRow = new Int32Array(W);
  const pivotCol = new Int32Array(W);
  const colPivot = new Int32Array(L).fill(-1);
  const inactive = new Int32Array(L);
  let nu = 0;
  for (let c = W; c < L; c++) inactive[nu++] = c;
  let np = 0;
  let minD = 1;

  const unlink = (r: number): void => {
    const pr = prev[r];
    const nx = next[r];
    if (pr >= 0) next[pr] = nx;
    else head[rowDeg[r]] = nx;
    if (nx >= 0) prev[nx] = pr;
  };

  // Column c leaves the active set: every unused row containing it loses one active entry.
  const deactivate = (c: number): void => {
    for (let k = colStart[c], e = colStart[c + 1]; k < e; k++) {
      const r = colRows[k];
      if (rowUsed[r]) continue;
      unlink(r);
      const d = --rowDeg[r];
      if (d > 0) {
        const h = head[d];
        prev[r] = -1;
        next[r] = h;
        if (h >= 0) prev[h] = r;
        head[d] = r;
        if (d < minD) minD = d;
      }
    }
  };

  // RFC 6330 §5.4.2.2: among rows with two active columns, take one whose columns lie in the largest connected
  // component of the graph (columns = nodes, these rows = edges): inactivating one column of a tree component
  // lets the whole component peel.
  const parent = new Int32Array(W);
  const stamp = new Int32Array(W);
  const size = new Int32Array(W);
  let epoch = 0;
  const find = (x: number): number => {
    if (stamp[x] !== epoch) {
      stamp[x] = epoch;
      parent[x] = x;
      size[x] = 1;
      return x;
    }
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]];
      x = parent[x];
    }
    return x;
  };
  const activePair = (r: number): number => {
    let first = -1;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c < W && colState[c] === COL_ACTIVE) {
        if (first < 0) first = c;
        else return first * W + c;
      }
    }
    return -1;
  };
  const largestComponentRow = (): number => {
    epoch++;
    for (let r = head[2]; r >= 0; r = next[r]) {
      const pair = activePair(r);
      let a = find((pair / W) | 0);
      let b = find(pair % W);
      if (a === b) continue;
      if (size[a] < size[b]) [a, b] = [b, a];
      parent[b] = a;
      size[a] += size[b];
    }
    let best = head[2];
    let bestSize = 0;
    for (let r = head[2]; r >= 0; r = next[r]) {
      const sz = size[find((activePair(r) / W) | 0)];
      if (sz > bestSize) {
        bestSize = sz;
        best = r;
      }
    }
    return best;
  };

  for (;;) {
    while (minD <= maxDeg && head[minD] < 0) minD++;
    if (minD > maxDeg) break;
    const r = minD === 2 ? largestComponentRow() : head[minD];
    const s = rowStart[r];
    const e = rowStart[r + 1];
    if (minD > 1) {
      // Keep the active column hit by fewest rows, inactivate the rest (they hit the most other rows).
      let keep = -1;
      let keepDeg = 0x7fffffff;
      for (let k = s; k < e; k++) {
        const c = cols[k];
        if (c < W && colState[c] === COL_ACTIVE) {
          const cd = colStart[c + 1] - colStart[c];
          if (cd < keepDeg) {
            keepDeg = cd;
            keep = c;
          }
        }
      }
      for (let k = s; k < e; k++) {
        const c = cols[k];
        if (c < W && c !== keep && colState[c] === COL_ACTIVE) {
          colState[c] = COL_INACTIVE;
          inactive[nu++] = c;
          deactivate(c);
        }
      }
    }
    let c = -1;
    for (let k = s; k < e; k++) {
      const x = cols[k];
      if (x < W && colState[x] === COL_ACTIVE) {
        c = x;
        break;
      }
    }
    unlink(r);
    rowUsed[r] = 1;
    colState[c] = COL_PIVOT;
    colPivot[c] = np;
    pivotRow[np] = r;
    pivotCol[np] = c;
    np++;
    deactivate(c);
  }
  for (let c = 0; c < W; c++) {
    if (colState[c] === COL_ACTIVE) {
      colState[c] = COL_INACTIVE;
      inactive[nu++] = c;
    }
  }
  const inactIdx = new Int32Array(L).fill(-1);
  for (let j = 0; j < nu; j++) inactIdx[inactive[j]] = j;
  const rest = new Int32Array(R - np);
  let nr = 0;
  for (let r = 0; r < R; r++) if (!rowUsed[r]) rest[nr++] = r;

  return {
    rows: R,
    rowStart,
    cols,
    rowInput,
    colState,
    pivots: np,
    pivotRow,
    pivotCol,
    colPivot,
    inactives: nu,
    inactive,
    inactIdx,
    restCount: nr,
    rest,
  };
}
