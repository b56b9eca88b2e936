/** A TL-B structure that does not parse, or a proof whose path runs into a pruned branch. */
export type TlbErrorKind =
  /** Bits or refs that do not form the type (a label longer than its bound, a fork without both refs, …). */
  | 'malformed'
  /** The path to what was asked runs through a pruned-branch cell: the proof does not cover it. */
  | 'pruned';

export class TlbError extends Error {
  readonly kind: TlbErrorKind;
  constructor(kind: TlbErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TlbError';
    this.kind = kind;
  }
}
