/**
 * Everything about a RaptorQ block that depends only on K, computed once and cached across parts of the same
 * size: parameters, the LDPC rows (RFC 6330 §5.3.3.3), the two MT ones per HDPC column (§5.3.3.3 G_HDPC) and
 * the LT columns (Tuple/Enc, §5.3.5.3-4) of ISIs 0..K'-1, extended on demand to the first repair ISIs (a sender
 * streams ids K, K+1, ... and every part of the same size uses the same ones).
 */
import { paramsForK, type RaptorQParams } from './params.ts';
import * as tuple from './tuple.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { ltColumns, MAX_ROW_COLUMNS, rand } = tuple;

export interface KContext {
  readonly p: RaptorQParams;
  /** LDPC row i (constraint row i of A) has columns ldpcCols[ldpcStart[i]..ldpcStart[i+1]). */
  readonly ldpcStart: Int32Array;
  readonly ldpcCols: Int32Array;
  /** MT[h][j] = 1 for h = hdpcA[j] and h = hdpcB[j], j = 0..K'+S-2; column K'+S-1 is alpha^h. */
  readonly hdpcA: Uint8Array;
  readonly hdpcB: Uint8Array;
  /** LT columns of ISI x (x < cachedIsis >= K') are rowCols[rowStart[x]..rowStart[x+1]). */
  rowStart: Int32Array;
  rowCols: Int32Array;
  cachedIsis: number;
  /** Number of LDPC nonzeros (sum of ldpc row lengths). */
  readonly ldpcNnz: number;
  /** Lazily built by the encoder: the solve plan for rows ISI 0..K'-1. */
  encoderPlan?: unknown;
}

function buildLdpc(p: RaptorQParams): { start: Int32Array; cols: Int32Array } {
  const { S, B, W, P } = p;
  // Each C[i], i < B, is added to D[i % S], D[(i%S + a) % S], D[(i%S + 2a) % S] with a = 1 + floor(i/S);
  // additions are XORs, so a row listed twice cancels.
  const hits = new Int32Array(3);
  const count = new Int32Array(S);
  const forEach = (fn: (row: number, col: number) => void) => {
    for (let i = 0; i < B; i++) {
      const a = (1 + Math.floor(i / S)) % S;
      hits[0] = i % S;
      hits[1] = (hits[0] + a) % S;
      hits[2] = (hits[1] + a) % S;
      for (let k = 0; k < 3; k++) {
        let odd = 0;
        for (let m = 0; m < 3; m++) if (hits[m] === hits[k]) odd ^= 1;
        let first = true;
        for (let m = 0; m < k; m++) if (hits[m] === hits[k]) first = false;
        if (odd && first) fn(hits[k], i);
      }
    }
    for (let i = 0; i < S; i++) {
      fn(i, B + i);
      const a = i % P;
      const b = (i + 1) % P;
      if (a !== b) {
        fn(i, W + a);
        fn(i, W + b);
      }
    }
  };
  forEach((row) => count[row]++);
  const start = new Int32Array(S + 1);
  for (let i = 0; i < S; i++) start[i + 1] = start[i] + count[i];
  const cols = new Int32Array(start[S]);
  const fill = start.slice(0, S);
  forEach((row, col) => {
    cols[fill[row]++] = col;
  });
  return { start, cols };
}

function buildContext(K: number): KContext {
  const p = paramsForK(K);
  const { start: ldpcStart, cols: ldpcCols } = buildLdpc(p);
  const n = p.Kp + p.S - 1;
  const hdpcA = new Uint8Array(n);
  const hdpcB = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const a = rand(j + 1, 6, p.H);
    hdpcA[j] = a;
    hdpcB[j] = (a + rand(j + 1, 7, p.H - 1) + 1) % p.H;
  }
  const kc: KContext = {
    p,
    ldpcStart,
    ldpcCols,
    hdpcA,
    hdpcB,
    rowStart: new Int32Array(1),
    rowCols: new Int32Array(0),
    cachedIsis: 0,
    ldpcNnz: ldpcStart[p.S],
  };
  cacheRows(kc, p.Kp);
  return kc;
}

function cacheRows(kc: KContext, isis: number): void {
  const from = kc.cachedIsis;
  const rowStart = new Int32Array(isis + 1);
  rowStart.set(kc.rowStart.subarray(0, from + 1));
  const rowCols = new Int32Array(kc.rowStart[from] + (isis - from) * MAX_ROW_COLUMNS);
  rowCols.set(kc.rowCols.subarray(0, kc.rowStart[from]));
  let pos = rowStart[from];
  for (let x = from; x < isis; x++) {
    rowStart[x] = pos;
    pos += ltColumns(kc.p, x, rowCols, pos);
  }
  rowStart[isis] = pos;
  kc.rowStart = rowStart;
  kc.rowCols = rowCols.slice(0, pos);
  kc.cachedIsis = isis;
}

/**
 * Makes the row cache cover ISI `isi` if it is among the first repair ISIs (below 4 K' + 256); returns whether
 * it is covered. Rows beyond are computed on the fly by the callers.
 */
export function cacheRowsUpTo(kc: KContext, isi: number): boolean {
  if (isi < kc.cachedIsis) return true;
  const cap = 4 * kc.p.Kp + 256;
  if (isi >= cap) return false;
  cacheRows(kc, Math.min(cap, Math.max(isi + 1, 2 * kc.cachedIsis)));
  return true;
}

const CACHE_SIZE = 8;
const cache = new Map<number, KContext>();

/** The cached context for K source symbols (least recently used contexts are dropped beyond 8). */
export function contextForK(K: number): KContext {
  let kc = cache.get(K);
  if (kc) {
    cache.delete(K);
  } else {
    kc = buildContext(K);
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as number);
  }
  cache.set(K, kc);
  return kc;
}
