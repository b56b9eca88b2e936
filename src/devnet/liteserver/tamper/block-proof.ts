/**
 * The forger's getBlockProof: it cannot sign, so it sends the honest chain (built as the honest server would,
 * from the honest twins of the blocks named) with the last link re-pointed at the forged target: `to` and
 * `dest_proof` of the forged block, the honest block's signatures (forward link) or the honest prev_blocks proof
 * (backward link). A verifying client finds signatures that do not sign the forged id, or an ancestor entry that
 * names another block.
 */
import type { TlCtor } from '../../../net/tl/index.ts';
import { resolveBlock, toTlBlockIdExt } from '../block-ids.ts';
import { buildProofChain, headerProofBoc } from '../block-links.ts';
import type { ChainView } from '../view.ts';
import type { ForgedChain } from './forged-chain.ts';

export function forgedBlockProof(
  fn: TlCtor<'liteServer.getBlockProof'>,
  view: ChainView,
  forged: ForgedChain,
): TlCtor<'liteServer.partialBlockProof'> {
  const from = forged.honestOf(resolveBlock(view, fn.known_block));
  const forgedTo = fn.mode & 1 && fn.target_block ? resolveBlock(view, fn.target_block) : view.last;
  const to = forged.honestOf(forgedTo);
  const last = forged.honestOf(view.last);
  const base = fn.mode & 1 && fn.mode & 0x1000 ? (from.id.seqno > to.id.seqno ? from : to) : last;
  const answer = buildProofChain(forged.honest, from, to, base);
  const link = answer.steps[answer.steps.length - 1];
  if (answer.complete && link && forgedTo !== to) {
    link.to = toTlBlockIdExt(forgedTo);
    link.dest_proof = headerProofBoc(forgedTo);
    answer.to = link.to;
  }
  return answer;
}
