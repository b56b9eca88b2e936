/**
 * The @ton/core boundary of the storage layer: BoC bytes ⇄ Cells. @ton/core wants Buffer; everything else here
 * uses Uint8Array, so the conversion happens in this file only. Any parse failure is StorageError('parse').
 */
import { Buffer } from 'buffer';
import { Cell } from '@ton/core';
import { StorageError } from './errors.ts';

/**
 * Checks the serialization header of a BoC (ton crypto/vm/boc.cpp BagOfCells::Info) more strictly than @ton/core
 * does: the generic magic, flag bits that must be 0, one root, no absent cells, and a total length that accounts
 * for every byte — so no bit of a proof can change without the parse failing or the hashes changing.
 */
function checkBocHeader(b: Uint8Array, what: string): void {
  const bad = (why: string): never => {
    throw new StorageError('parse', `${what}: bad BoC (${why})`);
  };
  if (b.length < 6) bad('too short');
  if (b[0] !== 0xb5 || b[1] !== 0xee || b[2] !== 0x9c || b[3] !== 0x72) bad('not a generic BoC');
  const flags = b[4];
  const hasIdx = (flags & 0x80) !== 0;
  const hasCrc = (flags & 0x40) !== 0;
  if (flags & 0x18) bad('reserved flags set');
  if (flags & 0x20 && !hasIdx) bad('cache bits without an index');
  const size = flags & 7;
  const offBytes = b[5];
  if (size < 1 || size > 4 || offBytes < 1 || offBytes > 6) bad('bad field sizes');
  let at = 6;
  const read = (n: number): number => {
    if (at + n > b.length) bad('truncated');
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + b[at + i];
    at += n;
    return v;
  };
  const cells = read(size);
  const roots = read(size);
  const absent = read(size);
  const totalCellSize = read(offBytes);
  if (roots !== 1) bad(`${roots} roots`);
  if (absent !== 0) bad('absent cells');
  if (cells < 1) bad('no cells');
  const rootIndex = read(size);
  if (rootIndex !== 0) bad('root is not the first cell');
  const expected = at + (hasIdx ? cells * offBytes : 0) + totalCellSize + (hasCrc ? 4 : 0);
  if (expected !== b.length) bad(`length ${b.length}, header says ${expected}`);
  const dataStart = at + (hasIdx ? cells * offBytes : 0);
  checkCellDescriptors(b.subarray(dataStart, dataStart + totalCellSize), cells, size, bad);
}

/**
 * Walks the cell records: each descriptor's level mask must be the one the cell's type and refs imply (C++
 * DataCell::create rejects a mismatch; @ton/core silently recomputes it), no stored hashes, refs only forward,
 * and the records must fill the cell data exactly.
 */
function checkCellDescriptors(
  data: Uint8Array,
  cells: number,
  size: number,
  bad: (why: string) => never,
): void {
  interface Rec {
    mask: number;
    refs: number[];
    exotic: boolean;
    type: number;
    prunedMask: number;
  }
  const recs: Rec[] = [];
  let at = 0;
  for (let i = 0; i < cells; i++) {
    if (at + 2 > data.length) bad('cell data truncated');
    const d1 = data[at];
    const d2 = data[at + 1];
    at += 2;
    const refCount = d1 & 7;
    const exotic = (d1 & 8) !== 0;
    if (d1 & 16) bad('stored hashes are not supported');
    if (refCount > 4) bad('more than 4 refs');
    const dataLen = Math.ceil(d2 / 2);
    if (at + dataLen + refCount * size > data.length) bad('cell data truncated');
    const type = exotic && dataLen > 0 ? data[at] : -1;
    const prunedMask = exotic && dataLen > 1 ? data[at + 1] : 0;
    at += dataLen;
    const refs: number[] = [];
    for (let r = 0; r < refCount; r++) {
      let v = 0;
      for (let k = 0; k < size; k++) v = v * 256 + data[at + k];
      at += size;
      if (v <= i || v >= cells) bad('ref does not point forward');
      refs.push(v);
    }
    recs.push({ mask: d1 >> 5, refs, exotic, type, prunedMask });
  }
  if (at !== data.length) bad('trailing cell data');
  const masks = new Array<number>(cells);
  for (let i = cells - 1; i >= 0; i--) {
    const r = recs[i];
    let children = 0;
    for (const ref of r.refs) children |= masks[ref];
    let mask: number;
    if (!r.exotic) mask = children;
    else if (r.type === 1) mask = r.prunedMask & 7;
    else if (r.type === 2) mask = 0;
    else if (r.type === 3 || r.type === 4) mask = children >> 1;
    else bad('unknown exotic cell type');
    if (mask !== r.mask) bad('level mask does not match the cell');
    masks[i] = mask;
  }
}

/** Parses a BoC of exactly one root, at most `maxBytes` long. */
export function cellFromBoc(bytes: Uint8Array, maxBytes: number, what: string): Cell {
  if (bytes.length > maxBytes) throw new StorageError('limit', `${what}: ${bytes.length} bytes is too large`);
  checkBocHeader(bytes, what);
  let roots: Cell[];
  try {
    roots = Cell.fromBoc(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new StorageError('parse', `${what}: bad BoC (${(error as Error)?.message ?? String(error)})`, {
      cause: error,
    });
  }
  if (roots.length !== 1) throw new StorageError('parse', `${what}: expected 1 root, got ${roots.length}`);
  return roots[0];
}

/** One cell as a BoC (no index, with CRC32C, as C++ and tonutils write them). */
export function cellToBoc(cell: Cell): Uint8Array {
  const boc = cell.toBoc({ idx: false, crc32: true });
  return new Uint8Array(boc.buffer, boc.byteOffset, boc.byteLength);
}

/** Representation hash (level 0) of a cell as Uint8Array. */
export function cellHash(cell: Cell): Uint8Array {
  const h = cell.hash(0);
  return new Uint8Array(h.buffer, h.byteOffset, h.byteLength);
}

/** Uint8Array → Buffer view for @ton/core builders (no copy). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
