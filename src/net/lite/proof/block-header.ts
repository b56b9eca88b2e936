/**
 * Block header proofs (PROOFS.md §1; ton crypto/block/check-proof.cpp `check_block_header_proof` l.34-72,
 * crypto/block/block.cpp `check_block_header` l.2122). A Merkle proof of a `block#11ef55aa` whose virtual root hashes
 * to the block id's root_hash proves the block's BlockInfo and, through `state_update` (an exotic MERKLE_UPDATE),
 * the hash of the state after the block: `state_update.refs[1].hash(0)`. The file hash cannot be checked from a
 * proof (only the validators' signatures bind it).
 *
 *   block#11ef55aa global_id:int32 info:^BlockInfo value_flow:^ValueFlow state_update:^(MERKLE_UPDATE ShardState)
 *     extra:^BlockExtra = Block;                                                              (block.tlb l.463)
 *   block_info#9bc7a987 version:uint32 not_master:(## 1) after_merge:(## 1) before_split:(## 1)
 *     after_split:(## 1) want_split:Bool want_merge:Bool key_block:Bool vert_seqno_incr:(## 1) flags:(## 8)
 *     seq_no:# vert_seq_no:# shard:ShardIdent gen_utime:uint32 start_lt:uint64 end_lt:uint64
 *     gen_validator_list_hash_short:uint32 gen_catchain_seqno:uint32 min_ref_mc_seqno:uint32
 *     prev_key_block_seqno:uint32 gen_software:flags.0?GlobalVersion master_ref:not_master?^BlkMasterInfo
 *     prev_ref:^(BlkPrevRef after_merge) prev_vert_ref:vert_seqno_incr?^(BlkPrevRef 0) = BlockInfo;  (l.444)
 */
import { CellType, type Cell } from '@ton/core';
import { loadShardIdent } from '../../tlb/index.ts';
import type { BlockIdExt } from '../client.ts';
import { ProofError } from './errors.ts';
import { openMerkleProof, parsing, readRef, sameBytes } from './merkle.ts';

const BLOCK_TAG = 0x11ef55aa;
const BLOCK_INFO_TAG = 0x9bc7a987;
/** MERKLE_UPDATE: tag byte, two hashes, two depths (C++ requires `size_ext == 0x20228`: 2 refs, 0x228 = 552 bits). */
const MERKLE_UPDATE_BITS = 8 + 256 + 256 + 16 + 16;

/** The fields of BlockInfo the proof checks use. */
export interface BlockInfoFacts {
  seqno: number;
  workchain: number;
  /** Unsigned 64-bit shard id. */
  shard: bigint;
  keyBlock: boolean;
  genUtime: number;
  startLt: bigint;
  endLt: bigint;
  genValidatorListHashShort: number;
  genCatchainSeqno: number;
  minRefMcSeqno: number;
  prevKeyBlockSeqno: number;
}

export interface ProvenBlockHeader {
  info: BlockInfoFacts;
  /** Hash of the state after this block (`state_update` new hash): what a state proof must hash to. */
  stateHash: Uint8Array;
  /** The proof's virtual root: the Block cell, with whatever else the proof kept (e.g. `extra` for a key block). */
  block: Cell;
}

/** Block id fields as numbers for comparisons (TL `long` shard is signed; block.tlb's is unsigned). */
export function unsignedShard(shard: bigint): bigint {
  return BigInt.asUintN(64, shard);
}

/**
 * Checks a Merkle proof of the block `id`'s header and returns what it proves. ProofError('merkle') when it is no
 * proof of that block, ('block-header') when BlockInfo contradicts the id, ('pruned'/'malformed') when the proof
 * does not show what a header proof must show.
 */
export function checkBlockHeaderProof(
  proof: Cell,
  id: Omit<BlockIdExt, '_'>,
  what = 'block proof',
): ProvenBlockHeader {
  const { info, block } = checkBlockInfoProof(proof, id, what);
  return parsing(what, () => {
    const update = block.refs[2];
    if (
      !update ||
      update.type !== CellType.MerkleUpdate ||
      update.refs.length !== 2 ||
      update.bits.length !== MERKLE_UPDATE_BITS
    )
      throw new ProofError('block-header', `${what}: state_update is not a Merkle update`);
    const stateHash = new Uint8Array(update.refs[1].hash(0));
    const declared = update
      .beginParse(true)
      .skip(8 + 256)
      .loadBuffer(32);
    if (!sameBytes(declared, stateHash))
      throw new ProofError('block-header', `${what}: state_update hashes disagree`);
    return { info, stateHash, block };
  });
}

/**
 * The BlockInfo part of `checkBlockHeaderProof`, for proofs that keep only `info` (the `dest_proof` of a block
 * link: liteserver.cpp `adjust_last_proof_link` unpacks Block and BlockInfo only, so `state_update` is pruned there;
 * C++ `check_block_header` reads the state update only when it is asked for the state hash).
 */
export function checkBlockInfoProof(
  proof: Cell,
  id: Omit<BlockIdExt, '_'>,
  what = 'block proof',
): { info: BlockInfoFacts; block: Cell } {
  const block = openMerkleProof(proof, id.root_hash, what);
  return parsing(what, () => {
    const s = block.beginParse();
    if (s.loadUint(32) !== BLOCK_TAG) throw new ProofError('block-header', `${what}: not a Block`);
    const info = parseBlockInfo(readRef(block, 0, `${what}: BlockInfo`), what);
    if (info.seqno !== id.seqno || info.workchain !== id.workchain || info.shard !== unsignedShard(id.shard))
      throw new ProofError('block-header', `${what}: BlockInfo is of another block than ${describeId(id)}`);
    return { info, block };
  });
}

function parseBlockInfo(cell: Cell, what: string): BlockInfoFacts {
  const s = cell.beginParse();
  if (s.loadUint(32) !== BLOCK_INFO_TAG) throw new ProofError('block-header', `${what}: not a BlockInfo`);
  if (s.loadUint(32) !== 0) throw new ProofError('block-header', `${what}: BlockInfo version is not 0`);
  const notMaster = s.loadBit();
  s.skip(3 + 2); // after_merge before_split after_split want_split want_merge
  const keyBlock = s.loadBit();
  s.skip(1); // vert_seqno_incr
  const flags = s.loadUint(8);
  if (flags > 1) throw new ProofError('block-header', `${what}: BlockInfo flags ${flags}`);
  const seqno = s.loadUint(32);
  s.skip(32); // vert_seq_no
  const shard = loadShardIdent(s);
  const info: BlockInfoFacts = {
    seqno,
    workchain: shard.workchain,
    shard: shard.shard,
    keyBlock,
    genUtime: s.loadUint(32),
    startLt: s.loadUintBig(64),
    endLt: s.loadUintBig(64),
    genValidatorListHashShort: s.loadUint(32),
    genCatchainSeqno: s.loadUint(32),
    minRefMcSeqno: s.loadUint(32),
    prevKeyBlockSeqno: s.loadUint(32),
  };
  // check_block_header: not_master == !is_masterchain (ton block.cpp l.2122)
  if (notMaster !== (info.workchain !== -1))
    throw new ProofError('block-header', `${what}: not_master flag contradicts workchain ${info.workchain}`);
  return info;
}

export function describeId(id: Omit<BlockIdExt, '_'>): string {
  return `(${id.workchain},${unsignedShard(id.shard).toString(16)},${id.seqno})`;
}
