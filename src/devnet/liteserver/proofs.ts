/**
 * Proof BoCs in liteserver answers (DIGEST §3 "Proof checking"), built from the devnet's real block and state
 * cells (src/net/tlb/merkle.ts):
 * - block proof: MERKLE_PROOF of the Block, revealing BlockInfo and the state_update (whose new_hash is the state
 *   root hash);
 * - state proof: MERKLE_PROOF of the ShardStateUnsplit, revealing what the answer is about (the path to one
 *   account, the shard hashes, config params).
 * A proof BoC has both roots [block proof, state proof], as C++ liteservers send them.
 */
import type { Cell } from '@ton/core';
import { MASTERCHAIN, type DevnetBlock } from '../chain.ts';
import { dictPath, merkleProof, serializeBocRoots } from '../../net/tlb/index.ts';

/**
 * MERKLE_PROOF of the block revealing its info (with prev_ref / master_ref: liteserver.cpp `make_state_root_proof`
 * reads prev_ref, and tonutils-go loads it as an ExtBlkRef) and state_update; null for the zero state (no block).
 */
export function blockProof(block: DevnetBlock): Cell | null {
  return block.block ? merkleProof(block.block, headerKeep(block.block)) : null;
}

/** The cells of a Block a header proof keeps: BlockInfo with its refs, state_update. */
export function headerKeep(block: Cell): Cell[] {
  const [info, , stateUpdate] = block.refs;
  return [info, ...info.refs, stateUpdate];
}

/** BoC of [block proof, state proof revealing `keep`] (the zero state has no block: state proof only). */
export function blockAndStateProof(block: DevnetBlock, keep: Cell[]): Buffer {
  const state = merkleProof(block.state, keep);
  const header = blockProof(block);
  return serializeBocRoots(header ? [header, state] : [state]);
}

/** The state cells down to an account's leaf (the account cell itself stays pruned; it travels as `state`). */
export function accountKeep(block: DevnetBlock, path: Cell[]): Cell[] {
  return [block.accountsCell, ...path];
}

/** Masterchain state cells down to the shard_hashes entry of `workchain` (proves the shard block id). */
export function shardHashesKeep(mc: DevnetBlock, workchain: number): Cell[] {
  if (!mc.mcExtra) return [];
  const keep: Cell[] = [mc.mcExtra];
  const s = mc.mcExtra.beginParse();
  s.skip(16);
  if (s.loadBit()) {
    const root = s.loadRef();
    const { cells, leaf } = dictPath(root, 32, BigInt.asUintN(32, BigInt(workchain)));
    keep.push(...cells);
    if (leaf) keep.push(leaf.preloadRef());
  }
  return keep;
}

/** Proof that `shardBlock` is the workchain's block listed by `mc` (empty for masterchain accounts). */
export function shardProof(mc: DevnetBlock, shardBlock: DevnetBlock): Buffer {
  if (shardBlock.id.workchain === MASTERCHAIN) return Buffer.alloc(0);
  return blockAndStateProof(mc, shardHashesKeep(mc, shardBlock.id.workchain));
}

/** Masterchain state cells revealing the config params in `params` (all of them when null), with their values. */
export function configKeep(mc: DevnetBlock, params: number[] | null): Cell[] {
  if (!mc.mcExtra || !mc.configRoot) return [];
  const keep: Cell[] = [mc.mcExtra];
  if (params === null) {
    keep.push(...subtree(mc.configRoot));
    return keep;
  }
  for (const p of params) {
    const { cells, leaf } = dictPath(mc.configRoot, 32, BigInt.asUintN(32, BigInt(p)));
    keep.push(...cells);
    if (leaf) keep.push(...subtree(leaf.preloadRef()));
  }
  return keep;
}

/** Every cell of a tree (for revealing a whole value). */
export function subtree(root: Cell): Cell[] {
  const out: Cell[] = [];
  const walk = (c: Cell) => {
    out.push(c);
    for (const r of c.refs) walk(r);
  };
  walk(root);
  return out;
}
