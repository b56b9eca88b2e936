/**
 * HTTP's registrations on a node's query routers (adnl/router.ts): a site's HttpServer takes http.request and
 * http.getNextPayloadPart (its response bodies) on the RLDP router, a client's request bodies take
 * http.getNextPayloadPart, and either end answers http.proxy.getCapabilities on the ADNL router (DIGEST §8.1).
 * Each returns the function that removes what it registered.
 */
import type { AdnlPeer, Registrar } from '../adnl/index.ts';
import { HTTP_GET_CAPABILITIES_ID, answerCapabilitiesQuery } from './capabilities.ts';
import { HTTP_GET_NEXT_PAYLOAD_PART_ID, HTTP_REQUEST_ID } from './codec.ts';
import { HttpError } from './errors.ts';
import type { IncomingQueryContext } from './transport.ts';

/** An RLDP query handler (RldpNode.queryRoutes). */
export type HttpQueryHandler = (
  peer: AdnlPeer,
  data: Uint8Array,
  ctx: IncomingQueryContext,
) => Promise<Uint8Array>;
/** An ADNL query handler (AdnlNode.queryRoutes); null: no answer. */
export type AdnlQueryHandler = (peer: AdnlPeer, query: Uint8Array) => Promise<Uint8Array | null>;

/** What answers HTTP queries (HttpServer, HttpClient): null for a query that is not its own. */
interface HttpQueryServer {
  handleQuery(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> | null;
}

function register(queries: Registrar<HttpQueryHandler>, ids: number[], server: HttpQueryServer): () => void {
  return queries.register(
    ids.map((tlId) => ({ tlId })),
    (peer, data, ctx) =>
      server.handleQuery(peer, data, ctx) ?? Promise.reject(new HttpError('protocol', 'not an HTTP query')),
  );
}

/** A site: http.request and http.getNextPayloadPart (pulls of our response bodies) go to `server`. */
export function routeHttpServer(queries: Registrar<HttpQueryHandler>, server: HttpQueryServer): () => void {
  return register(queries, [HTTP_REQUEST_ID, HTTP_GET_NEXT_PAYLOAD_PART_ID], server);
}

/** A client: http.getNextPayloadPart (a site pulling our request body) goes to `client`. */
export function routeHttpClient(queries: Registrar<HttpQueryHandler>, client: HttpQueryServer): () => void {
  return register(queries, [HTTP_GET_NEXT_PAYLOAD_PART_ID], client);
}

/**
 * Answers http.proxy.getCapabilities with `ours`; `onAsked` learns each asker's capabilities before the answer
 * goes (a site pins the RLDP version of its own transfers to that peer). A malformed query gets no answer.
 */
export function routeCapabilities(
  queries: Registrar<AdnlQueryHandler>,
  ours: bigint,
  onAsked?: (peer: AdnlPeer, peerCapabilities: bigint) => void,
): () => void {
  return queries.register({ tlId: HTTP_GET_CAPABILITIES_ID }, async (peer, query) => {
    const served = answerCapabilitiesQuery(query, ours);
    if (!served) return null;
    onAsked?.(peer, served.peerCapabilities);
    return served.answer;
  });
}
