/**
 * The bytes masterchain validators sign for a block (PROOFS.md §2.3 step 5), both ends: the devnet signs what the
 * builders give, the client verifies signatures over what `messageToSign` gives for a liteserver's signature set.
 *
 * - `liteServer.signatureSet.ordinary` (catchain era): boxed `ton.blockId root_cell_hash:int256 file_hash:int256`,
 *   68 bytes `706e0bc5 || root_hash || file_hash` (ton crypto/block/signature-set.cpp
 *   `BlockSignatureSetOrdinary::to_sign`; tonutils-go ton/proof.go `CheckBlockSignatures`).
 * - `liteServer.signatureSet.simplex`: `candidate` is a boxed `consensus.CandidateHashData`
 *   (`candidateHashDataOrdinary block collated_file_hash parent:consensus.CandidateParent` or
 *   `candidateHashDataEmpty block parent:consensus.candidateId` — bare candidateId there) whose `block` must be the
 *   signed block; the message is boxed `consensus.dataToSign session_id data:bytes` with `data` = boxed
 *   `consensus.simplex.finalizeVote id:consensus.CandidateId{slot, hash = sha256(candidate)}`
 *   (signature-set.cpp `BlockSignatureSetSimplex::to_sign`, final sets only: the lite API carries only those,
 *   `tl_lite()` CHECKs `final_`; tonutils-go `buildSimplexToSignPayload`). C++ hashes the re-serialized parsed
 *   candidate, tonutils-go the received bytes after a whole-buffer parse; all fields are fixed-size, so both are
 *   the same bytes.
 */
import { sha256 } from '../../crypto/index.ts';
import { tlDecode, tlEncode, type TlCtor, type TlType } from '../../tl/index.ts';
import { blockIdExt, sameBlockId, type BlockIdExt } from '../client.ts';
import { ProofError } from './errors.ts';
import { describeId } from './block-header.ts';

type BlockRef = Omit<BlockIdExt, '_'>;
export type SignatureSet = TlType<'liteServer.SignatureSet'>;
export type CandidateHashData = TlType<'consensus.CandidateHashData'>;

/** The message of an ordinary signature set: boxed `ton.blockId` (68 bytes). */
export function ordinaryMessage(block: BlockRef): Uint8Array {
  return tlEncode({ _: 'ton.blockId', root_cell_hash: block.root_hash, file_hash: block.file_hash });
}

/**
 * A simplex candidate as validators hash it: boxed `consensus.candidateHashDataOrdinary` (parent: the previous
 * candidate id, or none) or, with `empty`, `consensus.candidateHashDataEmpty` (an empty slot re-finalizing `block`
 * after `parent`).
 */
export function buildSimplexCandidate(
  candidate:
    | { block: BlockRef; collatedFileHash: Uint8Array; parent?: { slot: number; hash: Uint8Array } }
    | { empty: true; block: BlockRef; parent: { slot: number; hash: Uint8Array } },
): Uint8Array {
  if ('empty' in candidate)
    return tlEncode({
      _: 'consensus.candidateHashDataEmpty',
      block: blockIdExt(candidate.block),
      parent: { _: 'consensus.candidateId', slot: candidate.parent.slot, hash: candidate.parent.hash },
    });
  const parent = candidate.parent;
  return tlEncode({
    _: 'consensus.candidateHashDataOrdinary',
    block: blockIdExt(candidate.block),
    collated_file_hash: candidate.collatedFileHash,
    parent: parent
      ? {
          _: 'consensus.candidateParent',
          id: { _: 'consensus.candidateId', slot: parent.slot, hash: parent.hash },
        }
      : { _: 'consensus.candidateWithoutParents' },
  });
}

/** The block a simplex candidate finalizes. ProofError('signature') if the bytes are no CandidateHashData. */
export function simplexCandidateBlock(candidate: Uint8Array): BlockIdExt {
  let parsed: CandidateHashData;
  try {
    parsed = tlDecode('consensus.CandidateHashData', candidate);
  } catch (error) {
    throw new ProofError('signature', `simplex candidate: ${(error as Error).message}`, { cause: error });
  }
  return parsed.block;
}

/**
 * The message of a final simplex signature set for `block`. ProofError('signature') when the candidate does not
 * parse or names another block, or the session id is not 32 bytes.
 */
export function simplexMessage(
  block: BlockRef,
  sessionId: Uint8Array,
  slot: number,
  candidate: Uint8Array,
): Uint8Array {
  if (sessionId.length !== 32) throw new ProofError('signature', 'simplex session id is not 32 bytes');
  const named = simplexCandidateBlock(candidate);
  if (!sameBlockId(named, block))
    throw new ProofError(
      'signature',
      `simplex candidate is of block ${describeId(named)}, not ${describeId(block)}`,
    );
  const vote: TlCtor<'consensus.simplex.finalizeVote'> = {
    _: 'consensus.simplex.finalizeVote',
    id: { _: 'consensus.candidateId', slot, hash: sha256(candidate) },
  };
  return tlEncode({ _: 'consensus.dataToSign', session_id: sessionId, data: tlEncode(vote) });
}

/** What the signatures of `set` must sign for `block`. */
export function messageToSign(set: SignatureSet, block: BlockRef): Uint8Array {
  return set._ === 'liteServer.signatureSet.ordinary'
    ? ordinaryMessage(block)
    : simplexMessage(block, set.session_id, set.slot, set.candidate);
}

/** The set's (validator_set_hash, catchain seqno), as unsigned numbers (the TL fields are signed ints). */
export function signatureSetVset(set: SignatureSet): { validatorSetHash: number; catchainSeqno: number } {
  return set._ === 'liteServer.signatureSet.ordinary'
    ? { validatorSetHash: set.validator_set_hash >>> 0, catchainSeqno: set.catchain_seqno >>> 0 }
    : { validatorSetHash: set.validator_set_hash >>> 0, catchainSeqno: set.cc_seqno >>> 0 };
}
