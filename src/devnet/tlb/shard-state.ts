/**
 * ShardStateUnsplit (block.tlb `shard_state#9023afe2`) and McStateExtra (`masterchain_state_extra#cc26`) as the
 * devnet builds them. What is real: the layout, the accounts (ShardAccounts = HashmapAugE 256 ShardAccount
 * DepthBalanceInfo with Account cells from the sandbox), the config dictionary (the same cell the sandbox's TVM
 * sees), shard hashes pointing at the basechain block, validator_info, prev_blocks (every earlier masterchain block:
 * old-mc-blocks.ts), after_key_block and last_key_block. What is minimal: empty out-message queue, empty libraries,
 * zero fees, no block_create_stats.
 */
import {
  Address,
  beginCell,
  Dictionary,
  storeDepthBalanceInfo,
  storeShardAccount,
  type Builder,
  type Cell,
  type ShardAccount,
} from '@ton/core';
import {
  storeExtBlkRef,
  storeHashmapAugE,
  storeShardIdent,
  type AugOps,
  type ExtBlkRef,
} from '../../net/tlb/index.ts';
import { storeGrams } from './common.ts';
import type { OldMcBlocks } from './old-mc-blocks.ts';

export interface StateAccount {
  address: Address;
  shardAccount: ShardAccount;
}

/** DepthBalanceInfo extras are summed in grams (devnet accounts carry no extra currencies in the sum). */
const DEPTH_BALANCE: AugOps<bigint> = {
  storeExtra: (b, grams) => b.store(storeDepthBalanceInfo({ splitDepth: 0, balance: { coins: grams } })),
  add: (a, b) => a + b,
  empty: 0n,
};

/** ShardAccounts of one workchain, as the cell referenced by `accounts:^ShardAccounts`; and the total balance. */
export function buildShardAccounts(accounts: StateAccount[]): { cell: Cell; total: bigint } {
  const b = beginCell();
  const total = storeHashmapAugE(
    b,
    256,
    accounts.map(({ address, shardAccount }) => ({
      key: BigInt('0x' + address.hash.toString('hex')),
      extra: shardAccount.account?.storage.balance.coins ?? 0n,
      storeValue: (vb: Builder) => vb.store(storeShardAccount(shardAccount)),
    })),
    DEPTH_BALANCE,
  );
  return { cell: b.endCell(), total };
}

/** One shard of a workchain as listed in McStateExtra / McBlockExtra `shard_hashes` (shard_descr#b). */
export interface ShardDescr {
  workchain: number;
  seqno: number;
  regMcSeqno: number;
  startLt: bigint;
  endLt: bigint;
  rootHash: Buffer;
  fileHash: Buffer;
  minRefMcSeqno: number;
  utime: number;
  shard: bigint;
}

/** ShardHashes = HashmapE 32 ^(BinTree ShardDescr); one unsplit shard per workchain (bt_leaf$0). */
export function storeShardHashes(shards: ShardDescr[]) {
  return (b: Builder) => {
    const dict = Dictionary.empty(Dictionary.Keys.Int(32), Dictionary.Values.Cell());
    for (const s of shards) {
      const leaf = beginCell()
        .storeBit(0) // bt_leaf$0
        .storeUint(0xb, 4) // shard_descr#b
        .storeUint(s.seqno, 32)
        .storeUint(s.regMcSeqno, 32)
        .storeUint(s.startLt, 64)
        .storeUint(s.endLt, 64)
        .storeBuffer(s.rootHash, 32)
        .storeBuffer(s.fileHash, 32)
        .storeUint(0, 5) // before_split before_merge want_split want_merge nx_cc_updated
        .storeUint(0, 3) // flags
        .storeUint(0, 32) // next_catchain_seqno
        .storeUint(BigInt.asUintN(64, s.shard), 64) // next_validator_shard
        .storeUint(s.minRefMcSeqno, 32)
        .storeUint(s.utime, 32)
        .storeBit(0) // fsm_none$0
        .store(storeGrams(0n)) // fees_collected
        .store(storeGrams(0n)) // funds_created
        .endCell();
      dict.set(s.workchain, leaf);
    }
    b.storeDict(dict);
  };
}

