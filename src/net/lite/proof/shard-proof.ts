/**
 * Shard proofs (PROOFS.md §3 step 2): that a basechain block is the top block of its shard as listed by a trusted
 * masterchain block. ton crypto/block/check-proof.cpp `check_shard_proof`: exactly two roots; root 0 is a header
 * proof of the masterchain block (its state hash), root 1 a proof of that state; in McStateExtra.shard_hashes the
 * workchain's BinTree is walked by the shard's prefix bits (`ShardConfig::get_shard_hash_raw_from`) to the
 * ShardDescr, whose `top_block_id()` must equal the shard block exactly (tonutils-go ton/proof.go
 * `CheckShardInMasterProof` compares less: the root hash only).
 *
 *   bt_leaf$0 {X:Type} leaf:X = BinTree X;   bt_fork$1 left:^(BinTree X) right:^(BinTree X) = BinTree X;
 *   shard_descr#b seq_no:uint32 reg_mc_seqno:uint32 start_lt:uint64 end_lt:uint64 root_hash:bits256
 *     file_hash:bits256 …  (shard_descr_new#a: the same head, fees in a ref)                (block.tlb l.520-545)
 */
import type { Cell } from '@ton/core';
import type { BlockIdExt } from '../client.ts';
import { checkBlockHeaderProof, describeId, unsignedShard, type ProvenBlockHeader } from './block-header.ts';
import { ProofError } from './errors.ts';
import { openMerkleProof, parsing, proofRoots, readRef, readable, sameBytes } from './merkle.ts';
import { mcStateExtraOf, provenDictLookup } from './shard-state.ts';

type Id = Omit<BlockIdExt, '_'>;

export interface ShardDescrFacts {
  workchain: number;
  /** Unsigned 64-bit shard id of the leaf. */
  shard: bigint;
  seqno: number;
  regMcSeqno: number;
  startLt: bigint;
  endLt: bigint;
  rootHash: Uint8Array;
  fileHash: Uint8Array;
}

/** Number of prefix bits of an unsigned shard id (63 − trailing zeros); null for 0 (no tag bit). */
export function shardPrefixLength(shard: bigint): number | null {
  const u = unsignedShard(shard);
  if (u === 0n) return null;
  let trailing = 0;
  while (((u >> BigInt(trailing)) & 1n) === 0n) trailing++;
  return 63 - trailing;
}

/** ton-shard.h `shard_contains`: the account id's first prefix bits equal the shard's. */
export function shardContains(shard: bigint, accountId: Uint8Array): boolean {
  const len = shardPrefixLength(shard);
  if (len === null || len > 60 || accountId.length !== 32) return false;
  let top = 0n;
  for (let i = 0; i < 8; i++) top = (top << 8n) | BigInt(accountId[i]);
  const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(64 - len);
  return (top & mask) === (unsignedShard(shard) & mask);
}

/** Walks a proven BinTree ShardDescr by the prefix bits of `shard` to its leaf and reads the descriptor head. */
function shardDescrOf(tree: Cell, workchain: number, shard: bigint, what: string): ShardDescrFacts {
  const len = shardPrefixLength(shard);
  if (len === null || len > 60)
    throw new ProofError('shard', `${what}: shard ${shard.toString(16)} is not a shard id`);
  const u = unsignedShard(shard);
  return parsing(what, () => {
    let cell = readable(tree, `${what}: shard tree`);
    for (let depth = 0; ; depth++) {
      const s = cell.beginParse();
      if (s.loadBit()) {
        // bt_fork: one level deeper along the shard's next prefix bit
        if (depth >= len)
          throw new ProofError(
            'shard',
            `${what}: the shard is split further than ${describeShard(workchain, shard)}`,
          );
        const bit = Number((u >> BigInt(63 - depth)) & 1n);
        cell = readRef(cell, bit, `${what}: shard tree branch`);
        continue;
      }
      if (depth !== len)
        throw new ProofError(
          'shard',
          `${what}: the masterchain lists a larger shard than ${describeShard(workchain, shard)}`,
        );
      const tag = s.loadUint(4);
      if (tag !== 0xb && tag !== 0xa)
        throw new ProofError('malformed', `${what}: not a ShardDescr (tag ${tag})`);
      return {
        workchain,
        shard: u,
        seqno: s.loadUint(32),
        regMcSeqno: s.loadUint(32),
        startLt: s.loadUintBig(64),
        endLt: s.loadUintBig(64),
        rootHash: new Uint8Array(s.loadBuffer(32)),
        fileHash: new Uint8Array(s.loadBuffer(32)),
      };
    }
  });
}

function describeShard(workchain: number, shard: bigint): string {
  return `${workchain}:${unsignedShard(shard).toString(16).padStart(16, '0')}`;
}

export interface ProvenShardBlock {
  /** The masterchain block's header as proven by root 0. */
  masterHeader: ProvenBlockHeader;
  descr: ShardDescrFacts;
}

/**
 * Checks `shardProof` (a BoC of two roots) against the trusted masterchain block `mc` and requires `shardBlock`
 * to be the top block it lists for that shard. ProofError('merkle') for the wrong roots or hashes, ('shard') for
 * another block or shard, ('pruned') when the proof does not reach the descriptor.
 */
export function checkShardProof(mc: Id, shardBlock: Id, shardProof: Uint8Array): ProvenShardBlock {
  const what = 'shard proof';
  if (mc.workchain !== -1)
    throw new ProofError('shard', `${what}: reference block ${describeId(mc)} is not a masterchain block`);
  const [headerRoot, stateRoot] = proofRoots(shardProof, 2, what);
  const masterHeader = checkBlockHeaderProof(headerRoot, mc, `${what}: masterchain block`);
  const state = openMerkleProof(stateRoot, masterHeader.stateHash, `${what}: masterchain state`);
  const { shardHashes } = mcStateExtraOf(state, `${what}: masterchain state`);
  const wc = shardBlock.workchain;
  const leaf = shardHashes
    ? provenDictLookup(shardHashes, 32, BigInt(wc >>> 0), `${what}: shard_hashes`)
    : null;
  if (!leaf)
    throw new ProofError('shard', `${what}: the masterchain state lists no shards of workchain ${wc}`);
  const tree = parsing(what, () => leaf.loadRef()); // ^(BinTree ShardDescr)
  const descr = shardDescrOf(tree, wc, shardBlock.shard, what);
  if (
    descr.seqno !== shardBlock.seqno ||
    !sameBytes(descr.rootHash, shardBlock.root_hash) ||
    !sameBytes(descr.fileHash, shardBlock.file_hash)
  )
    throw new ProofError(
      'shard',
      `${what}: the masterchain lists block ${descr.seqno} of ${describeShard(wc, descr.shard)}, not ${describeId(shardBlock)}`,
    );
  return { masterHeader, descr };
}
