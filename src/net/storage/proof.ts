/**
 * Piece proofs checked straight from their BoC bytes, without building @ton/core cells: on a download every
 * piece carries one, and parsing it into Cell objects (which hash every cell at every level) cost ~1.8 ms per
 * piece, a fifth of the client's CPU on a 20 MiB bag. Here the BoC is walked once (ton crypto/vm/boc.cpp
 * BagOfCells::deserialize: header, cell records, CRC32C), each cell's level-0 representation hash and depth are
 * computed bottom-up (refs only point forward), and the path to the piece is checked as C++
 * MerkleTree::validate_proof and tonutils-storage checkProofBranch (storage/client.go) do.
 *
 * Only cells a storage Merkle proof can hold are accepted: the MERKLE_PROOF root (exotic type 3, one ref),
 * ordinary byte-aligned cells (inner nodes: no data, two refs; leaves: 256 bits), and level-1 pruned branches
 * (exotic type 1) for cut-off subtrees. The answer is the hash the piece must match: its sha256 (an ordinary
 * leaf, as tonutils-storage and we send the bottom pair) or the leaf cell's hash (a pruned leaf, as C++ sends).
 */
import { sha256 } from '../crypto/index.ts';
import { bytesEqual, hexOf } from './bytes.ts';
import { StorageError } from './errors.ts';
import { MAX_PROOF_BOC } from './limits.ts';

/** What a piece's data must hash to, according to a checked proof. */
export type ProofLeaf =
  | { kind: 'piece-hash'; hash: Uint8Array } // sha256(data) must equal `hash`
  | { kind: 'leaf-cell'; hash: Uint8Array }; // the leaf cell over sha256(data) must hash to `hash`

export interface ProofTarget {
  proof: Uint8Array;
  rootHash: Uint8Array;
  index: number;
  piecesCount: number;
}

/** ton crypto/vm/cells/CellTraits.h max_depth. */
const MAX_CELL_DEPTH = 1024;
/** More cells than a proof over 2^24 pieces needs (two per level, the MERKLE_PROOF cell, slack). */
const MAX_PROOF_CELLS = 128;

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), as a BoC's trailing checksum. */
export function crc32c(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC32C_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface CellRec {
  exotic: boolean;
  mask: number;
  d2: number;
  /** Offset and length of the cell's data in the BoC. */
  at: number;
  len: number;
  refs: number[];
  hash: Uint8Array;
  depth: number;
}

function parseFail(why: string): never {
  throw new StorageError('parse', `piece proof: bad BoC (${why})`);
}

function notProof(why: string): never {
  throw new StorageError('verify', `piece proof: ${why}`);
}

/** Big-endian unsigned integer of `n` (<= 6) bytes. */
function readUint(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + i];
  return v;
}

