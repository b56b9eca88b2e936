/**
 * RaptorQ decoder for one block (one RLDP part): takes symbols in any order and mix, reports done as soon as the
 * data is determined (usually exactly K symbols, rarely K+1 or K+2), then returns the data. Ids follow the
 * encoder: id < K is a source symbol, id >= K the repair symbol with ISI = id + K' - K.
 */
import * as context from './context.ts';
import type { KContext } from './context.ts';
import { RaptorQError } from './errors.ts';
import {
  acquireSlots,
  checkSymbolId,
  checkSymbolSize,
  releaseSlots,
  sharedWorkspace,
  Slots,
  sourceSymbols,
  strideWords,
} from './layout.ts';
import { maxPlanSlots, planSolve, type Plan } from './plan.ts';
import { execute } from './program.ts';
import * as xc from './xor-columns.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { contextForK, cacheRowsUpTo } = context;
const { xorColumns } = xc;

/** Symbols kept beyond K while the set is not yet decodable; later ones are ignored (see addSymbol). */
export const MAX_EXTRA_SYMBOLS = 256;

/** Default bound on dataSize: one RLDP part (DIGEST §7.1). */
export const DEFAULT_MAX_DATA_SIZE = 2_000_000;

export class RaptorQDecoder {
  readonly k: number;
  readonly symbolSize: number;
  readonly dataSize: number;
  private readonly kc: KContext;
  private readonly n: number;
  /** Received symbols in slots 0..capacity-1; the solve uses the slots after them (see tryPlan). */
  private capacity: number;
  private rx: Slots;
  /** ISI of the symbol stored in each slot. */
  private isi: Uint32Array;
  private stored = 0;
  private maxIsi = 0;
  /** Slot of source symbol id, or -1. */
  private readonly sourceSlot: Int32Array;
  private sources = 0;
  /** Repair ids seen: a bitmap for the first ones, a set beyond. */
  private readonly seen: Uint8Array;
  private readonly seenFar = new Set<number>();
  private plan: Plan | null = null;
  private complete = false;
  private result: Uint8Array | null = null;

  /**
   * @param dataSize bytes in this block (fec.raptorQ data_size)
   * @param symbolSize bytes per symbol (768 in TON)
   * @param maxDataSize the largest dataSize the caller accepts; checked before anything is allocated (the
   *   decoder then holds the symbols it receives, about dataSize bytes; the solve itself runs in one
   *   workspace shared by all decoders)
   */
  constructor(dataSize: number, symbolSize = 768, maxDataSize = DEFAULT_MAX_DATA_SIZE) {
    checkSymbolSize(symbolSize);
    if (!Number.isInteger(maxDataSize) || maxDataSize < 0)
      throw new RaptorQError('RaptorQ maxDataSize is invalid');
    if (!Number.isInteger(dataSize) || dataSize > maxDataSize) {
      throw new RaptorQError(`RaptorQ data size ${dataSize} exceeds the limit ${maxDataSize}`);
    }
    this.k = sourceSymbols(dataSize, symbolSize);
    this.symbolSize = symbolSize;
    this.dataSize = dataSize;
    this.kc = contextForK(this.k);
    this.n = strideWords(symbolSize);
    this.capacity = this.k + 8;
    this.rx = acquireSlots(this.capacity, this.n);
    this.isi = new Uint32Array(this.capacity);
    this.sourceSlot = new Int32Array(this.k).fill(-1);
    this.seen = new Uint8Array(4 * this.k + 64);
  }

  /** True once data() can return the block. */
  get done(): boolean {
    return this.complete;
  }

  /** Distinct symbols taken so far. */
  get received(): number {
    return this.stored;
  }

