/**
 * The Merkle tree of a bag's pieces (DIGEST §10.2; C++ storage/MerkleTree.cpp) and piece proofs.
 *
 * Leaves are cells of 256 data bits holding sha256(piece); the leaf count is padded to a power of two with
 * leaves of 32 zero bytes; an inner node is a cell with no data and two refs. root_hash (TorrentInfo) is the
 * representation hash of the root cell. We compute the hashes straight from the cell representation
 * (d1 d2 data, ref depths, ref hashes) — far faster than building 2N cell objects — and use @ton/core cells only
 * to build proofs (they are checked from their bytes, proof.ts): a MERKLE_PROOF exotic cell (type 3) over the
 * path to the piece, every subtree off the path replaced by a pruned branch (type 1) carrying its hash and depth. Like tonutils-storage we keep both leaves
 * of the bottom pair unpruned; C++ prunes them. verifyPieceProof accepts either.
 */
import { beginCell, convertToMerkleProof, type Cell } from '@ton/core';
import { sha256 } from '../crypto/index.ts';
import { asBuffer, cellHash, cellToBoc } from './boc.ts';
import { bytesEqual } from './bytes.ts';
import { StorageError } from './errors.ts';
import { checkPieceHash, checkPieceProof, leafCellHash, type ProofTarget } from './proof.ts';

export { leafCellHash };

/** Tree depth for `piecesCount` leaves: ceil(log2(n)), 0 for a single piece. */
export function merkleDepth(piecesCount: number): number {
  let depth = 0;
  while (2 ** depth < piecesCount) depth++;
  return depth;
}

/** Representation hash of an inner cell: sha256(d1=0x02 d2=0x00 ‖ depth(l) ‖ depth(r) ‖ hash(l) ‖ hash(r)). */
function innerCellHash(
  repr: Uint8Array,
  left: Uint8Array,
  right: Uint8Array,
  childDepth: number,
): Uint8Array {
  repr[0] = 0x02;
  repr[1] = 0x00;
  repr[2] = repr[4] = childDepth >> 8;
  repr[3] = repr[5] = childDepth & 0xff;
  repr.set(left, 6);
  repr.set(right, 38);
  return sha256(repr);
}

const ZERO_HASH = new Uint8Array(32);

function leafCell(pieceHash: Uint8Array): Cell {
  return beginCell().storeBuffer(asBuffer(pieceHash)).endCell();
}

/** A pruned branch (level 1) standing for a subtree with this hash and depth. */
function prunedBranch(hash: Uint8Array, depth: number): Cell {
  return beginCell()
    .storeUint(1, 8)
    .storeUint(1, 8)
    .storeBuffer(asBuffer(hash))
    .storeUint(depth, 16)
    .endCell({ exotic: true });
}

export class MerkleTree {
  readonly piecesCount: number;
  readonly depth: number;
  readonly rootHash: Uint8Array;
  /** sha256 of each piece (padding leaves are zero). */
  readonly #pieceHashes: Uint8Array[];
  /** levels[h][i]: cell hash of node i at height h (h = 0: leaves). */
  readonly #levels: Uint8Array[][];

  /** From the sha256 of every piece, in order. */
  constructor(pieceHashes: Uint8Array[]) {
    if (pieceHashes.length < 1) throw new StorageError('parse', 'a Merkle tree needs at least one piece');
    this.piecesCount = pieceHashes.length;
    this.depth = merkleDepth(pieceHashes.length);
    const width = 2 ** this.depth;
    this.#pieceHashes = pieceHashes.map((h) => h.slice());
    const zeroLeaf = leafCellHash(ZERO_HASH);
    const leaves: Uint8Array[] = new Array(width);
    for (let i = 0; i < width; i++)
      leaves[i] = i < pieceHashes.length ? leafCellHash(pieceHashes[i]) : zeroLeaf;
    this.#levels = [leaves];
    const repr = new Uint8Array(6 + 64);
    for (let h = 1; h <= this.depth; h++) {
      const below = this.#levels[h - 1];
      const level: Uint8Array[] = new Array(below.length / 2);
      for (let i = 0; i < level.length; i++)
        level[i] = innerCellHash(repr, below[2 * i], below[2 * i + 1], h - 1);
      this.#levels.push(level);
    }
    this.rootHash = this.#levels[this.depth][0];
  }

  /** The tree of `data` cut into pieces of `pieceSize`. */
  static fromData(data: Uint8Array, pieceSize: number): MerkleTree {
    const hashes: Uint8Array[] = [];
    for (let at = 0; at < data.length; at += pieceSize)
      hashes.push(sha256(data.subarray(at, at + pieceSize)));
    return new MerkleTree(hashes);
  }

  /** sha256 of piece `index`. */
  pieceHash(index: number): Uint8Array {
    return this.#pieceHashes[index] ?? ZERO_HASH;
  }

  /** BoC of the MERKLE_PROOF of piece `index` (what storage.piece.proof carries). */
  proof(index: number): Uint8Array {
    if (!Number.isInteger(index) || index < 0 || index >= this.piecesCount) {
      throw new StorageError('not-found', `piece ${index} is outside 0..${this.piecesCount - 1}`);
    }
    if (this.depth === 0) return cellToBoc(convertToMerkleProof(leafCell(this.pieceHash(0))));
    // The bottom pair: both leaves as they are.
    const pair = index & ~1;
    let node = beginCell()
      .storeRef(leafCell(this.pieceHash(pair)))
      .storeRef(leafCell(this.pieceHash(pair + 1)))
      .endCell();
    for (let h = 2; h <= this.depth; h++) {
      const pos = index >> (h - 1); // position of `node` at height h - 1
      const sibling = prunedBranch(this.#levels[h - 1][pos ^ 1], h - 1);
      node =
        pos & 1
          ? beginCell().storeRef(sibling).storeRef(node).endCell()
          : beginCell().storeRef(node).storeRef(sibling).endCell();
    }
    const proof = convertToMerkleProof(node);
    if (!bytesEqual(cellHash(node), this.rootHash)) {
      throw new StorageError('verify', 'internal: proof root does not hash to the tree root');
    }
    return cellToBoc(proof);
  }
}

export interface PieceProofCheck extends ProofTarget {
  data: Uint8Array;
}

/**
 * Verifies that `data` is piece `index` of the bag whose Merkle root is `rootHash` (C++ MerkleTree::validate_proof
 * + the leaf check of tonutils checkProofBranch): the proof must be a MERKLE_PROOF whose ref hashes to rootHash;
 * every node on the path from the root to the leaf must be an ordinary cell with no data and two refs; the leaf
 * must hold sha256(data) — as an ordinary 256-bit cell, or as a pruned branch with that leaf's hash (proof.ts).
 * Throws StorageError('parse' | 'verify' | 'limit'); returns normally only if the piece is authentic.
 */
export function verifyPieceProof(c: PieceProofCheck): void {
  checkPieceHash(checkPieceProof(c), sha256(c.data), c.index);
}

/** verifyPieceProof with the piece's sha256 from `digest` (e.g. WebCrypto, off the main thread: digest.ts). */
export async function verifyPieceProofWith(
  c: PieceProofCheck,
  digest: (data: Uint8Array) => Promise<Uint8Array>,
): Promise<void> {
  const leaf = checkPieceProof(c); // cheap and synchronous: a bad proof is refused before hashing the piece
  checkPieceHash(leaf, await digest(c.data), c.index);
}