export interface McStateExtraInput {
  shards: ShardDescr[];
  /** ConfigParam 0 (config contract address, 256 bits). */
  configAddress: bigint;
  /** Root of Hashmap 32 ^Cell (the sandbox's config cell). */
  configRoot: Cell;
  globalBalance: bigint;
  lastKeyBlock: ExtBlkRef | null;
  /** validator_info$_ validator_list_hash_short:uint32 catchain_seqno:uint32 nx_cc_updated:Bool */
  validatorInfo: { listHashShort: number; catchainSeqno: number; nxCcUpdated: boolean };
  prevBlocks: OldMcBlocks;
  /** This state is the state of a key block. */
  afterKeyBlock: boolean;
}

/** masterchain_state_extra#cc26 shard_hashes config:ConfigParams ^[...] global_balance:CurrencyCollection */
export function buildMcStateExtra(input: McStateExtraInput): Cell {
  const info = beginCell()
    .storeUint(0, 16) // flags (no block_create_stats)
    .storeUint(input.validatorInfo.listHashShort >>> 0, 32)
    .storeUint(input.validatorInfo.catchainSeqno, 32)
    .storeBit(input.validatorInfo.nxCcUpdated)
    .store((b) => input.prevBlocks.store(b))
    .storeBit(input.afterKeyBlock)
    .storeMaybeBuilder(input.lastKeyBlock ? beginCell().store(storeExtBlkRef(input.lastKeyBlock)) : null)
    .endCell();
  return beginCell()
    .storeUint(0xcc26, 16)
    .store(storeShardHashes(input.shards))
    .storeUint(input.configAddress, 256)
    .storeRef(input.configRoot)
    .storeRef(info)
    .store(storeGrams(input.globalBalance))
    .endCell();
}

export interface ShardStateInput {
  globalId: number;
  workchain: number;
  shard: bigint;
  seqno: number;
  utime: number;
  lt: bigint;
  minRefMcSeqno: number;
  /** Cell from buildShardAccounts. */
  accounts: Cell;
  totalBalance: bigint;
  /** Shard states reference the masterchain block they were built against. */
  masterRef: ExtBlkRef | null;
  /** Masterchain states carry McStateExtra. */
  mcExtra: Cell | null;
}

export function buildShardState(s: ShardStateInput): Cell {
  const outMsgQueueInfo = beginCell()
    .storeBit(0) // out_queue: empty HashmapAugE 352 EnqueuedMsg uint64 ...
    .storeUint(0, 64) // ... its extra (uint64)
    .storeBit(0) // proc_info: empty HashmapE 96
    .storeBit(0) // extra: nothing
    .endCell();
  const misc = beginCell()
    .storeUint(0, 64) // overload_history
    .storeUint(0, 64) // underload_history
    .store(storeGrams(s.totalBalance)) // total_balance
    .store(storeGrams(0n)) // total_validator_fees
    .storeBit(0) // libraries: empty
    .storeMaybeBuilder(s.masterRef ? beginCell().store(storeExtBlkRef(s.masterRef)) : null)
    .endCell();
  return beginCell()
    .storeUint(0x9023afe2, 32)
    .storeInt(s.globalId, 32)
    .store(storeShardIdent(s.workchain, s.shard))
    .storeUint(s.seqno, 32)
    .storeUint(0, 32) // vert_seq_no
    .storeUint(s.utime, 32)
    .storeUint(s.lt, 64)
    .storeUint(s.minRefMcSeqno, 32)
    .storeRef(outMsgQueueInfo)
    .storeBit(0) // before_split
    .storeRef(s.accounts)
    .storeRef(misc)
    .storeMaybeRef(s.mcExtra)
    .endCell();
}
