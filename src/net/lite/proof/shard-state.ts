/**
 * The parts of a proven shard state the state proofs read (block.tlb l.410-420, 520-530):
 *
 *   shard_state#9023afe2 global_id:int32 shard_id:ShardIdent seq_no:uint32 vert_seq_no:# gen_utime:uint32
 *     gen_lt:uint64 min_ref_mc_seqno:uint32 out_msg_queue_info:^OutMsgQueueInfo before_split:(## 1)
 *     accounts:^ShardAccounts ^[ … ] custom:(Maybe ^McStateExtra) = ShardStateUnsplit;
 *   masterchain_state_extra#cc26 shard_hashes:ShardHashes config:ConfigParams ^[ … ] global_balance:… = McStateExtra;
 *   ShardHashes = HashmapE 32 ^(BinTree ShardDescr);  ConfigParams = config_addr:bits256 config:^(Hashmap 32 ^Cell)
 *
 * Every cell read must be readable (present, not pruned); refs that are only passed on (accounts, the dictionary
 * roots) are returned as they are, and the dictionary walk (tlb dictPath) reports a pruned branch on its way.
 */
import type { Cell } from '@ton/core';
import { dictPath, loadShardIdent, type ShardIdent } from '../../tlb/index.ts';
import { ProofError } from './errors.ts';
import { loadReadableRef, parsing, readable } from './merkle.ts';

const SHARD_STATE_TAG = 0x9023afe2;
const MC_STATE_EXTRA_TAG = 0xcc26;

export interface ShardStateFacts {
  shard: ShardIdent;
  seqno: number;
  /** `accounts:^ShardAccounts` (a HashmapAugE cell), possibly pruned. */
  accounts: Cell;
  /** `custom:(Maybe ^McStateExtra)` (masterchain states only), possibly pruned. */
  mcExtra: Cell | null;
}

/** Parses the ShardStateUnsplit header of a proven state root. */
export function readShardState(root: Cell, what: string): ShardStateFacts {
  return parsing(what, () => {
    const s = readable(root, `${what}: state root`).beginParse();
    if (s.loadUint(32) !== SHARD_STATE_TAG)
      throw new ProofError('malformed', `${what}: not a ShardStateUnsplit`);
    s.skip(32); // global_id
    const shard = loadShardIdent(s);
    const seqno = s.loadUint(32);
    s.skip(32 + 32 + 64 + 32); // vert_seq_no gen_utime gen_lt min_ref_mc_seqno
    s.loadRef(); // out_msg_queue_info (not read)
    s.skip(1); // before_split
    const accounts = s.loadRef();
    s.loadRef(); // ^[ overload_history … master_ref ] (not read)
    // Kept as it is: an account proof of a masterchain state prunes it (C++ unpacks the ref without loading it).
    const mcExtra = s.loadBit() ? s.loadRef() : null;
    return { shard, seqno, accounts, mcExtra };
  });
}

export interface McStateExtraFacts {
  /** Root of `shard_hashes` (HashmapE 32), null when empty. */
  shardHashes: Cell | null;
  /** Root of the config dictionary (`Hashmap 32 ^Cell`). */
  config: Cell;
}

export function readMcStateExtra(extra: Cell, what: string): McStateExtraFacts {
  return parsing(what, () => {
    const s = readable(extra, `${what}: McStateExtra`).beginParse();
    if (s.loadUint(16) !== MC_STATE_EXTRA_TAG)
      throw new ProofError('malformed', `${what}: not a McStateExtra`);
    const shardHashes = s.loadBit() ? s.loadRef() : null;
    s.skip(256); // config_addr
    return { shardHashes, config: s.loadRef() };
  });
}

/** The proven masterchain state's McStateExtra, or ProofError('malformed') for a state without one. */
export function mcStateExtraOf(stateRoot: Cell, what: string): McStateExtraFacts {
  const state = readShardState(stateRoot, what);
  if (!state.mcExtra)
    throw new ProofError('malformed', `${what}: the state has no McStateExtra (not masterchain)`);
  return readMcStateExtra(state.mcExtra, what);
}

/**
 * Looks `key` up in a proven dictionary; the leaf slice (after the label) or null when the proof shows the key
 * absent. ProofError('pruned') when the path runs into a pruned branch (neither present nor absent is proven).
 */
export function provenDictLookup(root: Cell, bits: number, key: bigint, what: string) {
  return parsing(what, () => {
    const { leaf, pruned } = dictPath(root, bits, key);
    if (pruned) throw new ProofError('pruned', `${what}: the proof prunes the path to the key`);
    return leaf;
  });
}

/**
 * Config params from a masterchain state root (already opened against a trusted hash, or not — the caller
 * decides): the params found (a param the config lacks is absent from the map). Each value's root cell must be
 * readable.
 */
export function configParamsFromState(
  stateRoot: Cell,
  ids: readonly number[],
  what = 'config proof',
): Map<number, Cell> {
  const { config } = mcStateExtraOf(stateRoot, what);
  const out = new Map<number, Cell>();
  for (const id of ids) {
    const leaf = provenDictLookup(config, 32, BigInt(id >>> 0), `${what}: param ${id | 0}`);
    if (!leaf) continue;
    // hmn_leaf value:^Cell
    out.set(
      id,
      parsing(what, () => loadReadableRef(leaf, `${what}: param ${id | 0}`)),
    );
  }
  return out;
}
