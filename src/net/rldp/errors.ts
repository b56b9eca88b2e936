import type { AdnlErrorKind } from '../adnl/index.ts';

/** Every RLDP failure surfaces as an RldpError with a machine-readable kind. */
export type RldpErrorKind =
  | 'malformed' // bytes that are not a well-formed RLDP message (DIGEST §7.2–7.3)
  | 'refused' // well-formed but not acceptable: limits, wrong fec parameters, unknown transfer
  | 'too-large' // a query or answer above the size its peer or we allow
  | 'timeout' // no answer before the query's absolute deadline
  | 'overloaded' // too many queries or transfers in flight
  | 'closed'; // the RldpNode was closed by its owner

export class RldpError extends Error {
  override name = 'RldpError';
  readonly kind: RldpErrorKind;
  constructor(kind: RldpErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/**
 * What an RLDP or ADNL query failure means to the protocols above (HTTP, storage): the answer did not come in
 * time, the node was closed, or anything else. One entry per kind of both layers, so a new kind fails compilation
 * here until it is placed (never a regex on messages).
 */
const QUERY_FAILURE: Record<RldpErrorKind | AdnlErrorKind, QueryFailureKind> = {
  malformed: 'other',
  refused: 'other',
  'too-large': 'other',
  timeout: 'timeout',
  overloaded: 'other',
  closed: 'closed',
  'bad-frame-size': 'other',
  'bad-checksum': 'other',
  handshake: 'other',
  protocol: 'other',
  auth: 'other',
  'connection-lost': 'other',
};

export type QueryFailureKind = 'timeout' | 'closed' | 'other';

/** The kind of a failed RLDP/ADNL query: by its error's `kind` (RldpError, AdnlError or a look-alike). */
export function queryFailureKind(error: unknown): QueryFailureKind {
  const kind = (error as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && Object.hasOwn(QUERY_FAILURE, kind)
    ? QUERY_FAILURE[kind as RldpErrorKind | AdnlErrorKind]
    : 'other';
}
