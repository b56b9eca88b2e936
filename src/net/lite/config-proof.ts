/**
 * Config params out of liteServer.configInfo.config_proof. The C++ liteserver answers getConfigParams with a
 * BoC of a Merkle proof (exotic cell type 3) of the masterchain state, pruned to the path of each requested
 * param (DIGEST §3):
 *   MerkleProof → ShardStateUnsplit (shard_state#9023afe2, refs: out_msg_queue_info, accounts, ^[...],
 *   custom:(Maybe ^McStateExtra)) → McStateExtra (#cc26 shard_hashes:(HashmapE 32 ...) config_addr:bits256
 *   config:^(Hashmap 32 ^Cell) ...) → the config dictionary, looked up key by key.
 * Pruned branches off the path are skipped, never parsed. (Checking the proof against a trusted state hash is
 * the job of the proof layer; this only extracts.)
 */
import { CellType, type Cell } from '@ton/core';
import { dictPath } from '../tlb/index.ts';
import { cellFromBoc } from './boc.ts';
import { LiteError } from './errors.ts';

const SHARD_STATE_TAG = 0x9023afe2;
const MC_STATE_EXTRA_TAG = 0xcc26;

/**
 * Returns the requested params found in the proof (a param the config does not contain is absent from the map).
 * LiteError('bad-answer') if the proof is malformed or prunes a requested path.
 */
export function configParamsFromProof(configProof: Uint8Array, ids: readonly number[]): Map<number, Cell> {
  const proof = cellFromBoc(configProof, 'config proof');
  try {
    const dict = configDictFromProof(proof);
    const out = new Map<number, Cell>();
    for (const id of ids) {
      const value = lookupHashmap(dict, id >>> 0, 32);
      if (value) out.set(id, value);
    }
    return out;
  } catch (error) {
    if (error instanceof LiteError) throw error; // TlbError and @ton/core's slice errors become bad-answer
    throw new LiteError('bad-answer', `config proof: ${(error as Error).message}`, { cause: error });
  }
}

/** Walks MerkleProof → ShardStateUnsplit → McStateExtra → config dictionary root. */
function configDictFromProof(proof: Cell): Cell {
  if (proof.type !== CellType.MerkleProof) {
    throw new LiteError('bad-answer', 'config proof is not a Merkle proof');
  }
  const state = notPruned(proof.refs[0], 'state root');
  const cs = state.beginParse();
  if (cs.loadUint(32) !== SHARD_STATE_TAG)
    throw new LiteError('bad-answer', 'config proof: not a ShardStateUnsplit');
  // global_id:int32 shard_id:ShardIdent(2+6+32+64) seq_no:32 vert_seq_no:32 gen_utime:32 gen_lt:64 min_ref_mc_seqno:32
  cs.skip(32 + 104 + 32 + 32 + 32 + 64 + 32);
  cs.skip(1); // before_split
  if (!cs.loadBit()) throw new LiteError('bad-answer', 'config proof: state has no McStateExtra');
  if (state.refs.length !== 4) throw new LiteError('bad-answer', 'config proof: unexpected state refs');
  const extra = notPruned(state.refs[3], 'McStateExtra').beginParse();
  if (extra.loadUint(16) !== MC_STATE_EXTRA_TAG)
    throw new LiteError('bad-answer', 'config proof: bad McStateExtra');
  if (extra.loadBit()) extra.loadRef(); // shard_hashes (HashmapE 32): skip its root
  extra.skip(256); // config_addr
  return extra.loadRef();
}

function notPruned(cell: Cell | undefined, what: string): Cell {
  if (!cell) throw new LiteError('bad-answer', `config proof: missing ${what}`);
  if (cell.isExotic) throw new LiteError('bad-answer', `config proof: ${what} is pruned`);
  return cell;
}

/** Looks `key` (n-bit) up in a non-empty `Hashmap n ^Cell`; undefined if absent. */
function lookupHashmap(root: Cell, key: number, n: number): Cell | undefined {
  const { leaf, pruned } = dictPath(root, n, BigInt(key));
  if (pruned) throw new LiteError('bad-answer', `config proof prunes the path to param ${key | 0}`);
  return leaf ? leaf.loadRef() : undefined; // hmn_leaf value:^Cell
}
