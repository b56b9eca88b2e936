/**
 * CellText (C++ vm::CellText, tonutils tlb.Text): `chunks:uint8`, then per chunk `len:uint8` + `len` bytes; every
 * chunk but the last continues in the first ref of its cell. The TorrentInfo description uses it (DIGEST §10.1).
 */
import { beginCell, type Builder, type Cell, type Slice } from '@ton/core';
import { asBuffer } from './boc.ts';
import { concatBytes } from './bytes.ts';
import { StorageError } from './errors.ts';
import { MAX_DESCRIPTION_BYTES, MAX_TEXT_CHAIN } from './limits.ts';

/** Bytes a cell after the first can hold: 1023 bits minus the 8-bit length, rounded down to whole bytes. */
const CHUNK_BYTES = Math.floor((1023 - 8) / 8);

/**
 * Stores `text` into `b` the way C++ CellText::store does (so a bag we create hashes like one the C++ daemon
 * creates): the head chunk takes what fits in the builder after 16 bits of counters, the rest goes to a chain
 * of cells of CHUNK_BYTES each.
 */
export function storeCellText(b: Builder, text: Uint8Array): void {
  if (text.length > MAX_DESCRIPTION_BYTES) {
    throw new StorageError('limit', `description of ${text.length} bytes is above ${MAX_DESCRIPTION_BYTES}`);
  }
  if (text.length === 0) {
    b.storeUint(0, 8);
    return;
  }
  const head = Math.min(text.length, Math.floor((b.availableBits - 16) / 8));
  const rest = text.length - head;
  const chunks = 1 + Math.ceil(rest / CHUNK_BYTES);
  if (chunks > MAX_TEXT_CHAIN) throw new StorageError('limit', 'description needs too many cells');
  b.storeUint(chunks, 8)
    .storeUint(head, 8)
    .storeBuffer(asBuffer(text.subarray(0, head)));
  if (rest > 0) b.storeRef(chainCell(text.subarray(head)));
}

function chainCell(text: Uint8Array): Cell {
  const n = Math.min(text.length, CHUNK_BYTES);
  const b = beginCell()
    .storeUint(n, 8)
    .storeBuffer(asBuffer(text.subarray(0, n)));
  if (text.length > n) b.storeRef(chainCell(text.subarray(n)));
  return b.endCell();
}

/** Reads a CellText from `s` (C++ CellText::load). StorageError('parse') on any inconsistency. */
export function loadCellText(s: Slice): Uint8Array {
  const need = (bits: number, where: Slice): void => {
    if (where.remainingBits < bits) throw new StorageError('parse', 'description: cell text is truncated');
  };
  need(8, s);
  const chunks = s.loadUint(8);
  if (chunks > MAX_TEXT_CHAIN) throw new StorageError('parse', `description: ${chunks} chunks is too many`);
  const parts: Uint8Array[] = [];
  let total = 0;
  let cur = s;
  for (let i = 0; i < chunks; i++) {
    need(8, cur);
    const len = cur.loadUint(8);
    need(len * 8, cur);
    total += len;
    if (total > MAX_DESCRIPTION_BYTES) throw new StorageError('parse', 'description is too long');
    const bytes = cur.loadBuffer(len);
    parts.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (i + 1 < chunks) {
      if (cur.remainingRefs < 1) throw new StorageError('parse', 'description: missing continuation cell');
      const next = cur.loadRef();
      if (next.isExotic) throw new StorageError('parse', 'description: exotic continuation cell');
      cur = next.beginParse();
    }
  }
  return concatBytes(parts);
}
