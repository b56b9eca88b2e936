/**
 * RLDP v1 and v2 (DIGEST §7): reliable large transfers over ADNL custom messages — RaptorQ-coded parts,
 * confirms and completes, paced sending, bounded receiving — and queries/answers on top. The layer's entry point.
 */
export { queryFailureKind, RldpError, type QueryFailureKind, type RldpErrorKind } from './errors.ts';
export {
  RldpNode,
  type RldpNodeOptions,
  type RldpNodeStats,
  type RldpQueryContext,
  type RldpQueryHandler,
  type RldpQueryOptions,
  type RldpAdnlTransport,
} from './node.ts';
export type { RldpPeerStats } from './connection.ts';
export {
  DEFAULT_RLDP_LIMITS,
  RLDP_MAX_PART_SIZE,
  RLDP_MAX_SEQNO,
  RLDP_PART_SIZE,
  RLDP_SYMBOL_SIZE,
  partCount,
  partLength,
  symbolsCount,
  type RldpLimits,
  type RldpVersion,
} from './limits.ts';
export {
  decodeRldpWire,
  encodeComplete,
  encodeConfirm,
  isRldpWireId,
  messagePartSize,
  writeMessagePart,
  type FecKind,
  type PartHeader,
  type RldpCompleteMessage,
  type RldpConfirmMessage,
  type RldpPartMessage,
  type RldpWireMessage,
} from './codec.ts';
export {
  answerOverhead,
  decodeRldpPayload,
  encodeRldpAnswer,
  encodeRldpMessage,
  encodeRldpQuery,
  type RldpPayload,
} from './message.ts';
export { checkPartDeclaration, checkPinnedPart, decidePartSize, type PartRules } from './part-layout.ts';
export { PacingController, type PacingSnapshot } from './congestion.ts';
