/**
 * Systematic RaptorQ encoder as TON's RLDP uses it: symbol id < K is source symbol id (a chunk of the data, the
 * last one zero-padded); id >= K is the repair symbol with ISI = id + K' - K (RFC 6330 §5.3.1: the K'-K padding
 * symbols are never sent, so ids continue right after the data).
 */
import { contextForK, type KContext } from './context.ts';
import { RaptorQError } from './errors.ts';
import { checkSymbolId, checkSymbolSize, sourceSymbols, strideWords } from './layout.ts';
import { planSolve, type Plan } from './plan.ts';
import { execute } from './program.ts';
import { ltColumns, MAX_ROW_COLUMNS } from './tuple.ts';
import { xorColumns } from './xor-columns.ts';

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
  private readonly src: Uint32Array;
  private readonly srcBytes: Uint8Array;
  /** C[j] in slot j (j < L), then scratch slots; the last slot is the output scratch. */
  private readonly ws: Uint32Array;
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
    this.src = new Uint32Array(k * n);
    this.srcBytes = new Uint8Array(this.src.buffer);
    if (n * 4 === symbolSize) {
      this.srcBytes.set(data);
    } else {
      for (let i = 0; i < k; i++) {
        this.srcBytes.set(data.subarray(i * symbolSize, (i + 1) * symbolSize), i * n * 4);
      }
    }
    const plan = encoderPlan(this.kc);
    this.outSlot = plan.slots;
    this.ws = new Uint32Array((plan.slots + 1) * n);
    this.outBytes = new Uint8Array(this.ws.buffer, this.outSlot * n * 4, symbolSize);
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
      out.set(this.srcBytes.subarray(o, o + T), offset);
      return;
    }
    const { p } = this.kc;
    const count = ltColumns(p, id + p.Kp - p.K, this.cols, 0);
    xorColumns(this.ws, this.outSlot, this.ws, this.cols, 0, count, this.n);
    out.set(this.outBytes, offset);
  }

  /** Symbol `id` as a new array of symbolSize bytes. */
  symbol(id: number): Uint8Array {
    const out = new Uint8Array(this.symbolSize);
    this.symbolInto(id, out);
    return out;
  }
}
