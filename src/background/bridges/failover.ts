/**
 * When a request that failed may be sent again on another bridge. Only safe methods (GET, HEAD, OPTIONS: RFC 9110
 * §9.2.1) are retried: a POST may have reached the site before its bridge died, and must not be sent twice. And
 * only failures a dead bridge can cause: a bad URL, an invalid answer from the site, a DNS answer or an abort are
 * not retried.
 */
import { GatewayError, type GatewayStage } from '../../net/gateway/index.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Stages whose failure says nothing about the bridge. */
const NOT_THE_BRIDGE: ReadonlySet<GatewayStage> = new Set(['url', 'http', 'aborted']);

export function isSafeMethod(method: string | undefined): boolean {
  return SAFE_METHODS.has((method ?? 'GET').toUpperCase());
}

/** Whether `error` (of a gateway fetch of `method`) may come from the bridge and the request may be sent again. */
export function mayRetryOnAnotherBridge(method: string | undefined, error: unknown): boolean {
  if (!isSafeMethod(method)) return false;
  if (!(error instanceof GatewayError)) return true;
  if (NOT_THE_BRIDGE.has(error.stage)) return false;
  // A DNS failure with a code other than source_failure is an answer (not registered, expired, no record, a
  // resolver contract's failure...): the liteservers were reached, through the bridge (src/net/dns/errors.ts).
  if (error.stage === 'dns' && error.code !== undefined && error.code !== 'source_failure') return false;
  return true;
}