  /**
   * Adds symbol `id`; returns true when the data is recoverable. Duplicates and symbols arriving after done are
   * ignored; a symbol of the wrong size or a bad id throws RaptorQError.
   */
  addSymbol(id: number, symbol: Uint8Array): boolean {
    checkSymbolId(id);
    if (!(symbol instanceof Uint8Array) || symbol.length !== this.symbolSize) {
      throw new RaptorQError(`RaptorQ symbol ${id} has ${symbol?.length} bytes, expected ${this.symbolSize}`);
    }
    if (this.complete) return true;
    const K = this.k;
    if (id < K) {
      if (this.sourceSlot[id] >= 0) return false;
    } else {
      const r = id - K;
      if (r < this.seen.length ? this.seen[r] : this.seenFar.has(id)) return false;
    }
    if (this.stored === this.capacity && !this.grow()) return false;
    const slot = this.stored++;
    this.rx.bytes.set(symbol, slot * this.n * 4);
    if (id < K) {
      this.sourceSlot[id] = slot;
      this.isi[slot] = id;
      if (++this.sources === K) {
        this.complete = true;
        return true;
      }
    } else {
      const r = id - K;
      if (r < this.seen.length) this.seen[r] = 1;
      else this.seenFar.add(id);
      const isi = id + this.kc.p.Kp - K;
      this.isi[slot] = isi;
      if (isi > this.maxIsi) this.maxIsi = isi;
    }
    const extra = this.stored - K;
    if (extra >= 0 && (extra < 16 || extra % 16 === 0)) this.tryPlan();
    return this.complete;
  }

  private grow(): boolean {
    const limit = this.k + MAX_EXTRA_SYMBOLS;
    if (this.capacity >= limit) return false;
    const capacity = Math.min(limit, this.capacity + Math.max(8, this.capacity >> 3));
    const rx = acquireSlots(capacity, this.n);
    rx.w32.set(this.rx.w32.subarray(0, this.stored * this.n));
    releaseSlots(this.rx);
    const isi = new Uint32Array(capacity);
    isi.set(this.isi);
    this.rx = rx;
    this.isi = isi;
    this.capacity = capacity;
    return true;
  }

  private tryPlan(): void {
    const { K, Kp } = this.kc.p;
    cacheRowsUpTo(this.kc, this.maxIsi);
    const rows = this.stored + (Kp - K);
    const isis = new Uint32Array(rows); // ISIs reach 2^31 + K' - K - 1
    const inputs = new Int32Array(rows);
    for (let s = 0; s < this.stored; s++) {
      isis[s] = this.isi[s];
      inputs[s] = s;
    }
    // Padding symbols K..K'-1 are known zeros (RFC 6330 §5.3.1).
    for (let x = K, r = this.stored; x < Kp; x++, r++) {
      isis[r] = x;
      inputs[r] = -1;
    }
    const plan = planSolve(this.kc, isis, inputs, rows, this.capacity, 0);
    if (plan) {
      this.plan = plan;
      this.complete = true;
    }
  }

  /** The decoded block (the same array on every call). Throws RaptorQError before done. */
  data(): Uint8Array {
    if (this.result) return this.result;
    if (!this.complete) throw new RaptorQError('RaptorQ block is not decodable yet');
    const { n, k: K, symbolSize: T, dataSize, rx } = this;
    const n64 = n >> 1;
    const plan = this.plan;
    // The solve runs in the shared workspace: received symbols copied to slots 0..capacity-1, C[j] in slot
    // capacity + j, the planner's spare slots, then one slot where missing source symbols are rebuilt.
    const cBase = this.capacity;
    const scratch = cBase + maxPlanSlots(this.kc.p.L, this.kc.p.H);
    let ws: Slots | null = null;
    if (plan) {
      ws = sharedWorkspace(scratch + 1, n);
      ws.w64.set(rx.w64.subarray(0, this.stored * n64));
      execute(plan.prog, ws, n);
    }
    const out = new Uint8Array(dataSize);
    const { rowStart, rowCols } = this.kc;
    const list = new Int32Array(64);
    for (let x = 0; x < K; x++) {
      const len = Math.min(T, dataSize - x * T);
      const slot = this.sourceSlot[x];
      if (slot >= 0) {
        const o = slot * n * 4;
        out.set(rx.bytes.subarray(o, o + len), x * T);
      } else {
        xorColumns(ws!.w64, scratch * n64, cBase, rowCols, rowStart[x], rowStart[x + 1], list, n);
        const o = scratch * n * 4;
        out.set(ws!.bytes.subarray(o, o + len), x * T);
      }
    }
    this.result = out;
    this.plan = null;
    releaseSlots(rx);
    this.rx = new Slots(0, n);
    return out;
  }
}
