/** Routes a decoded lite_api function to its handler; anything else → liteServer.error 621 "unknown query". */
import { LiteErrorCode, LiteServerError } from '../../net/lite/errors.ts';
import type { ParsedLiteQuery } from '../../net/lite/query.ts';
import type { TlCtor, TlName, TlObject } from '../../net/tl/index.ts';
import { getAccountState } from './handlers/account.ts';
import { getBlockHeader, lookupBlock } from './handlers/blocks.ts';
import { getBlockProof } from './handlers/block-proof.ts';
import { getConfig } from './handlers/config.ts';
import type { HandlerContext, QueryHandler } from './handlers/context.ts';
import { getMasterchainInfo, getMasterchainInfoExt, getTime, getVersion } from './handlers/info.ts';
import { runSmcMethod } from './handlers/run-method.ts';

/** Binds a handler to the function it answers (the decoder guarantees `fn` is of that constructor). */
function on<N extends TlName>(
  name: N,
  handler: (fn: TlCtor<N>, ctx: HandlerContext) => TlObject | Promise<TlObject>,
): [string, QueryHandler] {
  return [name, (fn, ctx) => handler(fn as unknown as TlCtor<N>, ctx)];
}

const HANDLERS: Record<string, QueryHandler> = Object.fromEntries([
  on('liteServer.getMasterchainInfo', getMasterchainInfo),
  on('liteServer.getMasterchainInfoExt', getMasterchainInfoExt),
  on('liteServer.getTime', getTime),
  on('liteServer.getVersion', getVersion),
  on('liteServer.getBlockHeader', getBlockHeader),
  on('liteServer.lookupBlock', lookupBlock),
  on('liteServer.getBlockProof', getBlockProof),
  on('liteServer.getAccountState', getAccountState),
  on('liteServer.getAccountStatePrunned', getAccountState),
  on('liteServer.runSmcMethod', runSmcMethod),
  on('liteServer.getConfigParams', getConfig),
  on('liteServer.getConfigAll', getConfig),
]);

/** Function names the devnet liteserver answers. */
export const SUPPORTED_QUERIES = Object.keys(HANDLERS);

export async function dispatchLiteQuery(request: ParsedLiteQuery, ctx: HandlerContext): Promise<TlObject> {
  const handler = HANDLERS[request.fn._];
  if (!handler) throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, `unknown query ${request.fn._}`);
  if (request.wait) await ctx.view.waitFor(request.wait.seqno, request.wait.timeoutMs);
  return handler(request.fn, ctx);
}
