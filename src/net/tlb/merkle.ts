/**
 * Merkle proofs as liteservers send them (DIGEST §3 "Proof checking"): a MERKLE_PROOF exotic cell (type 3) over a
 * copy of a tree in which every subtree not needed by the client is replaced by a pruned-branch exotic cell
 * (type 1) carrying the original subtree's hash and depth, so the proof's ref still hashes to the original root.
 */
import { beginCell, convertToMerkleProof, type Cell } from '@ton/core';

/** Pruned branch (level 1) standing for `cell`: type 1, level mask 1, hash(0), depth(0). */
export function prunedBranch(cell: Cell): Cell {
  return beginCell()
    .storeUint(1, 8)
    .storeUint(1, 8)
    .storeBuffer(cell.hash(0))
    .storeUint(cell.depth(0), 16)
    .endCell({ exotic: true });
}

/**
 * Copy of `root` keeping the cells in `keep` (and `root` itself) and pruning every other ref.
 * Exotic cells are kept as they are (pruning below a Merkle update would change its hash).
 */
export function pruneExcept(root: Cell, keep: Iterable<Cell>): Cell {
  const kept = new Set<string>();
  for (const c of keep) kept.add(c.hash().toString('hex'));
  const walk = (cell: Cell): Cell => {
    if (cell.isExotic || cell.refs.length === 0) return cell;
    const b = beginCell().storeBits(cell.bits);
    for (const ref of cell.refs)
      b.storeRef(kept.has(ref.hash().toString('hex')) ? walk(ref) : prunedBranch(ref));
    return b.endCell();
  };
  return walk(root);
}

/** MERKLE_PROOF of `root` revealing the cells in `keep` (each must be reachable through kept cells). */
export function merkleProof(root: Cell, keep: Iterable<Cell>): Cell {
  return convertToMerkleProof(pruneExcept(root, keep));
}
