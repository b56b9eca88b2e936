/**
 * The payload of a whole transfer: one boxed rldp.Message (DIGEST §7.1; ton_api.tl 159–161):
 *   rldp.message id:int256 data:bytes                                   — one-way
 *   rldp.query query_id:int256 max_answer_size:long timeout:int data:bytes — timeout is an absolute unix time
 *   rldp.answer query_id:int256 data:bytes                              — sent on the bit-inverted transfer id
 * Answers can be tens of megabytes, so decoding returns views into the transfer buffer and encoding allocates the
 * exact size once. A bytes field of 2^24 bytes or more uses the 0xff + 7-byte length form that C++ TON's TL
 * storer/parser use (tdutils tl_storers.h); shorter ones use the usual 1- or 4-byte prefix (DIGEST §0).
 */
import { tlId } from '../tl/index.ts';
import { RldpError } from './errors.ts';

const ID_MESSAGE = tlId('rldp.message');
const ID_QUERY = tlId('rldp.query');
const ID_ANSWER = tlId('rldp.answer');

export type RldpPayload =
  | { kind: 'message'; id: Uint8Array; data: Uint8Array }
  /** maxAnswerSize as a number (values above 2^53 are clamped to MAX_SAFE_INTEGER; negative ones kept). */
  | { kind: 'query'; queryId: Uint8Array; maxAnswerSize: number; timeout: number; data: Uint8Array }
  | { kind: 'answer'; queryId: Uint8Array; data: Uint8Array };

function malformed(what: string): never {
  throw new RldpError('malformed', `malformed rldp.Message: ${what}`);
}

function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

/** The TL bytes field at `at` that must end exactly at the end of `b`; returns a view of its data. */
function tailBytes(b: Uint8Array, at: number): Uint8Array {
  if (b.length - at < 4) malformed('bytes field truncated');
  let len = b[at];
  let header = 1;
  if (len === 254) {
    len = b[at + 1] | (b[at + 2] << 8) | (b[at + 3] << 16);
    header = 4;
  } else if (len === 255) {
    if (b.length - at < 8) malformed('bytes field truncated');
    if (b[at + 5] !== 0 || b[at + 6] !== 0 || b[at + 7] !== 0) malformed('bytes length above 2^32');
    len = (b[at + 1] | (b[at + 2] << 8) | (b[at + 3] << 16)) + b[at + 4] * 0x1000000;
    header = 8;
  }
  if (at + ((header + len + 3) & ~3) !== b.length) malformed('length does not match the transfer size');
  return b.subarray(at + header, at + header + len);
}

/** Decodes a whole transfer; RldpError('malformed') unless it is exactly one rldp.Message. */
export function decodeRldpPayload(bytes: Uint8Array): RldpPayload {
  if (bytes.length < 4) malformed('too short');
  const id = i32(bytes, 0) >>> 0;
  if (id === ID_ANSWER || id === ID_MESSAGE) {
    if (bytes.length < 40) malformed('too short');
    const key = bytes.subarray(4, 36);
    const data = tailBytes(bytes, 36);
    return id === ID_ANSWER ? { kind: 'answer', queryId: key, data } : { kind: 'message', id: key, data };
  }
  if (id === ID_QUERY) {
    if (bytes.length < 52) malformed('too short');
    const low = i32(bytes, 36) >>> 0;
    const high = i32(bytes, 40);
    const max = high * 4294967296 + low;
    return {
      kind: 'query',
      queryId: bytes.subarray(4, 36),
      maxAnswerSize: max > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : max,
      timeout: i32(bytes, 44),
      data: tailBytes(bytes, 48),
    };
  }
  malformed(`unknown constructor 0x${id.toString(16).padStart(8, '0')}`);
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

function prefixSize(len: number): number {
  return len < 254 ? 1 : len < 0x1000000 ? 4 : 8;
}

function withBytes(headerSize: number, data: Uint8Array): Uint8Array {
  const len = data.length;
  const prefix = prefixSize(len);
  const out = new Uint8Array(headerSize + ((prefix + len + 3) & ~3));
  const at = headerSize;
  if (prefix === 1) out[at] = len;
  else {
    out[at] = prefix === 4 ? 254 : 255;
    out[at + 1] = len;
    out[at + 2] = len >>> 8;
    out[at + 3] = len >>> 16;
    if (prefix === 8) out[at + 4] = len >>> 24;
  }
  out.set(data, at + prefix);
  return out;
}

export function encodeRldpQuery(
  queryId: Uint8Array,
  maxAnswerSize: number,
  timeout: number,
  data: Uint8Array,
): Uint8Array {
  const out = withBytes(48, data);
  put32(out, 0, ID_QUERY);
  out.set(queryId, 4);
  put32(out, 36, maxAnswerSize % 4294967296);
  put32(out, 40, Math.floor(maxAnswerSize / 4294967296));
  put32(out, 44, timeout);
  return out;
}

export function encodeRldpAnswer(queryId: Uint8Array, data: Uint8Array): Uint8Array {
  const out = withBytes(36, data);
  put32(out, 0, ID_ANSWER);
  out.set(queryId, 4);
  return out;
}

export function encodeRldpMessage(id: Uint8Array, data: Uint8Array): Uint8Array {
  const out = withBytes(36, data);
  put32(out, 0, ID_MESSAGE);
  out.set(id, 4);
  return out;
}

/** Bytes an rldp.answer adds around its data (id, query_id, length prefix, padding). */
export function answerOverhead(dataLength: number): number {
  return 36 + ((prefixSize(dataLength) + dataLength + 3) & ~3) - dataLength;
}
