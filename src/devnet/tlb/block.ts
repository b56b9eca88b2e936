/**
 * Block cells (block.tlb `block#11ef55aa`) for the devnet's masterchain and basechain. The block root hash and
 * file hash in every tonNode.blockIdExt the devnet hands out are those of these cells:
 *   root_hash = representation hash of the Block cell,
 *   file_hash = sha256 of its BoC serialization (a real block's file hash is sha256 of the block file, a BoC).
 * What is real: BlockInfo (seqno, shard, utime, lt range, prev/master refs, gen_software, key_block,
 * gen_validator_list_hash_short and gen_catchain_seqno of the validator subset that signs it), state_update as a
 * MERKLE_UPDATE exotic cell from the previous state hash to the new state hash, McBlockExtra.shard_hashes, and in
 * key blocks McBlockExtra.key_block = 1 with `config:ConfigParams` (the whole config: forward block-proof links
 * read ConfigParam 34 and 28 from it, crypto/block/mc-config.cpp `Config::extract_from_key_block`).
 * What is minimal: no messages or transactions (empty InMsgDescr/OutMsgDescr/ShardAccountBlocks), zero value flow,
 * empty prev_blk_signatures (the signatures travel with the block, as in a real node's block proof, not inside
 * it). The MERKLE_UPDATE's two refs are pruned branches of the old and new state roots.
 */
import { beginCell, type Cell } from '@ton/core';
import { sha256 } from '../../net/crypto/index.ts';
import { prunedBranch, storeExtBlkRef, storeShardIdent, type ExtBlkRef } from '../../net/tlb/index.ts';
import { storeGrams } from './common.ts';
import { storeShardHashes, type ShardDescr } from './shard-state.ts';

export interface BlockInput {
  globalId: number;
  workchain: number;
  shard: bigint;
  seqno: number;
  utime: number;
  startLt: bigint;
  endLt: bigint;
  minRefMcSeqno: number;
  prevKeyBlockSeqno: number;
  prev: ExtBlkRef;
  /** Shard blocks: the masterchain block they refer to. */
  masterRef: ExtBlkRef | null;
  oldState: Cell;
  newState: Cell;
  /** Masterchain blocks: shard descriptions for McBlockExtra. */
  shards: ShardDescr[] | null;
  /** GlobalVersion advertised in gen_software. */
  version: number;
  capabilities: bigint;
  randSeed: Buffer;
  createdBy: Buffer;
  /** Masterchain: the signing subset's validator-set hash and catchain seqno (0 for shard blocks here). */
  genValidatorListHashShort: number;
  genCatchainSeqno: number;
  /** Masterchain key blocks: ConfigParams (`config_addr:bits256 config:^(Hashmap 32 ^Cell)`). */
  keyConfig: { address: bigint; root: Cell } | null;
}

export interface BuiltBlock {
  cell: Cell;
  rootHash: Buffer;
  fileHash: Buffer;
}

/** !merkle_update#04 old_hash new_hash old_depth:uint16 new_depth:uint16 old:^X new:^X */
export function merkleUpdate(oldRoot: Cell, newRoot: Cell): Cell {
  return beginCell()
    .storeUint(4, 8)
    .storeBuffer(oldRoot.hash(0), 32)
    .storeBuffer(newRoot.hash(0), 32)
    .storeUint(oldRoot.depth(0), 16)
    .storeUint(newRoot.depth(0), 16)
    .storeRef(prunedBranch(oldRoot))
    .storeRef(prunedBranch(newRoot))
    .endCell({ exotic: true });
}

export function buildBlock(input: BlockInput): BuiltBlock {
  const notMaster = input.workchain !== -1;
  const info = beginCell()
    .storeUint(0x9bc7a987, 32)
    .storeUint(0, 32) // version
    .storeBit(notMaster)
    .storeUint(0, 3) // after_merge before_split after_split
    .storeUint(0, 2) // want_split want_merge
    .storeBit(input.keyConfig !== null) // key_block
    .storeBit(0) // vert_seqno_incr
    .storeUint(1, 8) // flags: bit 0 = gen_software present
    .storeUint(input.seqno, 32)
    .storeUint(0, 32) // vert_seq_no
    .store(storeShardIdent(input.workchain, input.shard))
    .storeUint(input.utime, 32)
    .storeUint(input.startLt, 64)
    .storeUint(input.endLt, 64)
    .storeUint(input.genValidatorListHashShort >>> 0, 32)
    .storeUint(input.genCatchainSeqno, 32)
    .storeUint(input.minRefMcSeqno, 32)
    .storeUint(input.prevKeyBlockSeqno, 32)
    .storeUint(0xc4, 8) // capabilities#c4
    .storeUint(input.version, 32)
    .storeUint(input.capabilities, 64);
  if (notMaster) {
    if (!input.masterRef) throw new Error('shard block needs a master ref');
    info.storeRef(beginCell().store(storeExtBlkRef(input.masterRef))); // master_info$_
  }
  info.storeRef(beginCell().store(storeExtBlkRef(input.prev))); // prev_blk_info$_

  const zero = storeGrams(0n);
  const valueFlow = beginCell()
    .storeUint(0xb8e48dfb, 32)
    .storeRef(beginCell().store(zero).store(zero).store(zero).store(zero))
    .store(zero) // fees_collected
    .storeRef(beginCell().store(zero).store(zero).store(zero).store(zero))
    .endCell();

  const emptyAugCC = beginCell().storeBit(0).store(zero).endCell(); // HashmapAugE ... CurrencyCollection
  const inMsgDescr = beginCell().storeBit(0).storeCoins(0).store(zero).endCell(); // extra ImportFees
  let mcExtra: Cell | null = null;
  if (input.shards) {
    const extraBuilder = beginCell()
      .storeUint(0xcca5, 16)
      .storeBit(input.keyConfig !== null) // key_block:(## 1)
      .store(storeShardHashes(input.shards))
      .storeBit(0) // shard_fees: ahme_empty$0
      .store(zero) // ... extra ShardFeeCreated.fees
      .store(zero) // ... extra ShardFeeCreated.create
      .storeRef(beginCell().storeBit(0).storeBit(0).storeBit(0)); // no prev_blk_signatures, recover/mint msgs
    if (input.keyConfig) {
      // config:key_block?ConfigParams
      extraBuilder.storeUint(input.keyConfig.address, 256).storeRef(input.keyConfig.root);
    }
    mcExtra = extraBuilder.endCell();
  }
  const extra = beginCell()
    .storeUint(0x4a33f6fd, 32) // block_extra
    .storeRef(inMsgDescr)
    .storeRef(emptyAugCC) // out_msg_descr
    .storeRef(emptyAugCC) // account_blocks
    .storeBuffer(input.randSeed, 32)
    .storeBuffer(input.createdBy, 32)
    .storeMaybeRef(mcExtra)
    .endCell();

  const cell = beginCell()
    .storeUint(0x11ef55aa, 32)
    .storeInt(input.globalId, 32)
    .storeRef(info)
    .storeRef(valueFlow)
    .storeRef(merkleUpdate(input.oldState, input.newState))
    .storeRef(extra)
    .endCell();
  return { cell, rootHash: cell.hash(0), fileHash: fileHash(cell) };
}

/** sha256 of the cell's BoC (how the devnet defines a file hash). */
export function fileHash(root: Cell): Buffer {
  return Buffer.from(sha256(root.toBoc({ idx: false, crc32: true })));
}
