/**
 * A `liteServer.partialBlockProof` checked against a block we already trust (ton crypto/block/check-proof.cpp
 * `BlockProofChain::validate`; tonutils-go ton/proof.go `VerifyProofChain`): it must start at that block, every
 * link must start where the previous one ended and verify (links.ts), and the last must end at the answer's `to`.
 * The result is the newest block proven and the newest key block seen on the way (what a client keeps as its next
 * starting point, as tonlib's `LastBlock` does with `last_key_block_id`).
 */
import type { Ed25519BatchVerifier } from '../../crypto/index.ts';
import type { TlCtor } from '../../tl/index.ts';
import type { BlockIdExt } from '../client.ts';
import { describeId, type BlockInfoFacts } from './block-header.ts';
import { ProofError } from './errors.ts';
import { checkLink } from './links.ts';
import { sameBlockId } from '../client.ts';

export type PartialBlockProof = TlCtor<'liteServer.partialBlockProof'>;

/** A liteserver sends at most 16 links an answer (liteserver.cpp: `link_count() >= 16` stops the chain). */
export const MAX_LINKS_PER_ANSWER = 16;

export interface ProvenStep {
  id: BlockIdExt;
  info: BlockInfoFacts;
}

export interface CheckedChain {
  /** The answer's `to`, now trusted (equal to the known block when the answer has no links). */
  last: BlockIdExt;
  /** Its BlockInfo, from the last link's dest_proof (null when there are no links). */
  lastInfo: BlockInfoFacts | null;
  /** The newest key block a link ended at (null if none). */
  newestKeyBlock: ProvenStep | null;
  /** Whether the server says the chain reached its target. */
  complete: boolean;
  links: number;
}

/**
 * Verifies `proof` starting from the trusted block `known`. ProofError('link') for a chain that does not start at
 * `known`, breaks, or ends elsewhere than it says; the link's own error otherwise.
 */
export async function checkPartialBlockProof(
  proof: PartialBlockProof,
  known: Omit<BlockIdExt, '_'>,
  verifier: Ed25519BatchVerifier,
): Promise<CheckedChain> {
  if (!sameBlockId(proof.from, known))
    throw new ProofError(
      'link',
      `proof starts at ${describeId(proof.from)}, not at the trusted ${describeId(known)}`,
    );
  if (proof.steps.length > MAX_LINKS_PER_ANSWER)
    throw new ProofError(
      'link',
      `${proof.steps.length} links in one answer (at most ${MAX_LINKS_PER_ANSWER})`,
    );
  if (proof.steps.length === 0) {
    if (!sameBlockId(proof.from, proof.to))
      throw new ProofError(
        'link',
        `proof without links from ${describeId(proof.from)} to ${describeId(proof.to)}`,
      );
    return { last: proof.from, lastInfo: null, newestKeyBlock: null, complete: proof.complete, links: 0 };
  }
  let cur: Omit<BlockIdExt, '_'> = known;
  let lastInfo: BlockInfoFacts | null = null;
  let newestKeyBlock: ProvenStep | null = null;
  for (const [i, link] of proof.steps.entries()) {
    if (!sameBlockId(link.from, cur))
      throw new ProofError(
        'link',
        `link #${i + 1} starts at ${describeId(link.from)}, the previous one ended at ${describeId(cur)}`,
      );
    const checked = await checkLink(link, verifier);
    if (link.to_key_block && (!newestKeyBlock || newestKeyBlock.id.seqno < link.to.seqno))
      newestKeyBlock = { id: link.to, info: checked.info };
    cur = link.to;
    lastInfo = checked.info;
  }
  if (!sameBlockId(cur, proof.to))
    throw new ProofError(
      'link',
      `last link ends at ${describeId(cur)}, the proof says ${describeId(proof.to)}`,
    );
  return { last: proof.to, lastInfo, newestKeyBlock, complete: proof.complete, links: proof.steps.length };
}
