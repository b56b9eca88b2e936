/**
 * Wire codec of the RLDP part messages carried in adnl.message.custom (DIGEST §7.2–7.3; ton_api.tl 151–157):
 *   rldp.messagePart / rldp2.messagePart transfer_id:int256 fec_type:fec.Type part:int total_size:long seqno:int data:bytes
 *   rldp.confirm transfer_id:int256 part:int seqno:int
 *   rldp2.confirm transfer_id:int256 part:int max_seqno:int received_mask:int received_count:int
 *   rldp.complete / rldp2.complete transfer_id:int256 part:int
 * These run once per symbol (tens of thousands per second), so they are written out by hand: decoding returns views
 * into the input (no copies), encoding writes into a caller's buffer. Constructor ids come from the schema (tlId);
 * tests check both directions against the generic TL codec and tonutils-go's bytes.
 */
import { tlId } from '../tl/index.ts';
import { RldpError } from './errors.ts';
import type { RldpVersion } from './limits.ts';

export const ID_PART_V1 = tlId('rldp.messagePart');
export const ID_CONFIRM_V1 = tlId('rldp.confirm');
export const ID_COMPLETE_V1 = tlId('rldp.complete');
export const ID_PART_V2 = tlId('rldp2.messagePart');
export const ID_CONFIRM_V2 = tlId('rldp2.confirm');
export const ID_COMPLETE_V2 = tlId('rldp2.complete');
export const ID_FEC_RAPTORQ = tlId('fec.raptorQ');
const ID_FEC_ROUND_ROBIN = tlId('fec.roundRobin');
const ID_FEC_ONLINE = tlId('fec.online');

export type FecKind = 'raptorQ' | 'roundRobin' | 'online';

export interface RldpPartMessage {
  kind: 'part';
  version: RldpVersion;
  /** View of the 32-byte transfer id inside the input. */
  transferId: Uint8Array;
  fec: FecKind;
  dataSize: number;
  symbolSize: number;
  symbolsCount: number;
  part: number;
  /** total_size as a number (exact up to 2^53; larger or negative values are refused by the caller's limits). */
  totalSize: number;
  seqno: number;
  /** View of the symbol bytes inside the input. */
  data: Uint8Array;
}

export interface RldpConfirmMessage {
  kind: 'confirm';
  version: RldpVersion;
  transferId: Uint8Array;
  part: number;
  /** v1: highest seqno received. v2: highest seqno received + 1 (max_seqno). */
  seqno: number;
  /** v2 only (0 for v1): bit i = symbol seqno-1-i received; distinct symbols received for the part. */
  receivedMask: number;
  receivedCount: number;
}

export interface RldpCompleteMessage {
  kind: 'complete';
  version: RldpVersion;
  transferId: Uint8Array;
  part: number;
}

export type RldpWireMessage = RldpPartMessage | RldpConfirmMessage | RldpCompleteMessage;

function malformed(what: string): never {
  throw new RldpError('malformed', `malformed RLDP message: ${what}`);
}

function i32(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
}

function u32(b: Uint8Array, o: number): number {
  return i32(b, o) >>> 0;
}

function fecKind(id: number): FecKind | null {
  if (id === ID_FEC_RAPTORQ) return 'raptorQ';
  if (id === ID_FEC_ROUND_ROBIN) return 'roundRobin';
  if (id === ID_FEC_ONLINE) return 'online';
  return null;
}

/** The constructor id at the start of `bytes`, or -1 if there are fewer than 4 bytes. */
export function peekId(bytes: Uint8Array): number {
  return bytes.length < 4 ? -1 : u32(bytes, 0);
}

/** The RLDP version of a part-level constructor id (call only when isRldpWireId(id)). */
export function wireVersion(id: number): RldpVersion {
  return id === ID_PART_V2 || id === ID_CONFIRM_V2 || id === ID_COMPLETE_V2 ? 2 : 1;
}

/** True if `id` is one of the six RLDP part-level constructors (v1 or v2). */
export function isRldpWireId(id: number): boolean {
  return (
    id === ID_PART_V2 ||
    id === ID_CONFIRM_V2 ||
    id === ID_COMPLETE_V2 ||
    id === ID_PART_V1 ||
    id === ID_CONFIRM_V1 ||
    id === ID_COMPLETE_V1
  );
}

/**
 * Decodes one boxed rldp(2).MessagePart. Returns null when the constructor is not an RLDP one (someone else's
 * custom message); throws RldpError('malformed') when it is but the body is not exactly a well-formed object.
 */
