/** Every failure of the HTTP-over-RLDP layer is an HttpError with a machine-readable kind. */
export type HttpErrorKind =
  | 'protocol' // bytes or objects from the peer that break DIGEST §8 (bad TL, wrong seqno, length mismatch)
  | 'limit' // a size or count above our limits (checked before allocating)
  | 'timeout' // the peer did not answer in time (RLDP query timeout)
  | 'transport' // the RLDP/ADNL layer below failed otherwise
  | 'aborted' // the caller aborted (AbortSignal, stream cancel)
  | 'closed' // the client/server was closed
  | 'request'; // a request we were asked to send is not valid HTTP

export class HttpError extends Error {
  override name = 'HttpError';
  readonly kind: HttpErrorKind;
  constructor(kind: HttpErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}
