/** Per-client limits of the bridge. A "client" is one WebSocket connection, except `maxStreamsPerClient`. */
export interface BridgeLimits {
  /** Concurrent WebSocket streams (TCP relays, later UDP relays) from one remote IP address. */
  maxStreamsPerClient: number;
  /** Concurrent streams over all clients (bounds file descriptors and memory). */
  maxStreamsTotal: number;
  /** Client→bridge bytes per second of one stream, averaged by a token bucket; exceeding it closes (4429). */
  maxBytesPerSecond: number;
  /** Token bucket capacity: how many bytes a stream may send in one burst. */
  burstBytes: number;
  /** Largest WebSocket message accepted from a client; larger ones close the stream (1009, RFC 6455). */
  maxFrameBytes: number;
  /** No bytes in either direction for this long → close (4408). */
  idleTimeoutMs: number;
  /** Upstream TCP connect must finish within this time, else close (4502). */
  connectTimeoutMs: number;
  /** Client bytes buffered while the upstream connect is still under way. */
  maxPendingBytes: number;
  /** Bridge→client bytes queued in the WebSocket before we stop reading from upstream (backpressure). */
  downstreamHighWaterBytes: number;
  /**
   * Bridge→client bytes all streams together may queue (slow readers): each stream's high water shrinks to its
   * share of this (never below 64 KiB), so memory stays bounded whatever the number of streams.
   */
  downstreamTotalBytes: number;
  /**
   * A client at its stream cap opening another reclaims its stream longest without traffic both ways (or one
   * flooding), if that was quiet for at least this long; otherwise the new stream is refused (4503).
   */
  reclaimAfterMs: number;
  /** A datagram stream offering over twice its byte budget for this many seconds in a row is closed (4429). */
  floodCloseSeconds: number;
}

export const DEFAULT_BRIDGE_LIMITS: BridgeLimits = {
  maxStreamsPerClient: 32,
  maxStreamsTotal: 1024,
  maxBytesPerSecond: 512 * 1024,
  burstBytes: 2 * 1024 * 1024,
  maxFrameBytes: 1024 * 1024,
  idleTimeoutMs: 120_000,
  connectTimeoutMs: 5_000,
  maxPendingBytes: 64 * 1024,
  downstreamHighWaterBytes: 4 * 1024 * 1024,
  downstreamTotalBytes: 128 * 1024 * 1024,
  reclaimAfterMs: 10_000,
  floodCloseSeconds: 3,
};

export class BridgeConfigError extends Error {
  override name = 'BridgeConfigError';
}

/** Merges overrides into the defaults and checks every value is a positive integer. */
export function resolveLimits(overrides: Partial<BridgeLimits> = {}): BridgeLimits {
  const limits = { ...DEFAULT_BRIDGE_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) throw new BridgeConfigError(`limit ${name} must be > 0`);
  }
  if (limits.burstBytes < limits.maxFrameBytes) {
    // A single maximal frame must fit in a burst, else legitimate big frames would always be refused.
    limits.burstBytes = limits.maxFrameBytes;
  }
  return limits;
}
