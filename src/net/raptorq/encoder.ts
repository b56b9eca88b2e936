/**
 * Systematic RaptorQ encoder as TON's RLDP uses it: symbol id < K is source symbol id (a chunk of the data, the
 * last one zero-padded); id >= K is the repair symbol with ISI = id + K' - K (RFC 6330 §5.3.1: the K'-K padding
 * symbols are never sent, so ids continue right after the data).
 */
import * as context from './context.ts';
import type { KContext } from './context.ts';
import { RaptorQError } from './errors.ts';
import { checkSymbolId, checkSymbolSize, Slots, sourceSymbols, strideWords } from './layout.ts';
import { maxPlanSlots, planSolve, type Plan } from './plan.ts';
import { execute } from './program.ts';
import * as tuple from './tuple.ts';
import * as xc from './xor-columns.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { ltColumns, MAX_ROW_COLUMNS } = tuple;
const { contextForK, cacheRowsUpTo } = context;
const { xorColumns } = xc;

/** The encoder's solve, cached per K: rows ISI 0..K'-1, sources in slots 0..K-1, C[j] in slot K + j. */
function encoderPlan(kc: KContext): Plan {
  const cached = kc.encoderPlan as Plan | undefined;
  if (cached) return cached;
  const { K, Kp } = kc.p;
  const isis = new Int32Array(Kp);
  const inputs = new Int32Array(Kp);
  for (let x = 0; x < Kp; x++) {
    isis[x] = x;
    inputs[x] = x < K ? x : -1;
  }
  const plan = planSolve(kc, isis, inputs, Kp, K, 0);
  // RFC 6330 §5.6 chose K' so that these rows always have full rank.
  if (!plan) throw new RaptorQError(`RaptorQ: the systematic rows for K'=${Kp} are singular`);
  // plan.prog is planner scratch: keep a copy
  const kept: Plan = { prog: plan.prog.slice(), slots: plan.slots };
  kc.encoderPlan = kept;
  return kept;
}

export class RaptorQEncoder {
  /** Source symbols: ids 0..k-1 carry the data. */
  readonly k: number;
  readonly symbolSize: number;
  readonly dataSize: number;
  private readonly kc: KContext;
  private readonly n: number;
  /** Source symbols in slots 0..k-1, C[j] in slot k + j, then the planner's spare slots and the output slot. */
  private readonly ws: Slots;
  private readonly outSlot: number;
  private readonly outBytes: Uint8Array;
  private readonly cols = new Int32Array(MAX_ROW_COLUMNS);
  private readonly scratch = new Int32Array(MAX_ROW_COLUMNS);

  constructor(data: Uint8Array, symbolSize = 768) {
    checkSymbolSize(symbolSize);
    const k = sourceSymbols(data.length, symbolSize);
    this.k = k;
    this.symbolSize = symbolSize;
    this.dataSize = data.length;
    this.kc = contextForK(k);
    const n = strideWords(symbolSize);
    this.n = n;
    const { L, H } = this.kc.p;
    this.outSlot = k + maxPlanSlots(L, H);
    this.ws = new Slots(this.outSlot + 1, n);
    if (n * 4 === symbolSize) {
      this.ws.bytes.set(data);
    } else {
      for (let i = 0; i < k; i++)
        this.ws.bytes.set(data.subarray(i * symbolSize, (i + 1) * symbolSize), i * n * 4);
    }
    this.outBytes = this.ws.bytes.subarray(this.outSlot * n * 4, this.outSlot * n * 4 + symbolSize);
    execute(encoderPlan(this.kc).prog, this.ws, n);
  }

  /** Writes symbol `id` (symbolSize bytes) into out at offset. */
  symbolInto(id: number, out: Uint8Array, offset = 0): void {
    checkSymbolId(id);
    const T = this.symbolSize;
    if (!Number.isInteger(offset) || offset < 0 || offset + T > out.length) {
      throw new RaptorQError('RaptorQ symbol output buffer is too small');
    }
    if (id < this.k) {
      const o = id * this.n * 4;
      out.set(this.ws.bytes.subarray(o, o + T), offset);
      return;
    }
    const kc = this.kc;
    const isi = id + kc.p.Kp - kc.p.K;
    const d = this.outSlot * (this.n >> 1);
    if (cacheRowsUpTo(kc, isi)) {
      xorColumns(
        this.ws.w64,
        d,
        this.k,
        kc.rowCols,
        kc.rowStart[isi],
        kc.rowStart[isi + 1],
        this.scratch,
        this.n,
      );
    } else {
      const count = ltColumns(kc.p, isi, this.cols, 0);
      xorColumns(this.ws.w64, d, this.k, this.cols, 0, count, this.scratch, this.n);
    }
    out.set(this.outBytes, offset);
  }

  /** Symbol `id` as a new array of symbolSize bytes. */
  symbol(id: number): Uint8Array {
    const out = new Uint8Array(this.symbolSize);
    this.symbolInto(id, out);
    return out;
  }
}
