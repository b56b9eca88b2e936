/**
 * Who signs a masterchain block, and the signature set that travels with it.
 *
 * Block N is signed by the masterchain validator subset of the state before it (ton validator/impl/collator.cpp
 * `create_mc_state_extra` step 5: the subset of ConfigParam 34 + 28 for the catchain seqno that state's
 * validator_info carries; the block header's gen_catchain_seqno and gen_validator_list_hash_short name that
 * subset). The subset and its hash come from the client's own code (src/net/lite/proof/validator-set.ts:
 * `masterchainSubset`, `validatorSetHash`), and the signed bytes from src/net/lite/proof/signed-message.ts, so
 * both ends of the protocol are written once.
 *
 * Not every validator signs every block: starting at a validator that moves with the seqno, signers are added
 * until their weight is more than 2/3 of the subset's (the acceptance rule of crypto/block/signature-set.cpp
 * `check_signatures_impl`), plus one more on every third block.
 */
import type { Cell, Dictionary } from '@ton/core';
import { sha256 } from '../../net/crypto/index.ts';
import {
  buildSimplexCandidate,
  ordinaryMessage,
  simplexMessage,
  type SignatureSet,
} from '../../net/lite/proof/signed-message.ts';
import {
  masterchainSubset,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
  type ValidatorDescr,
} from '../../net/lite/proof/validator-set.ts';
import { signWith, type DevnetValidator } from './keys.ts';

export const CONFIG_CUR_VALIDATORS = 34;
export const CONFIG_CATCHAIN = 28;

/** The masterchain subset a state's config and catchain seqno give. */
export interface McSubset {
  ccSeqno: number;
  nodes: ValidatorDescr[];
  /** validatorSetHash(nodes, ccSeqno): the block header's gen_validator_list_hash_short. */
  hash: number;
  /** validatorSetHash(nodes, 0): what McStateExtra.validator_info keeps (collator.cpp step 5 passes 0). */
  stateHash: number;
}

/** Parsed ConfigParam 34 by cell (a seal re-reads the same cell until the config changes). */
const parsedSets = new WeakMap<Cell, ReturnType<typeof parseValidatorSet>>();

/** The subset of the config `config` for catchain seqno `ccSeqno`. */
export function mcSubset(config: Dictionary<number, Cell>, ccSeqno: number): McSubset {
  const p34 = config.get(CONFIG_CUR_VALIDATORS);
  if (!p34) throw new Error('the devnet config has no ConfigParam 34');
  let vset = parsedSets.get(p34);
  if (!vset) parsedSets.set(p34, (vset = parseValidatorSet(p34)));
  const nodes = masterchainSubset(vset, parseCatchainConfig(config.get(CONFIG_CATCHAIN) ?? null), ccSeqno);
  return { ccSeqno, nodes, hash: validatorSetHash(nodes, ccSeqno), stateHash: validatorSetHash(nodes, 0) };
}

/** A block id as the signed messages name it (TL tonNode.blockIdExt fields). */
export interface SignedBlockRef {
  workchain: number;
  shard: bigint;
  seqno: number;
  root_hash: Uint8Array;
  file_hash: Uint8Array;
}

/** A simplex candidate id (slot, sha256 of the candidate bytes): the parent of the next candidate. */
export interface SimplexCandidateId {
  slot: number;
  hash: Uint8Array;
}

export interface SignedBlock {
  signatures: SignatureSet;
  /** Set for simplex sets: this block's candidate id, the next simplex block's parent in the same session. */
  candidateId: SimplexCandidateId | null;
}

function signers(subset: McSubset, seqno: number): ValidatorDescr[] {
  const n = subset.nodes.length;
  const total = subset.nodes.reduce((sum, v) => sum + v.weight, 0n);
  const out: ValidatorDescr[] = [];
  let weight = 0n;
  for (let k = 0; k < n && 3n * weight <= 2n * total; k++) {
    const v = subset.nodes[(seqno + k) % n];
    out.push(v);
    weight += v.weight;
  }
  if (seqno % 3 === 0 && out.length < n) out.push(subset.nodes[(seqno + out.length) % n]);
  return out;
}

/**
 * Signs `block` with the subset: an ordinary set (`liteServer.signatureSet.ordinary`), or with `simplex` a final
 * simplex set whose candidate is a `consensus.candidateHashDataOrdinary` for the block after `simplex.parent`.
 */
export function signMasterBlock(args: {
  block: SignedBlockRef;
  subset: McSubset;
  keys: ReadonlyMap<string, DevnetValidator>;
  simplex: { parent: SimplexCandidateId | null } | null;
}): SignedBlock {
  const { block, subset } = args;
  let message: Uint8Array;
  let finish: (signatures: SignatureSet['signatures']) => SignatureSet;
  let candidateId: SimplexCandidateId | null = null;
  if (args.simplex) {
    // One simplex session per catchain seqno; slots follow the masterchain seqno.
    const sessionId = sha256(new TextEncoder().encode(`tonsite devnet simplex session ${subset.ccSeqno}`));
    const slot = block.seqno;
    const candidate = buildSimplexCandidate({
      block,
      collatedFileHash: sha256(block.file_hash),
      ...(args.simplex.parent ? { parent: args.simplex.parent } : {}),
    });
    candidateId = { slot, hash: sha256(candidate) };
    message = simplexMessage(block, sessionId, slot, candidate);
    finish = (signatures) => ({
      _: 'liteServer.signatureSet.simplex',
      cc_seqno: subset.ccSeqno | 0,
      validator_set_hash: subset.hash | 0,
      signatures,
      session_id: sessionId,
      slot,
      candidate,
    });
  } else {
    message = ordinaryMessage(block);
    finish = (signatures) => ({
      _: 'liteServer.signatureSet.ordinary',
      validator_set_hash: subset.hash | 0,
      catchain_seqno: subset.ccSeqno | 0,
      signatures,
    });
  }
  const signatures = signers(subset, block.seqno).map((node) => {
    const key = args.keys.get(Buffer.from(node.publicKey).toString('hex'));
    if (!key) throw new Error('no private key for a validator of the devnet subset');
    return {
      _: 'liteServer.signature' as const,
      node_id_short: key.nodeIdShort,
      signature: signWith(key, message),
    };
  });
  return { signatures: finish(signatures), candidateId };
}
