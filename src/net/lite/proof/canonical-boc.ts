/**
 * The BoC framing checks @ton/core's parser leaves out, for proof and state BoCs: a byte that the parser ignores
 * could be changed without changing the cells, so a verifier that accepts it accepts a different answer (the
 * fuzz tests flip every byte). ton crypto/vm/boc.cpp refuses some of these too: cache bits without an index
 * (`BagOfCells::Info::parse_serialized_header`), refs that do not point forward (`ref_idx <= idx`), an overlong
 * data length (`CellSerializationInfo::get_bits`: "overlong encoding") and a descriptor level mask that differs
 * from the cell's own (`create_data_cell`: "level mask mismatch"). We refuse as well what C++ ignores or
 * tolerates and liteservers never send: reserved header flags, absent cells, cells serialized with their hashes,
 * cell data that does not fill the declared size exactly.
 */
import { ProofError } from './errors.ts';

const MAGIC = [0xb5, 0xee, 0x9c, 0x72];
/** Most cells a proof BoC may hold (a whole account state stays far below). */
const MAX_CELLS = 1 << 16;

function readUint(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + bytes[at + i];
  return v;
}

/** ProofError('malformed') unless `bytes` is a BoC framed the way C++ would accept it (crc: @ton/core checks). */
export function checkBocFraming(bytes: Uint8Array, what: string): void {
  const bad = (why: string): never => {
    throw new ProofError('malformed', `${what}: BoC ${why}`);
  };
  if (bytes.length < 6 || MAGIC.some((m, i) => bytes[i] !== m)) bad('without the serialized_boc magic');
  const flags = bytes[4];
  const hasIdx = (flags & 0x80) !== 0;
  const hasCrc = (flags & 0x40) !== 0;
  const hasCacheBits = (flags & 0x20) !== 0;
  const size = flags & 7;
  if ((flags & 0x18) !== 0) bad('with reserved flags set');
  if (hasCacheBits && !hasIdx) bad('with cache bits but no index');
  if (size < 1 || size > 4) bad(`with ${size}-byte cell references`);
  const offBytes = bytes[5];
  if (offBytes < 1 || offBytes > 6) bad(`with ${offBytes}-byte offsets`);
  let at = 6;
  const need = (n: number) => {
    if (at + n > bytes.length) bad('truncated');
  };
  need(3 * size + offBytes);
  const cells = readUint(bytes, at, size);
  const roots = readUint(bytes, at + size, size);
  const absent = readUint(bytes, at + 2 * size, size);
  const totalSize = readUint(bytes, at + 3 * size, offBytes);
  at += 3 * size + offBytes;
  if (cells < 1 || cells > MAX_CELLS) bad(`with ${cells} cells`);
  if (roots < 1 || roots > cells) bad(`with ${roots} roots`);
  if (absent !== 0) bad(`with ${absent} absent cells`);
  need(roots * size);
  for (let i = 0; i < roots; i++) if (readUint(bytes, at + i * size, size) >= cells) bad('root out of range');
  at += roots * size;
  if (hasIdx) {
    need(cells * offBytes);
    at += cells * offBytes;
  }
  const dataStart = at;
  if (dataStart + totalSize + (hasCrc ? 4 : 0) !== bytes.length) bad('whose length does not add up');
  const refs: number[][] = [];
  const declared: number[] = [];
  const kind: number[] = []; // -1 ordinary, else the exotic type
  const prunedMask: number[] = [];
  for (let i = 0; i < cells; i++) {
    need(2);
    const d1 = bytes[at];
    const d2 = bytes[at + 1];
    at += 2;
    const refCount = d1 & 7;
    const exotic = (d1 & 8) !== 0;
    if (refCount > 4) bad('with a cell of more than 4 refs');
    if ((d1 & 16) !== 0) bad('with cell hashes inside (not what liteservers send)');
    const dataLen = (d2 >> 1) + (d2 & 1);
    need(dataLen + refCount * size);
    // get_bits: the last byte of a non-byte-aligned length holds its completion tag, and not alone ("overlong").
    if ((d2 & 1) !== 0 && (bytes[at + dataLen - 1] & 0x7f) === 0) bad('with an overlong cell data encoding');
    kind.push(exotic ? (dataLen > 0 ? bytes[at] : 0) : -1);
    prunedMask.push(exotic && dataLen > 1 ? bytes[at + 1] : 0);
    at += dataLen;
    const r: number[] = [];
    for (let j = 0; j < refCount; j++, at += size) {
      const ref = readUint(bytes, at, size);
      if (ref <= i || ref >= cells) bad('with a reference that does not point forward');
      r.push(ref);
    }
    refs.push(r);
    declared.push(d1 >> 5);
  }
  if (at !== dataStart + totalSize) bad('whose cell data size does not add up');
  // Level masks, children first (every ref points forward).
  const mask = new Array<number>(cells).fill(0);
  for (let i = cells - 1; i >= 0; i--) {
    const children = refs[i].reduce((m, r) => m | mask[r], 0);
    switch (kind[i]) {
      case -1:
        mask[i] = children;
        break;
      case 1: // pruned branch: its own mask
        mask[i] = prunedMask[i];
        break;
      case 2: // library
        mask[i] = 0;
        break;
      case 3: // Merkle proof
      case 4: // Merkle update
        mask[i] = children >> 1;
        break;
      default:
        bad(`with an exotic cell of type ${kind[i]}`);
    }
    if (mask[i] !== declared[i]) bad('with a level mask that does not match the cell (level mask mismatch)');
  }
}
