/**
 * Typed failures of the DHT layer. Everything that comes from the wire and is wrong ends in one of these
 * (never in a TypeError or an unbounded allocation).
 */

/** Base class of every DHT failure. */
export class DhtError extends Error {
  override name = 'DhtError';
}

/** Bytes or objects that do not have the expected shape (bad TL, too many nodes, oversized value, ...). */
export class DhtParseError extends DhtError {
  override name = 'DhtParseError';
}

/** A well-formed object that fails a check: signature, key id, key description, update rule, TTL, network id. */
export class DhtVerifyError extends DhtError {
  override name = 'DhtVerifyError';
}

/** An iterative lookup ran out of nodes without finding a valid value. */
export class DhtNotFoundError extends DhtError {
  override name = 'DhtNotFoundError';
}

/** A single DHT query did not get an answer in time. */
export class DhtTimeoutError extends DhtError {
  override name = 'DhtTimeoutError';
}
