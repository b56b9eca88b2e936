/**
 * getConfigParams / getConfigAll (lite_api.tl lines 58, 105-106): `state_proof` = block proof,
 * `config_proof` = MERKLE_PROOF of the masterchain state revealing McStateExtra and the requested params (each
 * with its whole value cell), i.e. the layout clients parse with loadShardStateUnsplit → extras.config.
 * Mode 0x8000: the config of the previous key block instead (liteserver.cpp `perform_getConfigParams` →
 * `load_prevKeyBlock`, `continue_getConfigParams` with `keyblk`): `id` = that key block, `state_proof` empty,
 * `config_proof` = MERKLE_PROOF of the key block revealing its header and McBlockExtra.config.
 */
import { LiteErrorCode, LiteServerError } from '../../../net/lite/errors.ts';
import type { TlCtor } from '../../../net/tl/index.ts';
import { merkleProof } from '../../../net/tlb/index.ts';
import { resolveBlock, toTlBlockIdExt } from '../block-ids.ts';
import { keyBlockConfigProof } from '../block-links.ts';
import { blockProof, configKeep } from '../proofs.ts';
import type { HandlerContext } from './context.ts';

/** Most params one getConfigParams may ask for (the config has a few dozen). */
const MAX_PARAMS = 256;
/** Mode bit: config from the previous key block's McBlockExtra. */
const KEY_BLOCK_CONFIG = 0x8000;

export function getConfig(
  fn: TlCtor<'liteServer.getConfigParams'> | TlCtor<'liteServer.getConfigAll'>,
  { view }: HandlerContext,
): TlCtor<'liteServer.configInfo'> {
  const mc = resolveBlock(view, fn.id);
  let params: number[] | null = null;
  if (fn._ === 'liteServer.getConfigParams') {
    if (fn.param_list.length > MAX_PARAMS)
      throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, 'too many params');
    params = fn.param_list;
  }
  if (fn.mode & KEY_BLOCK_CONFIG) {
    const key = view.chain.prevKeyBlock(mc.id.seqno);
    if (!key.block)
      throw new LiteServerError(LiteErrorCode.ERROR, 'the zero state is not a key block with data');
    return {
      _: 'liteServer.configInfo',
      mode: fn.mode & 0xffff,
      id: toTlBlockIdExt(key),
      state_proof: new Uint8Array(0),
      config_proof: new Uint8Array(keyBlockConfigProof(key, params).toBoc({ idx: false, crc32: true })),
    };
  }
  const header = blockProof(mc);
  return {
    _: 'liteServer.configInfo',
    mode: fn.mode,
    id: toTlBlockIdExt(mc),
    state_proof: header ? new Uint8Array(header.toBoc({ idx: false, crc32: true })) : new Uint8Array(0),
    config_proof: new Uint8Array(
      merkleProof(mc.state, configKeep(mc, params)).toBoc({ idx: false, crc32: true }),
    ),
  };
}
