/**
 * Server side of the lite API wrapping, for liteservers built on serveAdnlTcp (the devnet, test servers): turns
 * a handler of decoded lite_api functions into an ADNL query handler. Errors become `liteServer.error` answers
 * (LiteServerError keeps its code; a malformed query → 621 protoviolation; anything else → 602 error).
 */
import type { AdnlTcpQueryContext, AdnlTcpQueryHandler } from '../adnl/index.ts';
import { tlEncode, type TlObject } from '../tl/index.ts';
import { LiteError, LiteErrorCode, LiteServerError } from './errors.ts';
import { encodeLiteError, parseLiteQuery, type ParsedLiteQuery } from './query.ts';

/** Answers one decoded function; returns the TL result object (e.g. a liteServer.masterchainInfo). */
export type LiteRequestHandler = (
  request: ParsedLiteQuery,
  context: AdnlTcpQueryContext,
) => Promise<TlObject>;

export function createLiteQueryHandler(handler: LiteRequestHandler): AdnlTcpQueryHandler {
  return async (query, context) => {
    let request: ParsedLiteQuery;
    try {
      request = parseLiteQuery(query);
    } catch (error) {
      return encodeLiteError(LiteErrorCode.PROTOVIOLATION, (error as Error).message);
    }
    try {
      return tlEncode(await handler(request, context));
    } catch (error) {
      if (error instanceof LiteServerError) return encodeLiteError(error.code, error.serverMessage);
      if (error instanceof LiteError) return encodeLiteError(LiteErrorCode.ERROR, error.message);
      return encodeLiteError(LiteErrorCode.ERROR, error instanceof Error ? error.message : 'internal error');
    }
  };
}
