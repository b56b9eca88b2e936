/**
 * getBlockProof (lite_api.tl line 104): `mode` bit 0 = `target_block` given (without it: the server's last block,
 * liteserver.cpp `perform_getBlockProof` sets 0x1001), bit 0x1000 = the reference state is the later of the two
 * blocks instead of the server's last. The chain itself: ../block-links.ts.
 */
import { LiteErrorCode, LiteServerError } from '../../../net/lite/errors.ts';
import type { TlCtor } from '../../../net/tl/index.ts';
import { resolveBlock } from '../block-ids.ts';
import { buildProofChain } from '../block-links.ts';
import type { HandlerContext } from './context.ts';

export function getBlockProof(
  fn: TlCtor<'liteServer.getBlockProof'>,
  { view }: HandlerContext,
): TlCtor<'liteServer.partialBlockProof'> {
  const from = resolveBlock(view, fn.known_block);
  let to = view.last;
  if (fn.mode & 1) {
    if (!fn.target_block)
      throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, 'mode bit 0 without a target');
    to = resolveBlock(view, fn.target_block);
  }
  const base = fn.mode & 1 && fn.mode & 0x1000 ? (from.id.seqno > to.id.seqno ? from : to) : view.last;
  return buildProofChain(view.chain, from, to, base);
}
