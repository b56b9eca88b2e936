/** getBlockHeader and lookupBlock (lite_api.tl lines 91, 100): answers carry a Merkle proof of the block header. */
import { LiteErrorCode, LiteServerError } from '../../../net/lite/errors.ts';
import type { TlCtor } from '../../../net/tl/index.ts';
import { MASTERCHAIN, type DevnetBlock } from '../../chain.ts';
import { FULL_SHARD } from '../../../net/tlb/index.ts';
import { resolveBlock, toTlBlockIdExt } from '../block-ids.ts';
import { blockProof } from '../proofs.ts';
import type { HandlerContext } from './context.ts';

function header(block: DevnetBlock, mode: number): TlCtor<'liteServer.blockHeader'> {
  const proof = blockProof(block);
  if (!proof) throw new LiteServerError(LiteErrorCode.ERROR, 'the zero state has no block header');
  return {
    _: 'liteServer.blockHeader',
    id: toTlBlockIdExt(block),
    mode,
    header_proof: new Uint8Array(proof.toBoc({ idx: false, crc32: true })),
  };
}

export function getBlockHeader(
  fn: TlCtor<'liteServer.getBlockHeader'>,
  { view }: HandlerContext,
): TlCtor<'liteServer.blockHeader'> {
  return header(resolveBlock(view, fn.id, true), fn.mode);
}

/** mode bit 0: by seqno, bit 1: by lt (block containing it), bit 2: by utime (first block at or after it). */
export function lookupBlock(
  fn: TlCtor<'liteServer.lookupBlock'>,
  { view }: HandlerContext,
): TlCtor<'liteServer.blockHeader'> {
  const { workchain, shard, seqno } = fn.id;
  if (BigInt.asUintN(64, shard) !== FULL_SHARD) {
    throw new LiteServerError(LiteErrorCode.ERROR, 'the devnet has one shard per workchain');
  }
  const by =
    fn.mode & 1
      ? { seqno }
      : fn.mode & 2 && fn.lt !== undefined
        ? { lt: fn.lt }
        : fn.mode & 4
          ? { utime: fn.utime! }
          : null;
  if (!by) throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, 'lookupBlock needs mode bit 0, 1 or 2');
  const block = view.chain.lookup(workchain, by);
  const limit = workchain === MASTERCHAIN ? view.last.id.seqno : (view.last.shardBlock?.id.seqno ?? 0);
  if (!block || block.id.seqno > limit) throw new LiteServerError(LiteErrorCode.NOT_READY, 'block not found');
  return header(block, fn.mode);
}
