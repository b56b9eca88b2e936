/** Symbol storage shared by encoder and decoder: T-byte symbols in 32-bit-word slots. */
import { RaptorQError } from './errors.ts';
import { MAX_SOURCE_SYMBOLS } from './params.ts';

/** TON's FecType::create refuses symbol sizes above 2048 (and 0). */
export const MAX_SYMBOL_SIZE = 2048;

/** Words per slot for T-byte symbols: a multiple of 4 so the kernels unroll without a tail. */
export function strideWords(symbolSize: number): number {
  return ((symbolSize + 15) >> 4) << 2;
}

export function checkSymbolSize(symbolSize: number): void {
  if (!Number.isInteger(symbolSize) || symbolSize < 1 || symbolSize > MAX_SYMBOL_SIZE) {
    throw new RaptorQError(`RaptorQ symbol size ${symbolSize} is outside 1..${MAX_SYMBOL_SIZE}`);
  }
}

/** K = ceil(dataSize / T) after checking the size. */
export function sourceSymbols(dataSize: number, symbolSize: number): number {
  if (!Number.isInteger(dataSize) || dataSize < 1)
    throw new RaptorQError(`RaptorQ data size ${dataSize} is not positive`);
  const k = Math.ceil(dataSize / symbolSize);
  if (k > MAX_SOURCE_SYMBOLS) {
    throw new RaptorQError(
      `RaptorQ data size ${dataSize} needs ${k} > ${MAX_SOURCE_SYMBOLS} symbols of ${symbolSize} bytes`,
    );
  }
  return k;
}

/** Symbol ids are TL `int` seqnos: 0..2^31-1. */
export function checkSymbolId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff)
    throw new RaptorQError(`RaptorQ symbol id ${id} is invalid`);
}

/** `slots` symbols of n32 32-bit words each, with the three views the kernels use. */
export class Slots {
  readonly w32: Uint32Array;
  readonly w64: BigUint64Array;
  readonly bytes: Uint8Array;
  constructor(
    readonly slots: number,
    readonly n32: number,
  ) {
    const buffer = new ArrayBuffer(slots * n32 * 4);
    this.w32 = new Uint32Array(buffer);
    this.w64 = new BigUint64Array(buffer);
    this.bytes = new Uint8Array(buffer);
  }
}

let shared = new Slots(0, 4);

/**
 * The workspace every decoder solves in (a solve is synchronous, so one at a time), grown as needed and kept:
 * decoding part after part reuses the same memory. Contents are stale.
 */
export function sharedWorkspace(slots: number, n32: number): Slots {
  if (shared.n32 !== n32 || shared.slots < slots) shared = new Slots(slots, n32);
  return shared;
}
