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
