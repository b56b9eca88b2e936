/** src/net/http: HTTP over RLDP (DIGEST §8) — both ends, request/response heads, streamed payloads, capabilities. */
export { HttpError, type HttpErrorKind } from './errors.ts';
export * from './limits.ts';
export {
  HOP_BY_HOP_HEADERS,
  bodyFraming,
  checkHeaders,
  hasHeader,
  headerProblem,
  headerValue,
  headerValues,
  responseHasPayload,
  withoutHeaders,
  type BodyFraming,
  type HeaderList,
} from './headers.ts';
export {
  HTTP_GET_NEXT_PAYLOAD_PART_ID,
  HTTP_REQUEST_ID,
  boxedId,
  decodeGetNextPayloadPart,
  decodeHttpRequest,
  decodeHttpResponse,
  decodePayloadPart,
  encodeGetNextPayloadPart,
  encodeHttpRequest,
  encodeHttpResponse,
  encodePayloadPart,
  type GetNextPayloadPart,
  type HttpRequestHead,
  type HttpResponseHead,
  type PayloadPart,
} from './codec.ts';
export {
  HTTP_GET_CAPABILITIES_ID,
  answerCapabilitiesQuery,
  capabilitiesOf,
  decodeCapabilities,
  encodeCapabilities,
  encodeGetCapabilities,
  queryCapabilities,
  rldpVersionFor,
} from './capabilities.ts';
export { routeCapabilities, routeHttpClient, routeHttpServer } from './routes.ts';
export { ChunkReader, type BodySource, type ChunkReaderOptions } from './body.ts';
export { RequestBodies } from './request-body.ts';
export {
  HttpClient,
  type BodyEnd,
  type HttpClientOptions,
  type HttpRequestInit,
  type HttpResponse,
} from './client.ts';
export {
  HttpServer,
  requestHeader,
  type HttpHandler,
  type HttpServerOptions,
  type HttpServerRequest,
  type HttpServerResponse,
  type HttpServerStats,
} from './server.ts';
export { reasonPhrase } from './status.ts';
export { contentLengthWithoutPayload, relayableResponseHead } from './response-head.ts';
export {
  hexOf,
  transportFailure,
  type AdnlQuerier,
  type IncomingQueryContext,
  type RldpQueryOptions,
  type HttpRldpTransport,
} from './transport.ts';
