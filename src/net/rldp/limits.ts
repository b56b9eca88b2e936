/**
 * RLDP sizes (DIGEST §7.1, §7.5, §12) and the limits that bound what a peer can make us hold.
 */

/**
 * We cut transfers into parts of this many bytes; each part is one RaptorQ block (C++ OutboundTransfer; the C++
 * rldp2 receiver drops parts of any other size, DIGEST §7.4). Other senders use other sizes (part-layout.ts).
 */
export const RLDP_PART_SIZE = 2_000_000;

/**
 * Largest part (fec.raptorQ data_size) we receive: tonutils-go's receiver bound (adnl/rldp/client.go
 * MaxFECDataSize = 2<<20), above C++'s 2,000,000 and tonutils-go v1.x's 1 MiB parts.
 */
export const RLDP_MAX_PART_SIZE = 2 << 20;

/** RaptorQ symbol size used by every TON implementation; the receiver refuses any other (DIGEST §7.3). */
export const RLDP_SYMBOL_SIZE = 768;

/** Largest symbol id (RaptorQ ESI) we accept on the wire: far above any honest sender's, below int32 overflow. */
export const RLDP_MAX_SEQNO = 0x00ffffff;

export type RldpVersion = 1 | 2;

export interface RldpLimits {
  /** Largest transfer accepted without a registered limit (unsolicited queries and messages). */
  maxIncomingTransfer: number;
  /** Absolute cap on any incoming transfer, including answers to our own queries. */
  maxTransferSize: number;
  /**
   * Unsolicited incoming transfers being received from one peer / from all peers. When all are taken, a peer holding
   * fewer takes the slot of the oldest transfer of the peer holding the most (fair-share.ts).
   */
  maxInboundPerPeer: number;
  maxInboundTotal: number;
  /** Parts of one incoming transfer decoded at the same time (C++ rldp2 allows 20). */
  maxInboundPartsPerTransfer: number;
  /**
   * Parts one incoming transfer may be cut into (bounds what a sender declaring tiny parts makes us track; honest
   * senders use 1 MiB or 2,000,000-byte parts: 64 for a 64 MiB transfer).
   */
  maxPartsPerTransfer: number;
  /** Bytes held by part decoders and transfer buffers over the whole node; new parts wait beyond it. */
  maxInboundBytes: number;
  /** An unsolicited incoming transfer not finished within this time is dropped (C++ rldp2: 10 s). */
  inboundTimeoutMs: number;
  /** Our queries awaiting an answer. */
  maxPendingQueries: number;
  /** Incoming queries being answered (onQuery promises) at once. */
  maxServingQueries: number;
  /** Upper bound on the deadline we give an answer transfer (C++: now + 60 s). */
  maxAnswerTimeoutMs: number;
  /** Finished incoming transfers remembered (to repeat `complete` to a sender that missed it) and for how long. */
  maxCompletedRemembered: number;
  completedRetentionMs: number;
}

export const DEFAULT_RLDP_LIMITS: RldpLimits = {
  maxIncomingTransfer: 64 * 1024,
  maxTransferSize: 64 * 1024 * 1024,
  maxInboundPerPeer: 16,
  maxInboundTotal: 256,
  maxInboundPartsPerTransfer: 8,
  maxPartsPerTransfer: 256,
  maxInboundBytes: 192 * 1024 * 1024,
  inboundTimeoutMs: 10_000,
  maxPendingQueries: 1024,
  maxServingQueries: 256,
  maxAnswerTimeoutMs: 60_000,
  maxCompletedRemembered: 4096,
  completedRetentionMs: 20_000,
};

/** Number of parts of a transfer of `totalSize` bytes cut into `partSize`-byte parts. */
export function partCount(totalSize: number, partSize = RLDP_PART_SIZE): number {
  return Math.ceil(totalSize / partSize);
}

/** Bytes in part `part` of a transfer of `totalSize` bytes (what fec.raptorQ data_size must say). */
export function partLength(totalSize: number, part: number, partSize = RLDP_PART_SIZE): number {
  return Math.min(partSize, totalSize - part * partSize);
}

/** RaptorQ source symbols of a part of `dataSize` bytes (fec.raptorQ symbols_count). */
export function symbolsCount(dataSize: number): number {
  return Math.ceil(dataSize / RLDP_SYMBOL_SIZE);
}