/** The cell records of a one-root BoC, strictly framed (every byte accounted for, CRC32C checked if present). */
function parseRecords(b: Uint8Array): CellRec[] {
  if (b.length > MAX_PROOF_BOC) throw new StorageError('limit', `piece proof of ${b.length} bytes`);
  if (b.length < 6) parseFail('too short');
  if (b[0] !== 0xb5 || b[1] !== 0xee || b[2] !== 0x9c || b[3] !== 0x72) parseFail('not a generic BoC');
  const flags = b[4];
  const hasIdx = (flags & 0x80) !== 0;
  const hasCrc = (flags & 0x40) !== 0;
  const cacheBits = (flags & 0x20) !== 0;
  if (flags & 0x18) parseFail('reserved flags set');
  if (cacheBits && !hasIdx) parseFail('cache bits without an index');
  const size = flags & 7;
  const offBytes = b[5];
  if (size < 1 || size > 4 || offBytes < 1 || offBytes > 6) parseFail('bad field sizes');
  let at = 6;
  const need = (n: number): void => {
    if (at + n > b.length) parseFail('truncated');
  };
  need(3 * size + offBytes + size);
  const cells = readUint(b, at, size);
  const roots = readUint(b, at + size, size);
  const absent = readUint(b, at + 2 * size, size);
  const total = readUint(b, at + 3 * size, offBytes);
  at += 3 * size + offBytes;
  if (roots !== 1) parseFail(`${roots} roots`);
  if (absent !== 0) parseFail('absent cells');
  if (cells < 1) parseFail('no cells');
  if (cells > MAX_PROOF_CELLS) throw new StorageError('limit', `piece proof of ${cells} cells`);
  if (readUint(b, at, size) !== 0) parseFail('root is not the first cell');
  at += size;
  const idxAt = at;
  if (hasIdx) at += cells * offBytes;
  const dataStart = at;
  if (dataStart + total + (hasCrc ? 4 : 0) !== b.length) {
    parseFail(`length ${b.length}, header says ${dataStart + total + (hasCrc ? 4 : 0)}`);
  }
  if (hasCrc) {
    const end = b.length - 4;
    const stored = (b[end] | (b[end + 1] << 8) | (b[end + 2] << 16) | (b[end + 3] << 24)) >>> 0;
    if (crc32c(b.subarray(0, end)) !== stored) parseFail('CRC32C mismatch');
  }
  const end = dataStart + total;
  const recs: CellRec[] = [];
  for (let i = 0; i < cells; i++) {
    if (at + 2 > end) parseFail('cell data truncated');
    const d1 = b[at];
    const d2 = b[at + 1];
    at += 2;
    const refCount = d1 & 7;
    if (d1 & 16) parseFail('stored hashes are not supported');
    if (refCount > 4) parseFail('more than 4 refs');
    const len = (d2 + 1) >> 1;
    if (at + len + refCount * size > end) parseFail('cell data truncated');
    const rec: CellRec = {
      exotic: (d1 & 8) !== 0,
      mask: d1 >> 5,
      d2,
      at,
      len,
      refs: [],
      hash: new Uint8Array(0),
      depth: 0,
    };
    at += len;
    for (let r = 0; r < refCount; r++) {
      const ref = readUint(b, at, size);
      at += size;
      if (ref <= i || ref >= cells) parseFail('ref does not point forward');
      rec.refs.push(ref);
    }
    recs.push(rec);
    if (hasIdx) {
      // The index holds each cell's end offset (times two plus a cache bit with cache bits); boc.cpp checks it.
      let off = readUint(b, idxAt + i * offBytes, offBytes);
      if (cacheBits) off = Math.floor(off / 2);
      if (off !== at - dataStart) parseFail('index does not match the cells');
    }
  }
  if (at !== end) parseFail('trailing cell data');
  return recs;
}

/**
 * Level-0 hash and depth of every cell, bottom-up, refusing any cell a storage proof cannot hold (ton
 * crypto/vm/cells/DataCell.cpp: representation d1 d2 data ‖ ref depths ‖ ref hashes; a pruned branch stands for
 * the hash and depth it stores; a MERKLE_PROOF stores its child's hash and depth, and lowers the level by one).
 */
