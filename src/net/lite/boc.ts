/**
 * The @ton/core boundary: BoC bytes ⇄ Cells. @ton/core wants Buffer; everything else in src/net uses Uint8Array,
 * so the conversion happens here and only here. Any parse failure becomes LiteError('bad-boc').
 */
import { Buffer } from 'buffer';
import { Cell } from '@ton/core';
import { LiteError } from './errors.ts';
import { MAX_BOC_BYTES } from './limits.ts';

/** Parses a BoC that must have exactly one root. */
export function cellFromBoc(bytes: Uint8Array, what = 'BoC'): Cell {
  const roots = cellsFromBoc(bytes, what);
  if (roots.length !== 1) throw new LiteError('bad-boc', `${what}: expected 1 root, got ${roots.length}`);
  return roots[0];
}

/** Parses a BoC with any number of roots. */
export function cellsFromBoc(bytes: Uint8Array, what = 'BoC'): Cell[] {
  if (bytes.length > MAX_BOC_BYTES)
    throw new LiteError('bad-boc', `${what}: ${bytes.length} bytes is too large`);
  try {
    return Cell.fromBoc(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new LiteError('bad-boc', `${what}: ${(error as Error).message}`, { cause: error });
  }
}

/** Serializes one cell as a BoC (with CRC32C, as C++ nodes do). */
export function cellToBoc(cell: Cell): Uint8Array {
  const boc = cell.toBoc({ idx: false, crc32: true });
  return new Uint8Array(boc.buffer, boc.byteOffset, boc.byteLength);
}
