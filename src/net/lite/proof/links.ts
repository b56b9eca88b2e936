/**
 * One link of a masterchain block-proof chain (PROOFS.md §2.3; ton crypto/block/check-proof.cpp
 * `BlockProofLink::validate`, tonutils-go ton/proof.go `CheckForwardBlockProof` / `CheckBackwardBlockProof`).
 *
 * Both: masterchain ends of different seqno, forward iff from < to; `dest_proof` is a Merkle proof of `to`'s header
 * (BlockInfo only: liteserver.cpp `adjust_last_proof_link` keeps no state_update there) whose key_block flag must be
 * the link's `to_key_block`.
 * - Backward (`from` newer): `proof` proves `from`'s header and its state hash, `state_proof` that state; its
 *   McStateExtra `prev_blocks` must list `to` (seqno, key flag, both hashes). No signatures.
 * - Forward: `config_proof` proves the `from` key block (or the zero state) down to ConfigParams 34 and 28; the
 *   masterchain subset computed from them for `to`'s catchain seqno must hash to `to`'s
 *   gen_validator_list_hash_short and to the signature set's hash (whose catchain seqno must be `to`'s); every
 *   signature is verified, duplicates and unknown nodes refused, and the signers must hold more than 2/3 of the
 *   subset's weight.
 */
import type { Cell, Slice } from '@ton/core';
import { type Ed25519BatchVerifier } from '../../crypto/index.ts';
import { TlbError, dictPath, loadExtBlkRef } from '../../tlb/index.ts';
import type { TlCtor } from '../../tl/index.ts';
import { MASTERCHAIN_SHARD, type BlockIdExt } from '../client.ts';
import {
  checkBlockHeaderProof,
  checkBlockInfoProof,
  describeId,
  type BlockInfoFacts,
} from './block-header.ts';
import { ProofError } from './errors.ts';
import {
  loadReadableRef,
  openMerkleProof,
  parsing,
  proofRoots,
  readRef,
  readable,
  sameBytes,
} from './merkle.ts';
import { messageToSign, signatureSetVset } from './signed-message.ts';
import {
  masterchainSubset,
  nodeIdShort,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
  type CatchainConfig,
  type ValidatorDescr,
  type ValidatorSetConfig,
} from './validator-set.ts';

export type BlockLinkForward = TlCtor<'liteServer.blockLinkForward'>;
export type BlockLinkBack = TlCtor<'liteServer.blockLinkBack'>;
export type BlockLink = BlockLinkForward | BlockLinkBack;

/** What a checked link proves about its `to` block. */
export interface CheckedLink {
  to: BlockIdExt;
  /** `to`'s BlockInfo (gen_utime, key_block, catchain seqno, …). */
  info: BlockInfoFacts;
  /** Signed weight and total weight of the subset, for a forward link. */
  weight?: { signed: bigint; total: bigint; signatures: number };
}

const BLOCK_EXTRA_TAG = 0x4a33f6fd;
const MC_BLOCK_EXTRA_TAG = 0xcca5;
const SHARD_STATE_TAG = 0x9023afe2;
const MC_STATE_EXTRA_TAG = 0xcc26;
/** A validator subset is at most 2^16 nodes (ConfigParam 34's `main:(## 16)`); a set can carry no more signatures. */
const MAX_SIGNATURES = 0xffff;

