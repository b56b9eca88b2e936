/**
 * RaptorQ (RFC 6330) with TON's conventions (DIGEST §7, ../shared/spec/raptorq/TON-RAPTORQ-PARAMS.md): systematic
 * code, 768-byte symbols in RLDP, symbol id < K = source chunk, id >= K = repair symbol ISI id + K' - K.
 */
export { RaptorQError } from './errors.ts';
export { RaptorQEncoder } from './encoder.ts';
export { RaptorQDecoder, DEFAULT_MAX_DATA_SIZE } from './decoder.ts';
export { MAX_SYMBOL_SIZE } from './layout.ts';
export { MAX_SOURCE_SYMBOLS, paramsForK, type RaptorQParams } from './params.ts';
