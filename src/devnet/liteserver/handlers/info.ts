/** getMasterchainInfo, getMasterchainInfoExt, getTime, getVersion (lite_api.tl lines 30-33). */
import type { TlCtor } from '../../../net/tl/index.ts';
import { toTlBlockIdExt, toTlZeroState } from '../block-ids.ts';
import { LS_CAPABILITIES, LS_VERSION, unixNow, type HandlerContext } from './context.ts';

export function getMasterchainInfo(
  _fn: unknown,
  { view }: HandlerContext,
): TlCtor<'liteServer.masterchainInfo'> {
  const last = view.last;
  return {
    _: 'liteServer.masterchainInfo',
    last: toTlBlockIdExt(last),
    state_root_hash: new Uint8Array(last.state.hash(0)),
    init: toTlZeroState(view.chain.masterBlock(0)!),
  };
}

export function getMasterchainInfoExt(
  _fn: unknown,
  { view }: HandlerContext,
): TlCtor<'liteServer.masterchainInfoExt'> {
  const last = view.last;
  return {
    _: 'liteServer.masterchainInfoExt',
    mode: 0,
    version: LS_VERSION,
    capabilities: LS_CAPABILITIES,
    last: toTlBlockIdExt(last),
    last_utime: last.utime,
    now: unixNow(),
    state_root_hash: new Uint8Array(last.state.hash(0)),
    init: toTlZeroState(view.chain.masterBlock(0)!),
  };
}

export function getTime(): TlCtor<'liteServer.currentTime'> {
  return { _: 'liteServer.currentTime', now: unixNow() };
}

export function getVersion(): TlCtor<'liteServer.version'> {
  return {
    _: 'liteServer.version',
    mode: 0,
    version: LS_VERSION,
    capabilities: LS_CAPABILITIES,
    now: unixNow(),
  };
}
