/**
 * Systematic RaptorQ encoder as TON's RLDP uses it: symbol id < K is source symbol id (a chunk of the data, the
 * last one zero-padded); id >= K is the repair symbol with ISI = id + K' - K (RFC 6330 §5.3.1: the K'-K padding
 * symbols are never sent, so ids continue right after the data).
 */
import * as context from './context.ts';
import type { KContext } from './context.ts';
import { RaptorQError } from './errors.ts';
import { checkSymbolId, checkSymbolSize, Slots, sourceSymbols, strideWords } from './layout.ts';
import { planSolve, type Plan } from './plan.ts';
import { execute } from './program.ts';
import * as tuple from './tuple.ts';
import * as xc from './xor-columns.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { xorColumns } = xc;
const { ltColumns, MAX_ROW_COLUMNS } = tuple;
const { contextForK, cacheRowsUpTo } = context;

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
  const plan = planSolve(kc, isis, inputs, Kp);
  // RFC 6330 §5.6 chose K' so that these rows always have full rank.
  if (!plan) throw new RaptorQError(`RaptorQ: the systematic rows for K'=${Kp} are singular`);
  kc.encoderPlan = plan;
  return plan;
}

export class RaptorQEncoder {
  /** Source symbols: ids 0..k-1 carry the data. */
  readonly k: number;
  readonly symbolSize: number;
  readonly dataSize: number;
  private readonly kc: KContext;
  private readonly n: number;
  private readonly src: Slots;
  /** C[j] in slot j (j < L), then scratch slots; the last slot is the output scratch. */
  private readonly ws: Slots;
  private readonly outSlot: number;
  private readonly outBytes: Uint8Array;
  private readonly cols = new Int32Array(MAX_ROW_COLUMNS);

  constructor(data: Uint8Array, symbolSize = 768) {
    checkSymbolSize(symbolSize);
    const k = sourceSymbols(data.length, symbolSize);
    this.k = k;
    this.symbolSize = symbolSize;
    this.dataSize = data.length;
    this.kc = contextForK(k);
    const n = strideWords(symbolSize);
    this.n = n;
    this.src = new Slots(k, n);
    if (n * 4 === symbolSize) {
      this.src.bytes.set(data);
    } else {
      for (let i = 0; i < k; i++) {
        this.src.bytes.set(data.subarray(i * symbolSize, (i + 1) * symbolSize), i * n * 4);
      }
    }
    const plan = encoderPlan(this.kc);
    this.outSlot = plan.slots;
    this.ws = new Slots(plan.slots + 1, n);
    this.outBytes = this.ws.bytes.subarray(this.outSlot * n * 4, this.outSlot * n * 4 + symbolSize);
    execute(plan.prog, this.ws, this.src, n);
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
      out.set(this.src.bytes.subarray(o, o + T), offset);
      return;
    }
    const kc = this.kc;
    const isi = id + kc.p.Kp - kc.p.K;
    const o64 = this.outSlot * (this.n >> 1);
    if (cacheRowsUpTo(kc, isi)) {
      xorColumns(this.ws.w64, o64, this.ws.w64, kc.rowCols, kc.rowStart[isi], kc.rowStart[isi + 1], this.n);
    } else {
      const count = ltColumns(kc.p, isi, this.cols, 0);
      xorColumns(this.ws.w64, o64, this.ws.w64, this.cols, 0, count, this.n);
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
