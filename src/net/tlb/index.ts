/**
 * block.tlb types as @ton/core cells, one type per file with its load/store pair and the block.tlb line it
 * follows; shared by the lite client (config proofs), the proof checker and the devnet's states and blocks.
 * This folder is a @ton/core boundary: hashes from cells are Buffers, converted to Uint8Array where they leave it.
 */
export { TlbError, type TlbErrorKind } from './errors.ts';
export { keyBits, lenBits, loadHmLabel, storeHmLabel } from './hm-label.ts';
export { dictPath, storeHashmapAugE, type AugEntry, type AugOps } from './hashmap.ts';
export { loadExtBlkRef, storeExtBlkRef, type ExtBlkRef } from './ext-blk-ref.ts';
export { FULL_SHARD, loadShardIdent, storeShardIdent, type ShardIdent } from './shard-ident.ts';
export { merkleProof, pruneExcept, prunedBranch } from './merkle.ts';
export { serializeBocRoots } from './boc.ts';