export function decodeRldpWire(bytes: Uint8Array): RldpWireMessage | null {
  const id = peekId(bytes);
  const n = bytes.length;
  switch (id) {
    case ID_PART_V1:
    case ID_PART_V2: {
      // id 4, transfer_id 32, fec id 4 + 3 ints, part 4, total_size 8, seqno 4, bytes >= 4 (padded)
      if (n < 72) malformed('messagePart too short');
      const fec = fecKind(u32(bytes, 36));
      if (fec === null) malformed('unknown fec.Type');
      let len = bytes[68];
      let header = 1;
      if (len === 254) {
        len = bytes[69] | (bytes[70] << 8) | (bytes[71] << 16);
        header = 4;
      } else if (len === 255) malformed('bytes length prefix 0xff');
      const total = (header + len + 3) & ~3;
      if (68 + total !== n) malformed('messagePart length does not match its data');
      const high = i32(bytes, 60);
      return {
        kind: 'part',
        version: id === ID_PART_V2 ? 2 : 1,
        transferId: bytes.subarray(4, 36),
        fec,
        dataSize: i32(bytes, 40),
        symbolSize: i32(bytes, 44),
        symbolsCount: i32(bytes, 48),
        part: i32(bytes, 52),
        totalSize: high * 4294967296 + u32(bytes, 56),
        seqno: i32(bytes, 64),
        data: bytes.subarray(68 + header, 68 + header + len),
      };
    }
    case ID_CONFIRM_V2:
      if (n !== 52) malformed('rldp2.confirm must be 52 bytes');
      return {
        kind: 'confirm',
        version: 2,
        transferId: bytes.subarray(4, 36),
        part: i32(bytes, 36),
        seqno: i32(bytes, 40),
        receivedMask: i32(bytes, 44),
        receivedCount: i32(bytes, 48),
      };
    case ID_CONFIRM_V1:
      if (n !== 44) malformed('rldp.confirm must be 44 bytes');
      return {
        kind: 'confirm',
        version: 1,
        transferId: bytes.subarray(4, 36),
        part: i32(bytes, 36),
        seqno: i32(bytes, 40),
        receivedMask: 0,
        receivedCount: 0,
      };
    case ID_COMPLETE_V1:
    case ID_COMPLETE_V2:
      if (n !== 40) malformed('complete must be 40 bytes');
      return {
        kind: 'complete',
        version: id === ID_COMPLETE_V2 ? 2 : 1,
        transferId: bytes.subarray(4, 36),
        part: i32(bytes, 36),
      };
    default:
      return null;
  }
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v;
  b[o + 1] = v >>> 8;
  b[o + 2] = v >>> 16;
  b[o + 3] = v >>> 24;
}

/** Fixed bytes of a messagePart before its data field. */
const PART_HEADER = 68;

/** Size of the TL `bytes` field holding `len` bytes (prefix + data + padding). */
function bytesFieldSize(len: number): number {
  return ((len < 254 ? 1 : 4) + len + 3) & ~3;
}

/** Encoded size of a messagePart carrying a `symbolSize`-byte symbol. */
export function messagePartSize(symbolSize: number): number {
  return PART_HEADER + bytesFieldSize(symbolSize);
}

export interface PartHeader {
  version: RldpVersion;
  transferId: Uint8Array;
  part: number;
  totalSize: number;
  dataSize: number;
  symbolSize: number;
  symbolsCount: number;
}

/**
 * Writes a raptorQ messagePart for `seqno` at out[offset..offset + messagePartSize) with the data field's length
 * prefix and padding, and returns where the symbolSize data bytes go (the caller writes the symbol there).
 */
export function writeMessagePart(out: Uint8Array, offset: number, h: PartHeader, seqno: number): number {
  put32(out, offset, h.version === 2 ? ID_PART_V2 : ID_PART_V1);
  out.set(h.transferId, offset + 4);
  put32(out, offset + 36, ID_FEC_RAPTORQ);
  put32(out, offset + 40, h.dataSize);
  put32(out, offset + 44, h.symbolSize);
  put32(out, offset + 48, h.symbolsCount);
  put32(out, offset + 52, h.part);
  put32(out, offset + 56, h.totalSize % 4294967296);
  put32(out, offset + 60, Math.floor(h.totalSize / 4294967296));
  put32(out, offset + 64, seqno);
  const len = h.symbolSize;
  let at = offset + PART_HEADER;
  if (len < 254) {
    out[at++] = len;
  } else {
    out[at] = 254;
    out[at + 1] = len;
    out[at + 2] = len >>> 8;
    out[at + 3] = len >>> 16;
    at += 4;
  }
  // Zero the padding (the buffer may be reused).
  out.fill(0, at + len, offset + PART_HEADER + bytesFieldSize(len));
  return at;
}

/** rldp.confirm (v1: seqno = highest received) or rldp2.confirm (seqno = max_seqno = highest received + 1). */
export function encodeConfirm(
  version: RldpVersion,
  transferId: Uint8Array,
  part: number,
  seqno: number,
  receivedMask = 0,
  receivedCount = 0,
): Uint8Array {
  const out = new Uint8Array(version === 2 ? 52 : 44);
  put32(out, 0, version === 2 ? ID_CONFIRM_V2 : ID_CONFIRM_V1);
  out.set(transferId, 4);
  put32(out, 36, part);
  put32(out, 40, seqno);
  if (version === 2) {
    put32(out, 44, receivedMask);
    put32(out, 48, receivedCount);
  }
  return out;
}

export function encodeComplete(version: RldpVersion, transferId: Uint8Array, part: number): Uint8Array {
  const out = new Uint8Array(40);
  put32(out, 0, version === 2 ? ID_COMPLETE_V2 : ID_COMPLETE_V1);
  out.set(transferId, 4);
  put32(out, 36, part);
  return out;
}
