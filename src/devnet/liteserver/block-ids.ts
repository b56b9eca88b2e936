/** Conversions between the devnet's blocks and lite_api block ids (tonNode.blockIdExt etc., DIGEST §3). */
import { LiteErrorCode, LiteServerError } from '../../net/lite/errors.ts';
import type { TlCtor } from '../../net/tl/index.ts';
import { MASTERCHAIN, type DevnetBlock } from '../chain.ts';
import type { ChainView } from './view.ts';

export type TlBlockIdExt = TlCtor<'tonNode.blockIdExt'>;

export function toTlBlockIdExt(block: DevnetBlock): TlBlockIdExt {
  return {
    _: 'tonNode.blockIdExt',
    workchain: block.id.workchain,
    shard: BigInt.asIntN(64, block.id.shard), // TL `long` is signed: 0x8000000000000000 → -2^63
    seqno: block.id.seqno,
    root_hash: new Uint8Array(block.id.rootHash),
    file_hash: new Uint8Array(block.id.fileHash),
  };
}

export function toTlZeroState(zero: DevnetBlock): TlCtor<'tonNode.zeroStateIdExt'> {
  return {
    _: 'tonNode.zeroStateIdExt',
    workchain: zero.id.workchain,
    root_hash: new Uint8Array(zero.id.rootHash),
    file_hash: new Uint8Array(zero.id.fileHash),
  };
}

/**
 * The block a request names: must be one this server has, with matching root and file hashes.
 * Masterchain ids only unless `anyWorkchain`.
 */
export function resolveBlock(view: ChainView, id: TlBlockIdExt, anyWorkchain = false): DevnetBlock {
  if (id.workchain !== MASTERCHAIN && !anyWorkchain) {
    throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, 'a masterchain block id is required');
  }
  if (id.workchain === MASTERCHAIN) view.masterBlock(id.seqno); // 651 for blocks newer than this server's last
  const block = view.chain.findBlock({
    workchain: id.workchain,
    shard: id.shard,
    seqno: id.seqno,
    rootHash: Buffer.from(id.root_hash),
    fileHash: Buffer.from(id.file_hash),
  });
  if (!block) {
    throw new LiteServerError(
      LiteErrorCode.ERROR,
      `block (${id.workchain},${BigInt.asUintN(64, id.shard).toString(16)},${id.seqno}) not found`,
    );
  }
  if (id.workchain !== MASTERCHAIN) {
    const registered = view.last.shardBlock?.id.seqno ?? 0;
    if (id.seqno > registered)
      throw new LiteServerError(LiteErrorCode.NOT_READY, 'shard block not applied yet');
  }
  return block;
}
