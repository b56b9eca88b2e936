/**
 * liteServer.getBlockProof chains, built as ton validator/impl/liteserver.cpp builds them:
 *
 * `construct_proof_chain(id)`: stop after 16 links or at the destination; if the destination is older than `id`,
 * a backward link to it; else if `id` is not a key block, a backward link to its previous key block
 * (`prev_key_block_id`); else a forward link to the next key block after `id` known to the reference state
 * (`next_key_block_id(id + 1)`, even if it lies past the destination: a backward link then returns), or to the
 * destination when there is none. `complete` = the chain reached the destination; `to` = where it stopped.
 *
 * Links (`construct_proof_link_back_cont`, `construct_proof_link_forward_cont`, `adjust_last_proof_link`):
 * - backward cur → next: `proof` = header proof of cur (BlockInfo with prev_ref, state_update: the state hash,
 *   `make_state_root_proof`), `state_proof` = proof of cur's state down to McStateExtra.prev_blocks[next.seqno]
 *   (`make_ancestor_block_proof`); `to_key_block` and `dest_proof` (header proof of next) as for every link, none
 *   for the zero state (`to_key_block` = true for it).
 * - forward cur → next: `config_proof` = proof of the key block cur (its header, and McBlockExtra.config with
 *   ConfigParam 34 and 28 whole: `Config::extract_from_key_block` with needValidatorSet; for the zero state a
 *   proof of the state's McStateExtra.config), `dest_proof` = header proof of next, `signatures` = next's
 *   signature set (made by the subset of cur's config, since no key block lies between them).
 */
import type { Cell } from '@ton/core';
import { LiteErrorCode, LiteServerError } from '../../net/lite/errors.ts';
import type { TlCtor } from '../../net/tl/index.ts';
import { dictPath, merkleProof } from '../../net/tlb/index.ts';
import type { DevnetBlock } from '../chain.ts';
import { toTlBlockIdExt } from './block-ids.ts';
import { blockProof, configKeep, headerKeep, subtree } from './proofs.ts';
import type { ChainSource } from './view.ts';

/** Links in one answer (liteserver.cpp: `chain_->link_count() >= 16`). */
export const MAX_LINKS = 16;

type BlockLink = TlCtor<'liteServer.blockLinkBack'> | TlCtor<'liteServer.blockLinkForward'>;

function boc(cell: Cell): Uint8Array {
  return new Uint8Array(cell.toBoc({ idx: false, crc32: true }));
}

/** Header proof BoC of a sealed block; empty for the zero state (it has no block). */
export function headerProofBoc(block: DevnetBlock): Uint8Array {
  const proof = blockProof(block);
  return proof ? boc(proof) : new Uint8Array(0);
}

/** Cells of a dictionary entry's whole value: the path to `key` in Hashmap 32 ^Cell, the value tree. */
function configParamKeep(configRoot: Cell, params: readonly number[]): Cell[] {
  const keep: Cell[] = [];
  for (const p of params) {
    const { cells, leaf } = dictPath(configRoot, 32, BigInt.asUintN(32, BigInt(p)));
    keep.push(...cells);
    if (leaf && leaf.remainingRefs > 0) keep.push(...subtree(leaf.preloadRef()));
  }
  return keep;
}

/**
 * Proof of a key block revealing its header and McBlockExtra.config with the whole values of `params`
 * (block.tlb: block → extra:^BlockExtra → custom:(Maybe ^McBlockExtra) → config:key_block?ConfigParams, whose
 * `config:^(Hashmap 32 ^Cell)` is McBlockExtra's last ref). Also getConfigParams mode 0x8000's config_proof.
 */
export function keyBlockConfigProof(block: DevnetBlock, params: readonly number[] | null): Cell {
  if (!block.block || !block.keyBlock) throw new Error('not a sealed key block');
  const root = block.block;
  const extra = root.refs[3];
  const mcExtra = extra.refs[extra.refs.length - 1];
  const configRoot = mcExtra.refs[mcExtra.refs.length - 1];
  const keep = [...headerKeep(root), extra, mcExtra, configRoot];
  keep.push(...(params === null ? subtree(configRoot) : configParamKeep(configRoot, params)));
  return merkleProof(root, keep);
}

