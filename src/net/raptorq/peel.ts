/**
 * Phase 1 of inactivation decoding (RFC 6330 §5.4.2.2), on the structure only: the binary rows (S LDPC rows and
 * one LT row per known encoding symbol) are peeled greedily. A row with one active column pivots that column;
 * when none is left, a row with fewest active columns keeps one and the others are inactivated (joining the P
 * permanently inactivated columns W..L-1). HDPC rows take no part: they are dense and handled by the planner.
 *
 * XORing a pivot row into the others never adds entries among active columns (the pivot row has just its pivot
 * there), so every row keeps its original entries and the active degree only goes down: the pivot rows, in
 * order, form a unit lower-triangular system over the pivot columns.
 *
 * The arrays returned are planner scratch (scratch.ts): valid until the next peel().
 */
import type { KContext } from './context.ts';
import * as scratch from './scratch.ts';
import * as tuple from './tuple.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { ltColumns, MAX_ROW_COLUMNS } = tuple;
const { scratchF64, scratchI32, scratchU8 } = scratch;

/** Components smaller than this (in columns) are left to later passes of the component rule. */
const MIN_COMPONENT = 8;

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
  const { S, W, L } = p;
  const R = S + n;

  // --- rows in CSR form
  const rowStart = scratchI32(0, R + 1);
  const cols = scratchI32(1, kc.ldpcNnz + n * MAX_ROW_COLUMNS);
  const rowInput = scratchI32(2, R);
  rowStart.set(kc.ldpcStart);
  cols.set(kc.ldpcCols);
  rowInput.fill(-1, 0, S);
  let pos = kc.ldpcNnz;
  const { rowStart: cStart, rowCols: cCols, cachedIsis } = kc;
  for (let i = 0; i < n; i++) {
    const x = isis[i];
    rowStart[S + i] = pos;
    rowInput[S + i] = inputs[i];
    if (x < cachedIsis) {
      for (let k = cStart[x], e = cStart[x + 1]; k < e; k++) cols[pos++] = cCols[k];
    } else {
      pos += ltColumns(p, x, cols, pos);
    }
  }
  rowStart[R] = pos;

  // --- active degree per row, rows per active column (CSR by column)
  const rowDeg = scratchI32(3, R);
  // Sum and sum of squares of each row's active columns: a row with two active columns a < b has
  // a + b = sum and (b - a)^2 = 2 * squares - sum^2, so its pair costs no scan.
  const rowSum = scratchI32(19, R);
  const rowSq = scratchF64(0, R);
  const colStart = scratchI32(4, W + 1);
  colStart.fill(0, 0, W + 1);
  let maxDeg = 0;
  for (let r = 0; r < R; r++) {
    let d = 0;
    let sum = 0;
    let sq = 0;
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c < W) {
        d++;
        sum += c;
        sq += c * c;
        colStart[c + 1]++;
      }
    }
    rowDeg[r] = d;
    rowSum[r] = sum;
    rowSq[r] = sq;
    if (d > maxDeg) maxDeg = d;
  }
  for (let c = 0; c < W; c++) colStart[c + 1] += colStart[c];
  const colRows = scratchI32(5, colStart[W]);
  const fill = scratchI32(6, W);
  fill.set(colStart.subarray(0, W));
  for (let r = 0; r < R; r++) {
    for (let k = rowStart[r], e = rowStart[r + 1]; k < e; k++) {
      const c = cols[k];
      if (c < W) colRows[fill[c]++] = r;
    }
  }

  // --- buckets of unused rows by active degree (doubly linked lists); degree-0 rows are in none
  const head = scratchI32(7, maxDeg + 1);
  head.fill(-1, 0, maxDeg + 1);
  const next = scratchI32(8, R);
  const prev = scratchI32(9, R);
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

  const colState = scratchU8(0, L);
  colState.fill(COL_ACTIVE, 0, W);
  colState.fill(COL_INACTIVE, W, L);
  const rowUsed = scratchU8(1, R);
  rowUsed.fill(0, 0, R);
  const pivotRow = scratchI32(10, W);
  const pivotCol = scratchI32(11, W);
  const colPivot = scratchI32(12, L);
  colPivot.fill(-1, 0, L);
  const inactive = scratchI32(13, L);
  let nu = 0;
  for (let c = W; c < L; c++) inactive[nu++] = c;
  let np = 0;
  let minD = 1;

  // Union-find over columns for the component rule; `stamp` lazily resets it per use.
  const parent = scratchI32(14, W);
  const size = scratchI32(15, W);
  const stamp = scratchI32(16, W);
  stamp.fill(0, 0, W);
  let epoch = 0;
  const queue = scratchI32(26, R);
  const queueSize = scratchI32(27, R);
  let qLen = 0;
  let qPos = 0;

  for (;;) {
    while (minD <= maxDeg && head[minD] < 0) minD++;
    if (minD > maxDeg) break;
    let r = head[minD];
    if (minD === 2) {
      // RFC 6330 §5.4.2.2: take a row with two active columns from the largest connected component of the graph
      // whose nodes are columns and whose edges are such rows; inactivating one column of a tree component lets
      // the whole component peel. Components are found once for several steps: one row per component of at
      // least MIN_COMPONENT columns, largest first, used while still of degree 2.
      let found = -1;
      while (qPos < qLen) {
        const q = queue[qPos++];
        if (!rowUsed[q] && rowDeg[q] === 2) {
          found = q;
          break;
        }
      }
      if (found < 0) {
        epoch++;
        for (let q = head[2]; q >= 0; q = next[q]) {
          const sum = rowSum[q];
          const gap = Math.round(Math.sqrt(2 * rowSq[q] - sum * sum));
          let a = (sum - gap) >> 1;
          let b = (sum + gap) >> 1;
          if (stamp[a] !== epoch) {
            stamp[a] = epoch;
            parent[a] = a;
            size[a] = 1;
          }
          if (stamp[b] !== epoch) {
            stamp[b] = epoch;
            parent[b] = b;
            size[b] = 1;
          }
          while (parent[a] !== a) a = parent[a] = parent[parent[a]];
          while (parent[b] !== b) b = parent[b] = parent[parent[b]];
          if (a === b) continue;
          if (size[a] < size[b]) {
            const t = a;
            a = b;
            b = t;
          }
          parent[b] = a;
          size[a] += size[b];
        }
        qLen = 0;
        qPos = 0;
        for (let q = head[2]; q >= 0; q = next[q]) {
          const sum = rowSum[q];
          const gap = Math.round(Math.sqrt(2 * rowSq[q] - sum * sum));
          let a = (sum - gap) >> 1;
          while (parent[a] !== a) a = parent[a];
          const sz = size[a];
          if (sz < 0) continue; // component already has its row
          size[a] = -sz;
          if (sz < MIN_COMPONENT && qLen > 0) continue;
          // insert by size, largest first (the queue stays short)
          let i = qLen++;
          while (i > 0 && queueSize[i - 1] < sz) {
            queue[i] = queue[i - 1];
            queueSize[i] = queueSize[i - 1];
            i--;
          }
          queue[i] = q;
          queueSize[i] = sz;
        }
        found = queue[qPos++];
      }
      r = found;
    }
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
          minD = deactivate(c, colStart, colRows, rowUsed, rowDeg, rowSum, rowSq, head, next, prev, minD);
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
    // unlink r (degree 1 now)
    const pr = prev[r];
    const nx = next[r];
    if (pr >= 0) next[pr] = nx;
    else head[rowDeg[r]] = nx;
    if (nx >= 0) prev[nx] = pr;
    rowUsed[r] = 1;
    colState[c] = COL_PIVOT;
    colPivot[c] = np;
    pivotRow[np] = r;
    pivotCol[np] = c;
    np++;
    minD = deactivate(c, colStart, colRows, rowUsed, rowDeg, rowSum, rowSq, head, next, prev, minD);
  }
  for (let c = 0; c < W; c++) {
    if (colState[c] === COL_ACTIVE) {
      colState[c] = COL_INACTIVE;
      inactive[nu++] = c;
    }
  }
  const inactIdx = scratchI32(17, L);
  inactIdx.fill(-1, 0, L);
  for (let j = 0; j < nu; j++) inactIdx[inactive[j]] = j;
  const rest = scratchI32(18, R - np);
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

/**
 * Column c leaves the active set: every unused row containing it loses one active entry and moves one bucket
 * down (rows reaching degree 0 leave the buckets). Returns the new lowest possibly non-empty bucket.
 */
function deactivate(
  c: number,
  colStart: Int32Array,
  colRows: Int32Array,
  rowUsed: Uint8Array,
  rowDeg: Int32Array,
  rowSum: Int32Array,
  rowSq: Float64Array,
  head: Int32Array,
  next: Int32Array,
  prev: Int32Array,
  minD: number,
): number {
  for (let k = colStart[c], e = colStart[c + 1]; k < e; k++) {
    const r = colRows[k];
    if (rowUsed[r]) continue;
    const pr = prev[r];
    const nx = next[r];
    const d = rowDeg[r];
    if (pr >= 0) next[pr] = nx;
    else head[d] = nx;
    if (nx >= 0) prev[nx] = pr;
    rowDeg[r] = d - 1;
    rowSum[r] -= c;
    rowSq[r] -= c * c;
    if (d > 1) {
      const h = head[d - 1];
      prev[r] = -1;
      next[r] = h;
      if (h >= 0) prev[h] = r;
      head[d - 1] = r;
      if (d - 1 < minD) minD = d - 1;
    }
  }
  return minD;
}
