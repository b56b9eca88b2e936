/** Liteserver client (DIGEST §3): lite_api queries over ADNL-TCP, VM stacks, global-config servers, the pool. */
export { LiteError, LiteErrorCode, LiteServerError, type LiteErrorKind } from './errors.ts';
export {
  LiteClient,
  MASTERCHAIN_SHARD,
  blockIdExt,
  sameBlockId,
  type AccountStateResult,
  type BlockHeader,
  type BlockId,
  type BlockIdExt,
  type ConfigInfo,
  type LiteCallOptions,
  type LiteTransport,
  type LiteVersion,
  type MasterchainInfo,
  type MasterchainInfoExt,
  type RunMethodOptions,
  type RunMethodResult,
  type ZeroStateIdExt,
} from './client.ts';
export { parseAccountState, toLiteAccountId, type AccountRef, type LiteAccountId } from './account.ts';
export { cellFromBoc, cellToBoc, cellsFromBoc } from './boc.ts';
export { configParamsFromProof } from './config-proof.ts';
export {
  MAX_BOC_BYTES,
  MAX_CONFIG_LITESERVERS,
  MAX_SEQNO_HISTORY,
  MAX_VM_STACK_DEPTH,
  MAX_VM_STACK_VALUES,
  MAX_VM_TUPLE_NESTING,
} from './limits.ts';
export { bridgeConnectors } from './connectors.ts';
export {
  int32ToIpv4,
  ipv4ToInt32,
  liteServerConfigEntry,
  liteServersFromConfig,
  type LiteServerEntry,
} from './global-config.ts';
export { getMethodId } from './method-id.ts';
export {
  decodeLiteAnswer,
  encodeLiteError,
  encodeLiteQuery,
  parseLiteQuery,
  type ParsedLiteQuery,
  type WaitMasterchainSeqno,
} from './query.ts';
export { createLiteQueryHandler, type LiteRequestHandler } from './server.ts';
export {
  decodeVmStack,
  decodeVmStackBoc,
  encodeVmStack,
  encodeVmStackBoc,
  type VmStackValue,
} from './vm-stack.ts';
export {
  LitePool,
  isRetryable,
  type LitePoolOptions,
  type LiteServerState,
  type LiteServerStatus,
  type PoolAnswer,
  type RunOptions,
} from './pool.ts';
// Proof checking (src/net/lite/proof): Merkle proofs, block headers, account and config state proofs.
export * from './proof/index.ts';
