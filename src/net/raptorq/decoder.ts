/**
 * RaptorQ decoder for one block (one RLDP part): takes symbols in any order and mix, reports done as soon as the
 * data is determined (usually exactly K symbols, rarely K+1 or K+2), then returns the data. Ids follow the
 * encoder: id < K is a source symbol, id >= K the repair symbol with ISI = id + K' - K.
 *
 * Storage is laid out as the result: source symbol x lives in slot x of one K-slot buffer, so when every source
 * arrives (the usual case on a clean link) data() is that buffer, with one copy per symbol in all. A repair symbol
 * borrows the slot of a source not received yet (a later arrival of that source moves it on: at most one move per
 * source symbol), and only beyond K stored symbols goes to a small overflow; the missing sources are rebuilt into
 * their slots.
 */
import * as context from './context.ts';
import type { KContext } from './context.ts';
import { RaptorQError } from './errors.ts';
import {
  checkSymbolId,
  checkSymbolSize,
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

/** owner[] values besides a repair number: the slot is free, or holds its own source symbol. */
const FREE = -1;
const SOURCE = -2;

export class RaptorQDecoder {
  readonly k: number;
  readonly symbolSize: number;
  readonly dataSize: number;
  private readonly kc: KContext;
  private readonly n: number;
  /** Slot x: source symbol x once received, before that possibly a repair symbol (owner[x]). */
  private src: Slots;
  private readonly owner: Int32Array;
  /** Highest slot that may still be FREE (slots never become free again). */
  private freeCursor: number;
  /** Repair symbols stored once all K slots are taken: ws slot K + i is overflow slot i. */
  private overflow: Slots;
  private overflowUsed = 0;
  /** Per repair symbol in arrival order: its ISI and its slot (< K: a source slot, >= K: overflow). */
  private repIsi: Uint32Array;
  private repSlot: Int32Array;
  private repairs = 0;
  private sources = 0;
  private maxIsi = 0;
  /** Repair ids seen: a bitmap for the first ones, a set beyond. */
  private readonly seen: Uint8Array;
  private readonly seenFar = new Set<number>();
  private complete = false;
  private result: Uint8Array | null = null;

  /**
   * @param dataSize bytes in this block (fec.raptorQ data_size)
   * @param symbolSize bytes per symbol (768 in TON)
   * @param maxDataSize the largest dataSize the caller accepts; checked before anything is allocated (the
   *   decoder then holds about dataSize bytes, plus at most MAX_EXTRA_SYMBOLS symbols; the solve itself runs in
   *   one workspace shared by all decoders)
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
    this.src = new Slots(this.k, this.n);
    this.owner = new Int32Array(this.k).fill(FREE);
    this.freeCursor = this.k - 1;
    this.overflow = new Slots(0, this.n);
    this.repIsi = new Uint32Array(16);
    this.repSlot = new Int32Array(16);
    this.seen = new Uint8Array(4 * this.k + 64);
  }

  /** True once data() can return the block. */
  get done(): boolean {
    return this.complete;
  }

  /** Distinct symbols taken so far. */
  get received(): number {
    return this.sources + this.repairs;
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
    const owner = this.owner;
    if (id < K) {
      if (owner[id] === SOURCE) return false;
    } else {
      const r = id - K;
      if (r < this.seen.length ? this.seen[r] : this.seenFar.has(id)) return false;
    }
    if (this.sources + this.repairs >= K + MAX_EXTRA_SYMBOLS) return false;
    const slotBytes = this.n * 4;
    if (id < K) {
      const r = owner[id];
      if (r >= 0) {
        // a repair symbol borrowed this slot: move it on
        const to = this.takeSlot(r);
        this.slotBytes(to).set(this.src.bytes.subarray(id * slotBytes, id * slotBytes + this.symbolSize));
        this.repSlot[r] = to;
      }
      owner[id] = SOURCE;
      this.src.bytes.set(symbol, id * slotBytes);
      if (++this.sources === K) {
        this.complete = true;
        return true;
      }
    } else {
      const r = id - K;
      if (r < this.seen.length) this.seen[r] = 1;
      else this.seenFar.add(id);
      const n = this.repairs;
      if (n === this.repIsi.length) {
        const grown = Math.min(K + MAX_EXTRA_SYMBOLS, 2 * n);
        const isi = new Uint32Array(grown);
        isi.set(this.repIsi);
        this.repIsi = isi;
        const slot = new Int32Array(grown);
        slot.set(this.repSlot);
        this.repSlot = slot;
      }
      const to = this.takeSlot(n);
      this.slotBytes(to).set(symbol);
      const isi = id + this.kc.p.Kp - K;
      this.repIsi[n] = isi;
      this.repSlot[n] = to;
      this.repairs = n + 1;
      if (isi > this.maxIsi) this.maxIsi = isi;
    }
    const extra = this.sources + this.repairs - K;
    if (extra >= 0 && (extra < 16 || extra % 16 === 0)) this.tryPlan();
    return this.complete;
  }

  /**
   * A slot for repair symbol r: the highest free source slot (senders go through the sources upwards, so these are
   * the last to be claimed back), else the next overflow slot (grown as needed).
   */
  private takeSlot(r: number): number {
    const K = this.k;
    const owner = this.owner;
    let x = this.freeCursor;
    while (x >= 0 && owner[x] !== FREE) x--;
    this.freeCursor = x;
    if (x >= 0) {
      owner[x] = r;
      return x;
    }
    const used = this.overflowUsed;
    if (used === this.overflow.slots) {
      // at most K + MAX_EXTRA_SYMBOLS symbols are stored, K of them in source slots
      const grown = new Slots(Math.min(MAX_EXTRA_SYMBOLS, Math.max(8, 2 * used)), this.n);
      grown.w32.set(this.overflow.w32);
      this.overflow = grown;
    }
    this.overflowUsed = used + 1;
    return K + used;
  }

  /** The bytes of workspace slot s (< K: source slot, >= K: overflow). */
  private slotBytes(s: number): Uint8Array {
    const b = this.n * 4;
    const K = this.k;
    return s < K
      ? this.src.bytes.subarray(s * b, s * b + b)
      : this.overflow.bytes.subarray((s - K) * b, (s - K) * b + b);
  }

  private tryPlan(): void {
    const { K, Kp } = this.kc.p;
    cacheRowsUpTo(this.kc, this.maxIsi);
    const rows = this.sources + this.repairs + (Kp - K);
    const isis = new Uint32Array(rows); // ISIs reach 2^31 + K' - K - 1
    const inputs = new Int32Array(rows);
    let r = 0;
    const owner = this.owner;
    for (let x = 0; x < K; x++) {
      if (owner[x] !== SOURCE) continue;
      isis[r] = x;
      inputs[r++] = x;
    }
    for (let i = 0; i < this.repairs; i++) {
      isis[r] = this.repIsi[i];
      inputs[r++] = this.repSlot[i];
    }
    // Padding symbols K..K'-1 are known zeros (RFC 6330 §5.3.1).
    for (let x = K; x < Kp; x++) {
      isis[r] = x;
      inputs[r++] = -1;
    }
    // C is read only by the rows of the missing source symbols (solve)
    const { rowStart, rowCols } = this.kc;
    const needed = new Uint8Array(this.kc.p.L);
    for (let x = 0; x < K; x++) {
      if (owner[x] === SOURCE) continue;
      for (let k = rowStart[x], e = rowStart[x + 1]; k < e; k++) needed[rowCols[k]] = 1;
    }
    const cBase = K + this.overflowUsed;
    const plan = planSolve(this.kc, isis, inputs, rows, cBase, 0, needed);
    if (plan) {
      this.solve(plan, cBase);
      this.complete = true;
    }
  }

  /**
   * Runs the plan (its program is planner scratch, so right away) and rebuilds the missing source symbols into
   * their slots. The solve runs in the shared workspace: source slots, overflow slots, C[j] in slot cBase + j, the
   * planner's spare slots, then one slot where a missing source symbol is rebuilt before going to its slot.
   */
  private solve(plan: Plan, cBase: number): void {
    const { n, k: K, src } = this;
    const n64 = n >> 1;
    const scratch = cBase + maxPlanSlots(this.kc.p.L, this.kc.p.H);
    const ws = sharedWorkspace(scratch + 1, n);
    ws.w64.set(src.w64);
    if (this.overflowUsed > 0) ws.w64.set(this.overflow.w64.subarray(0, this.overflowUsed * n64), K * n64);
    execute(plan.prog, ws, n);
    const { rowStart, rowCols } = this.kc;
    const list = new Int32Array(64);
    const so = scratch * n64;
    for (let x = 0; x < K; x++) {
      if (this.owner[x] === SOURCE) continue;
      xorColumns(ws.w64, so, cBase, rowCols, rowStart[x], rowStart[x + 1], list, n);
      src.w64.set(ws.w64.subarray(so, so + n64), x * n64);
    }
    this.overflow = new Slots(0, n);
  }

  /** The decoded block (the same array on every call). Throws RaptorQError before done. */
  data(): Uint8Array {
    if (this.result) return this.result;
    if (!this.complete) throw new RaptorQError('RaptorQ block is not decodable yet');
    const { n, k: K, symbolSize: T, dataSize, src } = this;
    let out: Uint8Array;
    if (n * 4 === T) {
      out = src.bytes.subarray(0, dataSize);
    } else {
      out = new Uint8Array(dataSize);
      for (let x = 0; x < K; x++) {
        const len = Math.min(T, dataSize - x * T);
        out.set(src.bytes.subarray(x * n * 4, x * n * 4 + len), x * T);
      }
    }
    this.result = out;
    this.src = new Slots(0, n);
    return out;
  }
}