function isMasterchain(id: Omit<BlockIdExt, '_'>): boolean {
  return id.workchain === -1 && BigInt.asUintN(64, id.shard) === BigInt.asUintN(64, MASTERCHAIN_SHARD);
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Checks shared by both directions; returns `to`'s BlockInfo from `dest_proof`. */
function checkCommon(link: BlockLink, forward: boolean): BlockInfoFacts {
  const { from, to } = link;
  if (!isMasterchain(from) || !isMasterchain(to))
    throw new ProofError('link', `link ${describeId(from)} → ${describeId(to)} leaves the masterchain`);
  if (from.seqno === to.seqno)
    throw new ProofError('link', `link between blocks of equal height ${from.seqno}`);
  if (forward !== from.seqno < to.seqno)
    throw new ProofError(
      'link',
      `link ${from.seqno} → ${to.seqno} declared ${forward ? 'forward' : 'backward'}`,
    );
  if (to.seqno === 0) throw new ProofError('link', 'link to the zero state');
  const [destRoot] = proofRoots(link.dest_proof, 1, 'dest_proof');
  const { info } = checkBlockInfoProof(destRoot, to, 'dest_proof');
  if (info.keyBlock !== link.to_key_block)
    throw new ProofError(
      'link',
      `block ${to.seqno} is ${info.keyBlock ? '' : 'not '}a key block, the link says otherwise`,
    );
  return info;
}

/** Skips a CurrencyCollection (`grams:Grams other:ExtraCurrencyCollection`, block.tlb l.120). */
function skipCurrencyCollection(s: Slice): void {
  s.loadCoins();
  s.loadMaybeRef();
}

/**
 * The ConfigParams dictionary root of a key block (`block_extra#4a33f6fd … custom:(Maybe ^McBlockExtra)`,
 * `masterchain_block_extra#cca5 key_block:(## 1) shard_hashes:ShardHashes shard_fees:ShardFees ^[…]
 * config:key_block?ConfigParams`, block.tlb l.478-497; ton `Config::extract_from_key_block`).
 */
function keyBlockConfig(block: Cell): Cell {
  const extra = readRef(block, 3, 'BlockExtra');
  const s = extra.beginParse();
  if (s.loadUint(32) !== BLOCK_EXTRA_TAG) throw new ProofError('malformed', 'not a BlockExtra');
  s.skip(512); // rand_seed, created_by (in_msg_descr, out_msg_descr, account_blocks are refs 0-2)
  if (s.remainingRefs < 4 || !s.loadBit()) throw new ProofError('link', 'source block has no McBlockExtra');
  const mc = readRef(extra, 3, 'McBlockExtra').beginParse();
  if (mc.loadUint(16) !== MC_BLOCK_EXTRA_TAG) throw new ProofError('malformed', 'not a McBlockExtra');
  if (!mc.loadBit()) throw new ProofError('link', 'the source of a forward link is not a key block');
  mc.loadMaybeRef(); // shard_hashes:(HashmapE 32 ^(BinTree ShardDescr))
  // shard_fees:(HashmapAugE 96 ShardFeeCreated ShardFeeCreated): ahme_empty$0 extra | ahme_root$1 ^root extra
  if (mc.loadBit()) mc.loadRef();
  skipCurrencyCollection(mc); // extra: fees
  skipCurrencyCollection(mc); //        create
  mc.loadRef(); // ^[ prev_blk_signatures recover_create_msg mint_msg ]
  return configDictionary(mc);
}

/** `_ config_addr:bits256 config:^(Hashmap 32 ^Cell) = ConfigParams;` */
function configDictionary(s: Slice): Cell {
  s.skip(256);
  return loadReadableRef(s, 'ConfigParams dictionary');
}

/** The ShardStateUnsplit → McStateExtra slice after its tag (block.tlb l.396-430), for the zero state and for prev_blocks. */
function mcStateExtra(state: Cell): Slice {
  const s = state.beginParse();
  if (s.loadUint(32) !== SHARD_STATE_TAG) throw new ProofError('malformed', 'not a ShardStateUnsplit');
  if (s.remainingRefs < 4) throw new ProofError('malformed', 'masterchain state without McStateExtra');
  s.skip(32 + 104 + 32 + 32 + 32 + 64 + 32 + 1); // global_id shard_id seq_no vert_seq_no gen_utime gen_lt min_ref before_split
  if (!s.loadBit()) throw new ProofError('malformed', 'masterchain state without McStateExtra');
  const extra = readRef(state, 3, 'McStateExtra').beginParse();
  if (extra.loadUint(16) !== MC_STATE_EXTRA_TAG) throw new ProofError('malformed', 'not a McStateExtra');
  return extra;
}

/** Value of key `key` in a proven `Hashmap 32 ^Cell` (ConfigParams): the param cell, null when proven absent. */
function configParam(dict: Cell, key: number): Cell | null {
  let path;
  try {
    path = dictPath(dict, 32, BigInt(key));
  } catch (error) {
    if (error instanceof TlbError) throw new ProofError('malformed', `ConfigParams: ${error.message}`);
    throw error;
  }
  if (path.pruned) throw new ProofError('pruned', `ConfigParam ${key} is pruned in the proof`);
  if (!path.leaf) return null;
  return loadReadableRef(path.leaf, `ConfigParam ${key}`);
}

/** ConfigParams 34 and 28 of a forward link's source key block (or zero state), as its config_proof proves them. */
export function linkValidatorConfig(link: BlockLinkForward): {
  vset: ValidatorSetConfig;
  catchain: CatchainConfig;
} {
  const [root] = proofRoots(link.config_proof, 1, 'config_proof');
  const dict = parsing('config_proof', () => {
    if (link.from.seqno === 0) {
      // the zero state: config from the state (check-proof.cpp `Config::extract_from_state`)
      const state = openMerkleProof(root, link.from.root_hash, 'config_proof');
      const extra = mcStateExtra(state);
      extra.loadMaybeRef(); // shard_hashes
      return configDictionary(extra);
    }
    return keyBlockConfig(checkBlockInfoProof(root, link.from, 'config_proof').block);
  });
  const vsetCell = parsing('ConfigParam 34', () => configParam(dict, 34));
  if (!vsetCell) throw new ProofError('validator-set', 'the source key block has no ConfigParam 34');
  const ccCell = parsing('ConfigParam 28', () => configParam(dict, 28));
  return { vset: parseValidatorSet(vsetCell), catchain: parseCatchainConfig(ccCell) };
}

/** The masterchain validator subset that must have signed `to` (ConfigParams 34 + 28 of the link's source). */
export function linkValidatorSubset(
  link: BlockLinkForward,
  info: BlockInfoFacts,
): { nodes: ValidatorDescr[]; hash: number } {
  const { vset, catchain } = linkValidatorConfig(link);
  const nodes = masterchainSubset(vset, catchain, info.genCatchainSeqno);
  if (nodes.length === 0) throw new ProofError('validator-set', 'empty validator subset');
  return { nodes, hash: validatorSetHash(nodes, info.genCatchainSeqno) };
}

/** Checks a forward link; ProofError('link' | 'validator-set' | 'signature' | 'weight' | 'merkle' | …). */
export async function checkForwardLink(
  link: BlockLinkForward,
  verifier: Ed25519BatchVerifier,
): Promise<CheckedLink> {
  const info = checkCommon(link, true);
  const { nodes, hash } = linkValidatorSubset(link, info);
  if (hash !== info.genValidatorListHashShort)
    throw new ProofError(
      'validator-set',
      `validator subset of block ${link.to.seqno} hashes to ${hash}, its header says ${info.genValidatorListHashShort}`,
    );
  const set = link.signatures;
  const declared = signatureSetVset(set);
  if (declared.validatorSetHash !== hash)
    throw new ProofError(
      'validator-set',
      `signature set is of validator set ${declared.validatorSetHash}, not ${hash}`,
    );
  if (declared.catchainSeqno !== info.genCatchainSeqno)
    throw new ProofError(
      'validator-set',
      `signature set is of catchain ${declared.catchainSeqno}, block ${link.to.seqno} of ${info.genCatchainSeqno}`,
    );
  const sigs = set.signatures;
  if (sigs.length === 0) throw new ProofError('signature', 'forward link without signatures');
  if (sigs.length > Math.min(nodes.length, MAX_SIGNATURES))
    throw new ProofError('signature', `${sigs.length} signatures for ${nodes.length} validators`);
  const byId = new Map<string, ValidatorDescr>();
  let total = 0n;
  for (const node of nodes) {
    byId.set(hex(nodeIdShort(node.publicKey)), node);
    total += node.weight;
  }
  const seen = new Set<string>();
  const signers: ValidatorDescr[] = [];
  for (const sig of sigs) {
    const id = hex(sig.node_id_short);
    if (seen.has(id)) throw new ProofError('signature', `duplicate signature of node ${id}`);
    seen.add(id);
    const node = byId.get(id);
    if (!node) throw new ProofError('signature', `signature of unknown node ${id}`);
    signers.push(node);
  }
  const message = messageToSign(set, link.to);
  const verdicts = await verifier.verifyBatch(
    sigs.map((sig, i) => ({ signature: sig.signature, message, publicKey: signers[i].publicKey })),
  );
  let signed = 0n;
  verdicts.forEach((ok, i) => {
    if (!ok) throw new ProofError('signature', `bad signature of node ${hex(sigs[i].node_id_short)}`);
    signed += signers[i].weight;
  });
  // validator_weight_is_supermajority / check_block_signatures: 3 * signed > 2 * total
  if (3n * signed <= 2n * total)
    throw new ProofError('weight', `signatures of weight ${signed} out of ${total} (2/3 or less)`);
  return { to: link.to, info, weight: { signed, total, signatures: sigs.length } };
}

/** Checks a backward link; ProofError('link' | 'backward-link' | 'merkle' | 'pruned' | …). */
export function checkBackwardLink(link: BlockLinkBack): CheckedLink {
  const info = checkCommon(link, false);
  const [blockRoot] = proofRoots(link.proof, 1, 'proof');
  const { stateHash } = checkBlockHeaderProof(blockRoot, link.from, 'proof');
  const [stateRoot] = proofRoots(link.state_proof, 1, 'state_proof');
  const state = openMerkleProof(stateRoot, stateHash, 'state_proof');
  parsing('state_proof', () => {
    const extra = mcStateExtra(state);
    extra.loadMaybeRef(); // shard_hashes
    configDictionary(extra); // config (the ref must be there; C++ extract_config reads it)
    const more = readable(extra.loadRef(), 'McStateExtra info').beginParse();
    if (more.loadUint(16) > 1) throw new ProofError('malformed', 'McStateExtra flags');
    more.skip(32 + 32 + 1); // validator_info
    // prev_blocks:OldMcBlocksInfo = HashmapAugE 32 KeyExtBlkRef KeyMaxLt
    if (!more.loadBit())
      throw new ProofError('backward-link', `block ${link.to.seqno} is not among prev_blocks`);
    const path = dictPath(readable(more.loadRef(), 'prev_blocks'), 32, BigInt(link.to.seqno));
    if (path.pruned)
      throw new ProofError('pruned', `prev_blocks entry ${link.to.seqno} is pruned in the proof`);
    if (!path.leaf) throw new ProofError('backward-link', `block ${link.to.seqno} is not among prev_blocks`);
    const leaf = path.leaf;
    leaf.skip(1 + 64); // extra: KeyMaxLt key:Bool max_end_lt:uint64
    const key = leaf.loadBit(); // value: KeyExtBlkRef key:Bool blk_ref:ExtBlkRef
    const ref = loadExtBlkRef(leaf);
    if (
      key !== link.to_key_block ||
      ref.seqno !== link.to.seqno ||
      !sameBytes(ref.rootHash, link.to.root_hash) ||
      !sameBytes(ref.fileHash, link.to.file_hash)
    )
      throw new ProofError(
        'backward-link',
        `prev_blocks of ${link.from.seqno} records another block ${link.to.seqno}`,
      );
  });
  return { to: link.to, info };
}

/** Either direction. */
export function checkLink(link: BlockLink, verifier: Ed25519BatchVerifier): Promise<CheckedLink> {
  return link._ === 'liteServer.blockLinkForward'
    ? checkForwardLink(link, verifier)
    : Promise.resolve().then(() => checkBackwardLink(link));
}
