/**
 * Every TON Storage failure is a StorageError with a kind: a caller (the gateway, the CLI) can tell a malformed
 * bag ('parse'), a peer that lied ('verify'), no usable seeder ('no-peers') and a slow one ('timeout') apart.
 */
export type StorageErrorKind =
  | 'parse' // bytes that are not a valid TorrentInfo / header / proof / TL answer
  | 'verify' // well-formed but wrong: hash mismatch, bad proof, bag id mismatch
  | 'limit' // a size or count above what we accept
  | 'no-peers' // no seeder found or none could serve
  | 'timeout' // a peer did not answer in time
  | 'not-found' // no such file in the bag
  | 'aborted' // the caller gave up
  | 'closed' // the client or server was closed
  | 'protocol'; // a peer broke the session protocol (unexpected query, wrong session)

export class StorageError extends Error {
  override name = 'StorageError';
  readonly kind: StorageErrorKind;

  constructor(kind: StorageErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}