function hashCells(b: Uint8Array, recs: CellRec[]): void {
  for (let i = recs.length - 1; i >= 0; i--) {
    const c = recs[i];
    const data = b.subarray(c.at, c.at + c.len);
    let childMask = 0;
    for (const r of c.refs) childMask |= recs[r].mask;
    if (!c.exotic) {
      if (c.d2 & 1) notProof('a cell that is not byte-aligned');
      if (c.mask !== childMask) parseFail('level mask does not match the cell');
      const repr = new Uint8Array(2 + c.len + 34 * c.refs.length);
      repr[0] = c.refs.length; // level 0 of the cell: no level bits in d1
      repr[1] = c.d2;
      repr.set(data, 2);
      let at = 2 + c.len;
      let depth = 0;
      for (const r of c.refs) {
        const d = recs[r].depth;
        repr[at++] = d >> 8;
        repr[at++] = d & 0xff;
        if (d + 1 > depth) depth = d + 1;
      }
      for (const r of c.refs) {
        repr.set(recs[r].hash, at);
        at += 32;
      }
      if (depth > MAX_CELL_DEPTH) notProof('cell tree too deep');
      c.hash = sha256(repr);
      c.depth = depth;
      continue;
    }
    const type = c.len > 0 ? data[0] : -1;
    if (type === 1) {
      // Pruned branch of level 1: type, mask 1, the subtree's hash and depth.
      if (c.refs.length !== 0 || c.d2 !== 72 || data[1] !== 1 || c.mask !== 1) {
        notProof('a pruned branch that is not of level 1');
      }
      c.hash = data.slice(2, 34);
      c.depth = (data[34] << 8) | data[35];
      if (c.depth > MAX_CELL_DEPTH) notProof('cell tree too deep');
    } else if (type === 3) {
      if (i !== 0) notProof('a Merkle proof inside the proof');
      if (c.refs.length !== 1 || c.d2 !== 70) parseFail('malformed Merkle proof cell');
      if (c.mask !== childMask >> 1) parseFail('level mask does not match the cell');
      const child = recs[c.refs[0]];
      if (!bytesEqual(data.subarray(1, 33), child.hash) || ((data[33] << 8) | data[34]) !== child.depth) {
        notProof('the Merkle proof cell does not match its child');
      }
    } else {
      notProof(`an exotic cell of type ${type}`);
    }
  }
}

/**
 * Checks a piece proof for piece `index` against the bag's root hash and returns what the piece must hash to.
 * Throws StorageError ('parse' for a malformed BoC, 'limit' for an oversized one, 'verify' for a proof of
 * anything else than this piece of this bag).
 */
export function checkPieceProof(t: ProofTarget): ProofLeaf {
  if (!Number.isInteger(t.index) || t.index < 0 || t.index >= t.piecesCount) {
    notProof(`piece ${t.index} is outside the bag`);
  }
  const recs = parseRecords(t.proof);
  const b = t.proof;
  const top = recs[0];
  if (!top.exotic || top.len === 0 || b[top.at] !== 3) notProof('not a Merkle proof');
  hashCells(b, recs);
  let node = recs[top.refs[0]];
  if (!bytesEqual(node.hash, t.rootHash)) {
    notProof(`proof is for root ${hexOf(node.hash)}, not the bag's`);
  }
  let depth = 0;
  while (2 ** depth < t.piecesCount) depth++;
  for (let h = depth - 1; h >= 0; h--) {
    if (node.exotic || node.d2 !== 0 || node.refs.length !== 2) {
      notProof(`node at height ${h + 1} is not an inner node`);
    }
    node = recs[node.refs[(t.index >> h) & 1]];
  }
  if (node.exotic) {
    // Only a pruned branch gets here (hashCells refused the rest); it must stand for a leaf.
    if (node.depth !== 0) notProof(`leaf of piece ${t.index} is pruned at depth ${node.depth}`);
    return { kind: 'leaf-cell', hash: node.hash };
  }
  if (node.d2 !== 64 || node.refs.length !== 0) {
    notProof(`leaf of piece ${t.index} is not a 256-bit cell`);
  }
  return { kind: 'piece-hash', hash: b.slice(node.at, node.at + 32) };
}

/** Throws StorageError('verify') unless a piece whose sha256 is `pieceHash` is the leaf the proof stands for. */
export function checkPieceHash(leaf: ProofLeaf, pieceHash: Uint8Array, index: number): void {
  const ok =
    leaf.kind === 'piece-hash'
      ? bytesEqual(leaf.hash, pieceHash)
      : bytesEqual(leaf.hash, leafCellHash(pieceHash));
  if (!ok) notProof(`piece ${index}: data does not match the proof`);
}

/** Representation hash of a leaf cell holding `pieceHash`: sha256(d1=0x00 d2=0x40 ‖ 32 bytes). */
export function leafCellHash(pieceHash: Uint8Array): Uint8Array {
  const repr = new Uint8Array(2 + 32);
  repr[1] = 0x40;
  repr.set(pieceHash, 2);
  return sha256(repr);
}
