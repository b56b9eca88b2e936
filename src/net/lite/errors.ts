/** Failures of the lite layer: LiteServerError for a server's `liteServer.error`, LiteError for everything else. */
export type LiteErrorKind =
  | 'server' // liteServer.error from the server (LiteServerError)
  | 'bad-answer' // answer of the wrong constructor or malformed TL
  | 'bad-boc' // a BoC that does not parse (or is too big)
  | 'bad-stack' // a VM stack that does not parse / cannot be encoded
  | 'bad-query' // (server side) a query that does not parse
  | 'bad-argument' // caller passed something invalid
  | 'proof' // an answer that failed verification (ProofError, proof/errors.ts)
  | 'no-server'; // the pool has no usable liteserver

export class LiteError extends Error {
  override name = 'LiteError';
  readonly kind: LiteErrorKind;
  constructor(kind: LiteErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

/** Error codes used by C++ liteservers (ton common/errorcode.h). */
export const LiteErrorCode = {
  FAILURE: 601,
  ERROR: 602,
  WARNING: 603,
  PROTOVIOLATION: 621,
  /** e.g. block not (yet) known to this server. */
  NOT_READY: 651,
  /** e.g. waitMasterchainSeqno expired. */
  TIMEOUT: 652,
  CANCELLED: 653,
} as const;

/** `liteServer.error code:int message:string` returned by the server. */
export class LiteServerError extends LiteError {
  override name = 'LiteServerError';
  readonly code: number;
  /** The server's own message text. */
  readonly serverMessage: string;
  constructor(code: number, message: string) {
    super('server', `liteserver error ${code}: ${message}`);
    this.code = code;
    this.serverMessage = message;
  }
}
