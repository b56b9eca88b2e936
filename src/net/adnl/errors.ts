/** Every ADNL failure surfaces as an AdnlError with a machine-readable kind. */
export type AdnlErrorKind =
  | 'bad-frame-size' // size field < 64 or above the limit (DIGEST §2.2)
  | 'bad-checksum' // sha256(nonce || payload) mismatch
  | 'handshake' // malformed/unknown-key handshake, or no empty ack frame
  | 'protocol' // a well-formed frame whose payload is not what the protocol allows
  | 'auth' // tcp.authentificate exchange refused or failed (DIGEST §2.1)
  | 'timeout' // query/ping/connect timeout
  | 'connection-lost' // the stream closed while the query was in flight
  | 'closed' // the client was closed by its owner
  | 'overloaded'; // too many queries in flight

export class AdnlError extends Error {
  override name = 'AdnlError';
  readonly kind: AdnlErrorKind;
  constructor(kind: AdnlErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}