/** Proof of a masterchain state revealing McStateExtra.config with the whole values of `params`. */
export function stateConfigProof(block: DevnetBlock, params: number[] | null): Cell {
  return merkleProof(block.state, configKeep(block, params));
}

/** The ^[ ... prev_blocks ... ] cell of McStateExtra (its last ref: shard_hashes?, config, this). */
function stateInfoCell(mcExtra: Cell): Cell {
  return mcExtra.refs[mcExtra.refs.length - 1];
}

/** Proof of `cur`'s state down to prev_blocks[seqno] (the KeyExtBlkRef of that older block). */
function ancestorProof(cur: DevnetBlock, seqno: number): Cell {
  if (!cur.mcExtra) throw new Error('not a masterchain state');
  const info = stateInfoCell(cur.mcExtra);
  const keep: Cell[] = [cur.mcExtra, info];
  // info: flags:(## 16) validator_info (32+32+1) prev_blocks:(ahme_root$1 ^root extra); the root is info's only ref.
  const root = info.refs[0];
  if (root) keep.push(...dictPath(root, 32, BigInt(seqno)).cells);
  return merkleProof(cur.state, keep);
}

function backLink(cur: DevnetBlock, next: DevnetBlock): TlCtor<'liteServer.blockLinkBack'> {
  if (!cur.block) throw new Error('a backward link starts at a sealed block');
  return {
    _: 'liteServer.blockLinkBack',
    to_key_block: next.id.seqno === 0 || next.keyBlock,
    from: toTlBlockIdExt(cur),
    to: toTlBlockIdExt(next),
    dest_proof: headerProofBoc(next),
    proof: headerProofBoc(cur),
    state_proof: boc(ancestorProof(cur, next.id.seqno)),
  };
}

const VALIDATOR_PARAMS: number[] = [28, 34];

function forwardLink(cur: DevnetBlock, next: DevnetBlock): TlCtor<'liteServer.blockLinkForward'> {
  if (!next.signatures) throw new Error(`block ${next.id.seqno} carries no signatures`);
  const configProof =
    cur.id.seqno === 0 ? stateConfigProof(cur, VALIDATOR_PARAMS) : keyBlockConfigProof(cur, VALIDATOR_PARAMS);
  return {
    _: 'liteServer.blockLinkForward',
    to_key_block: next.keyBlock,
    from: toTlBlockIdExt(cur),
    to: toTlBlockIdExt(next),
    dest_proof: headerProofBoc(next),
    config_proof: boc(configProof),
    signatures: next.signatures,
  };
}

/**
 * The partialBlockProof from `from` towards `to`, with `base` (the reference masterchain block: the server's last,
 * or with mode 0x1000 the later of the two) bounding which key blocks are known.
 */
export function buildProofChain(
  chain: Pick<ChainSource, 'prevKeyBlock' | 'nextKeyBlock'>,
  from: DevnetBlock,
  to: DevnetBlock,
  base: DevnetBlock,
): TlCtor<'liteServer.partialBlockProof'> {
  const limit = base.id.seqno;
  if (from.id.seqno > limit || to.id.seqno > limit) {
    throw new LiteServerError(LiteErrorCode.ERROR, 'block newer than the reference masterchain block');
  }
  const steps: BlockLink[] = [];
  let id = from;
  while (steps.length < MAX_LINKS && id !== to) {
    if (id.id.seqno === to.id.seqno) {
      throw new LiteServerError(LiteErrorCode.ERROR, 'two different masterchain blocks of the same height');
    }
    let next: DevnetBlock;
    if (to.id.seqno < id.id.seqno) {
      next = to;
      steps.push(backLink(id, next));
    } else {
      const prevKey = chain.prevKeyBlock(id.id.seqno);
      if (prevKey.id.seqno !== id.id.seqno) {
        next = prevKey;
        steps.push(backLink(id, next));
      } else {
        next = chain.nextKeyBlock(id.id.seqno + 1, limit) ?? to;
        steps.push(forwardLink(id, next));
      }
    }
    id = next;
  }
  return {
    _: 'liteServer.partialBlockProof',
    complete: id === to,
    from: toTlBlockIdExt(from),
    to: toTlBlockIdExt(id),
    steps,
  };
}
