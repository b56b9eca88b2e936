/**
 * Merkle-proof primitives (PROOFS.md §1). A proof is the exotic cell `!merkle_proof#03 virtual_hash:bits256
 * depth:uint16 virtual_root:^X` (block.tlb l.306) over a copy of a tree in which cut subtrees are pruned branches
 * (exotic type 1). It is accepted only if its virtual root hashes — at level 0, the hash that commits to the full
 * original tree (ton crypto/block/check-proof.cpp uses `get_hash(0)`) — to a hash we already trust; after that every
 * non-pruned cell under it is trusted, and reading through a pruned branch is an error (C++: VmVirtError).
 */
import { CellType, type Cell, type Slice } from '@ton/core';
import { cellsFromBoc } from '../boc.ts';
import { checkBocFraming } from './canonical-boc.ts';
import { ProofError } from './errors.ts';

/** Equal byte strings (hashes). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The roots of a proof BoC, which must have exactly `count` roots (C++ `check_shard_proof` / `check_account_proof`
 * reject any other count for the two-root proofs; tonutils-go: "should have 2 roots").
 */
export function proofRoots(boc: Uint8Array, count: number, what: string): Cell[] {
  let roots: Cell[];
  checkBocFraming(boc, what);
  try {
    roots = cellsFromBoc(boc, what);
  } catch (error) {
    throw new ProofError('merkle', `${what}: ${(error as Error).message}`, { cause: error });
  }
  if (roots.length !== count)
    throw new ProofError('merkle', `${what}: ${roots.length} roots, expected ${count}`);
  return roots;
}

/** The virtual root of `proof` after checking that it stands for the tree whose hash is `trusted`. */
export function openMerkleProof(proof: Cell, trusted: Uint8Array, what: string): Cell {
  if (proof.type !== CellType.MerkleProof || proof.refs.length !== 1)
    throw new ProofError('merkle', `${what} is not a Merkle proof`);
  const root = proof.refs[0];
  if (!sameBytes(root.hash(0), trusted))
    throw new ProofError('merkle', `${what} is a proof of another tree than the trusted one`);
  return root;
}

/**
 * `cell` if it may be read: present and not a pruned branch. Ordinary cells under a checked proof root are
 * trusted; a pruned branch only stands for a hash, and other exotic cells are not what block.tlb puts there.
 */
export function readable(cell: Cell | undefined, what: string): Cell {
  if (!cell) throw new ProofError('malformed', `${what} is missing`);
  if (cell.type === CellType.PrunedBranch) throw new ProofError('pruned', `${what} is pruned in the proof`);
  if (cell.isExotic) throw new ProofError('malformed', `${what} is an exotic cell`);
  return cell;
}

/** The `i`-th ref of `cell`, readable. */
export function readRef(cell: Cell, i: number, what: string): Cell {
  return readable(cell.refs[i], what);
}

/**
 * Runs a parse of proven cells; @ton/core's slice errors (reading past the end) and TlbErrors become
 * ProofError('malformed') / ('pruned'), ProofErrors pass through.
 */
export function parsing<T>(what: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ProofError) throw error;
    const kind = (error as { kind?: string }).kind;
    throw new ProofError(kind === 'pruned' ? 'pruned' : 'malformed', `${what}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads a ref from a slice and requires it readable (a `^X` field of a proven cell). */
export function loadReadableRef(s: Slice, what: string): Cell {
  if (s.remainingRefs === 0) throw new ProofError('malformed', `${what} is missing`);
  return readable(s.loadRef(), what);
}
