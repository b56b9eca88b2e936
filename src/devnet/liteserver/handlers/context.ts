/** What every query handler gets: the server's view of the chain (and through it the chain and sandbox). */
import type { TlObject } from '../../../net/tl/index.ts';
import type { ChainView } from '../view.ts';

export interface HandlerContext {
  view: ChainView;
}

export type QueryHandler = (fn: TlObject, ctx: HandlerContext) => Promise<TlObject> | TlObject;

/** liteServer.getVersion values of the C++ liteserver (ls_version 0x101, capabilities 7). */
export const LS_VERSION = 0x101;
export const LS_CAPABILITIES = 7n;

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}
