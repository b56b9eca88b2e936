/**
 * Why a liteserver's answer failed verification (PROOFS.md). A ProofError is a LiteError of kind 'proof', so code
 * that handles lite failures keeps working; `code` names the check that failed, for error pages and the CLI.
 */
import { LiteError } from '../errors.ts';

export type ProofErrorCode =
  /** Not a Merkle proof, the wrong number of roots, or a proof that hashes to something else than the trusted hash. */
  | 'merkle'
  /** A read runs into a pruned branch: the proof does not cover what it claims to prove. */
  | 'pruned'
  /** Block header: BlockInfo does not match the block id (seqno, shard, version, key-block flag, state update). */
  | 'block-header'
  /** A shard proof whose masterchain state lists another shard block than the answer names. */
  | 'shard'
  /** Account proof: the account state does not hash to the proven one, or a state for an absent account. */
  | 'account'
  /** Config proof: the param is missing, pruned or malformed. */
  | 'config'
  /** Block proof chain: continuity, direction, a link to a block other than the one asked for. */
  | 'link'
  /** Backward link: the older block is not the one recorded in the newer block's state (prev_blocks). */
  | 'backward-link'
  /** Forward link: the validator set (hash, catchain seqno) does not match the block it signs. */
  | 'validator-set'
  /** A signature that does not verify, is duplicated or comes from a node outside the validator subset. */
  | 'signature'
  /** Signatures of no more than 2/3 of the subset's total weight. */
  | 'weight'
  /** The newest proven block is older than the freshness limit (a stale or eclipsing server). */
  | 'stale'
  /** Something in the proof does not parse as block.tlb says. */
  | 'malformed';

export class ProofError extends LiteError {
  override name = 'ProofError';
  readonly code: ProofErrorCode;
  constructor(code: ProofErrorCode, message: string, options?: { cause?: unknown }) {
    super('proof', `${code}: ${message}`, options);
    this.code = code;
  }
}
