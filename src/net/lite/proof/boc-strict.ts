/**
 * The parts of a proof BoC that @ton/core reads past without checking, checked: a proof must be refused when any of
 * its bytes changes, also where the change leaves the cell tree as it was (then it proves the same thing, but the
 * answer is not the one the server built, and a fuzz of a recorded answer must see it refused). Layout (ton
 * crypto/boc/boc.cpp `BagOfCells::deserialize`, tl/boc.tlb `serialized_boc#b5ee9c72`):
 *   magic, has_idx:1 has_crc32c:1 has_cache_bits:1 flags:2 size:3, off_bytes:8, cells, roots, absent,
 *   tot_cells_size, root_list, [index], cell data (d1 d2 data refs), [crc32c]
 * Checked here: `absent` is 0 (proofs carry no absent cells), no cache bits and no stored hashes (modes liteservers
 * do not use), an index (if any) giving each cell's exact end offset, the level mask in each d1 equal to the one the
 * cell's type and children give (C++ `CellSerializationInfo::create_data_cell`: "level mask mismatch"), and nothing
 * after the data (and the CRC). Everything else is @ton/core's parse.
 */
import { ProofError } from './errors.ts';

const MAGIC = [0xb5, 0xee, 0x9c, 0x72];
/** More cells than any proof has; bounds the work before @ton/core parses. */
const MAX_CELLS = 1 << 20;

function fail(what: string, message: string): never {
  throw new ProofError('merkle', `${what}: ${message}`);
}

function readUint(bytes: Uint8Array, at: number, size: number, what: string): number {
  if (at + size > bytes.length) fail(what, 'BoC is truncated');
  let n = 0;
  for (let i = 0; i < size; i++) n = n * 256 + bytes[at + i];
  return n;
}

/** Throws ProofError('merkle') unless `bytes` is a BoC without ignored or non-canonical parts (see above). */
export function checkStrictBoc(bytes: Uint8Array, what: string): void {
  if (bytes.length < 6 || MAGIC.some((b, i) => bytes[i] !== b)) fail(what, 'not a serialized_boc');
  const flags = bytes[4];
  const hasIdx = (flags & 0x80) !== 0;
  const hasCrc = (flags & 0x40) !== 0;
  if (flags & 0x20) fail(what, 'BoC with cache bits');
  if (flags & 0x18) fail(what, 'BoC with unknown flags');
  const size = flags & 7;
  const offBytes = bytes[5];
  if (size < 1 || size > 4 || offBytes < 1 || offBytes > 8) fail(what, 'bad BoC size fields');
  let at = 6;
  const cells = readUint(bytes, at, size, what);
  const roots = readUint(bytes, at + size, size, what);
  const absent = readUint(bytes, at + 2 * size, size, what);
  at += 3 * size;
  const total = readUint(bytes, at, offBytes, what);
  at += offBytes;
  if (absent !== 0) fail(what, `BoC declares ${absent} absent cells`);
  if (cells === 0 || cells > MAX_CELLS || roots === 0 || roots > cells) fail(what, 'bad BoC cell counts');
  at += roots * size;
  const indexAt = at;
  if (hasIdx) at += cells * offBytes;
  const dataAt = at;
  if (dataAt + total + (hasCrc ? 4 : 0) !== bytes.length) fail(what, 'BoC length does not match its header');
  // cell descriptors, in order; refs must point to later cells (C++ requires it too)
  const storedMask = new Uint8Array(cells);
  const type = new Int8Array(cells).fill(-1);
  const prunedMask = new Uint8Array(cells);
  const refs: number[][] = [];
  let p = dataAt;
  for (let i = 0; i < cells; i++) {
    if (p + 2 > dataAt + total) fail(what, 'BoC cell data is truncated');
    const d1 = bytes[p];
    const d2 = bytes[p + 1];
    if (d1 & 0x10) fail(what, 'BoC with stored hashes');
    const refCount = d1 & 7;
    if (refCount > 4) fail(what, 'BoC cell with more than 4 refs');
    storedMask[i] = d1 >> 5;
    const dataLen = (d2 >> 1) + (d2 & 1);
    const data = p + 2;
    if (data + dataLen + refCount * size > dataAt + total) fail(what, 'BoC cell data is truncated');
    if (d1 & 8) {
      if (dataLen < 1) fail(what, 'exotic cell without a type');
      type[i] = bytes[data];
      if (type[i] === 1) prunedMask[i] = dataLen > 1 ? bytes[data + 1] : 0;
    }
    const list: number[] = [];
    for (let r = 0; r < refCount; r++) {
      const ref = readUint(bytes, data + dataLen + r * size, size, what);
      if (ref <= i || ref >= cells) fail(what, 'BoC ref does not point to a later cell');
      list.push(ref);
    }
    refs.push(list);
    p = data + dataLen + refCount * size;
    if (hasIdx && readUint(bytes, indexAt + i * offBytes, offBytes, what) !== p - dataAt)
      fail(what, `BoC index entry ${i} does not match the cell data`);
  }
  if (p !== dataAt + total) fail(what, 'BoC cell data has trailing bytes');
  const mask = new Uint8Array(cells);
  for (let i = cells - 1; i >= 0; i--) {
    const children = refs[i].reduce((m, r) => m | mask[r], 0);
    let level: number;
    if (type[i] === -1) level = children;
    else if (type[i] === 1) level = prunedMask[i];
    else if (type[i] === 2) level = 0;
    else if (type[i] === 3 || type[i] === 4) level = children >> 1;
    else fail(what, `exotic cell of unknown type ${type[i]}`);
    mask[i] = level & 7;
    if (storedMask[i] !== mask[i])
      fail(what, `BoC cell ${i} declares level mask ${storedMask[i]}, it has ${mask[i]}`);
  }
}
