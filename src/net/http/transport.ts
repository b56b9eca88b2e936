/**
 * What HTTP needs from the layers below: RLDP queries (src/net/rldp RldpNode has exactly this shape) and plain
 * ADNL queries for capabilities (src/net/adnl AdnlNode). Interfaces rather than classes so tests can put an
 * in-memory double underneath and the gateway can share one node between HTTP and other users.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import {
  queryFailureKind,
  type RldpQueryContext,
  type RldpQueryOptions as RldpNodeQueryOptions,
} from '../rldp/index.ts';
import { HttpError } from './errors.ts';

/** Options of an RLDP query (src/net/rldp). */
export type RldpQueryOptions = Pick<RldpNodeQueryOptions, 'maxAnswerSize' | 'timeoutMs' | 'version'>;

/** Context of an incoming RLDP query (RldpNode.onQuery): the asker's max_answer_size, deadline and version. */
export type IncomingQueryContext = RldpQueryContext;

export interface HttpRldpTransport {
  query(peer: AdnlPeer, data: Uint8Array, opts: RldpQueryOptions): Promise<Uint8Array>;
}

export interface AdnlQuerier {
  query(
    peer: AdnlPeer,
    query: Uint8Array,
    timeoutMs: number,
    options?: { attempts?: number },
  ): Promise<Uint8Array>;
}

/** Hex of an id, for map keys. */
export { hexOf } from '../bytes.ts';

/** Maps a failure of the RLDP/ADNL query below to an HttpError ('timeout' when the layer says so). */
export function transportFailure(error: unknown, what: string): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = queryFailureKind(error);
  return new HttpError(kind === 'other' ? 'transport' : kind, `${what}: ${message}`, { cause: error });
}

/** Lets a housekeeping timer not keep a Node process alive (no-op in browsers, where timers are numbers). */
export function unrefTimer(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
