/**
 * adnl.packetContents (DIGEST §4.2; ton_api.tl): encode, decode, sign and verify.
 *
 *   rand1:bytes flags:# from:flags.0?PublicKey from_short:flags.1?adnl.id.short message:flags.2?adnl.Message
 *   messages:flags.3?(vector adnl.Message) address:flags.4?adnl.addressList priority_address:flags.5?adnl.addressList
 *   seqno:flags.6?long confirm_seqno:flags.7?long recv_addr_list_version:flags.8?int
 *   recv_priority_addr_list_version:flags.9?int reinit_date:flags.10?int dst_reinit_date:flags.10?int
 *   signature:flags.11?bytes rand2:bytes
 *
 * The flags word is always derived from which fields are present (so it cannot disagree with them). The signature
 * (Ed25519 by the `from` key) covers the same boxed serialization with bit 11 cleared and no signature field —
 * every other field, rand1 and rand2 included, identical (C++ AdnlPacket::to_sign re-serializes the same way).
 */
import { nobleAsymmetric, type AsymmetricPrimitives } from '../../crypto/index.ts';
import { TlError, tlDecode, tlEncode, type TlConstructors, type TlTypes } from '../../tl/index.ts';
import { AdnlError } from '../errors.ts';
import { ADNL_PACKET_FLAG_MASK, PacketFlag } from './limits.ts';

export type AdnlPacketContents = TlConstructors['adnl.packetContents'];
export type AdnlMessage = TlTypes['adnl.Message'];

/** A packet without its flags word (computed on encode). */
export type AdnlPacketFields = Omit<AdnlPacketContents, 'flags' | '_'> & {
  flags?: number;
  _?: 'adnl.packetContents';
};

/** The flags word implied by the fields present. */
export function packetFlags(p: AdnlPacketFields): number {
  let f = 0;
  if (p.from !== undefined) f |= PacketFlag.FROM;
  if (p.from_short !== undefined) f |= PacketFlag.FROM_SHORT;
  if (p.message !== undefined) f |= PacketFlag.MESSAGE;
  if (p.messages !== undefined) f |= PacketFlag.MESSAGES;
  if (p.address !== undefined) f |= PacketFlag.ADDRESS;
  if (p.priority_address !== undefined) f |= PacketFlag.PRIORITY_ADDRESS;
  if (p.seqno !== undefined) f |= PacketFlag.SEQNO;
  if (p.confirm_seqno !== undefined) f |= PacketFlag.CONFIRM_SEQNO;
  if (p.recv_addr_list_version !== undefined) f |= PacketFlag.RECV_ADDR_LIST_VERSION;
  if (p.recv_priority_addr_list_version !== undefined) f |= PacketFlag.RECV_PRIORITY_ADDR_LIST_VERSION;
  if (p.reinit_date !== undefined || p.dst_reinit_date !== undefined) f |= PacketFlag.REINIT_DATE;
  if (p.signature !== undefined) f |= PacketFlag.SIGNATURE;
  return f;
}

function withFlags(p: AdnlPacketFields): AdnlPacketContents {
  return { ...p, _: 'adnl.packetContents', flags: packetFlags(p) } as AdnlPacketContents;
}

/** Boxed bytes of a packet. AdnlError('protocol') if a field does not fit its TL type. */
export function encodePacket(p: AdnlPacketFields): Uint8Array {
  if (p.message !== undefined && p.messages !== undefined) {
    throw new AdnlError('protocol', 'packet has both message and messages');
  }
  if ((p.reinit_date === undefined) !== (p.dst_reinit_date === undefined)) {
    throw new AdnlError('protocol', 'reinit_date and dst_reinit_date go together (flag bit 10)');
  }
  try {
    return tlEncode(withFlags(p));
  } catch (error) {
    if (error instanceof TlError)
      throw new AdnlError('protocol', `packet encode: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Parses boxed packet bytes. AdnlError('protocol') on malformed TL, unknown flag bits, both message and messages,
 * or a `from` key that is not pub.ed25519 (the only ADNL identity key type).
 */
export function decodePacket(bytes: Uint8Array): AdnlPacketContents {
  let p: AdnlPacketContents;
  try {
    p = tlDecode('adnl.packetContents', bytes);
  } catch (error) {
    if (error instanceof TlError)
      throw new AdnlError('protocol', `packet: ${error.message}`, { cause: error });
    throw error;
  }
  if ((p.flags & ~ADNL_PACKET_FLAG_MASK) !== 0) {
    throw new AdnlError('protocol', `packet: unknown flag bits 0x${(p.flags >>> 0).toString(16)}`);
  }
  if (p.message !== undefined && p.messages !== undefined) {
    throw new AdnlError('protocol', 'packet: both message and messages');
  }
  if (p.from !== undefined && p.from._ !== 'pub.ed25519') {
    throw new AdnlError('protocol', `packet: unsupported sender key ${p.from._}`);
  }
  return p;
}

const PACKET_CONTENTS_ID = 0xd142cd89; // adnl.packetContents (TL-IDS.md)
const MESSAGE_CUSTOM_ID = 0x204818f5; // adnl.message.custom data:bytes (TL-IDS.md)
const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 64n) - 1n;

/** Encoded size of a TL `bytes` field of `n` bytes (DIGEST §0): 1- or 4-byte length, padded to 4. */
function tlBytesSize(n: number): number {
  return ((n < 254 ? 1 : 4) + n + 3) & ~3;
}

function putTlBytes(out: Uint8Array, at: number, b: Uint8Array): number {
  const n = b.length;
  let p = at;
  if (n < 254) out[p++] = n;
  else {
    out[p] = 254;
    out[p + 1] = n & 0xff;
    out[p + 2] = (n >>> 8) & 0xff;
    out[p + 3] = (n >>> 16) & 0xff;
    p += 4;
  }
  out.set(b, p);
  return at + tlBytesSize(n); // padding bytes are already zero in a fresh buffer
}

/** Little-endian u32 at `at`. */
function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = v >>> 24;
}

/** Little-endian two's-complement 64-bit `v` (already range-checked) at `at`. */
function putLong(out: Uint8Array, at: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  putU32(out, at, Number(u & 0xffffffffn));
  putU32(out, at + 4, Number(u >> 32n));
}

/**
 * The common channel packet without the generic codec: rand1, flags, message (one) or messages (vector), seqno,
 * confirm_seqno, rand2 — `messages` already boxed (tlEncode of each adnl.Message). Byte-identical to encodePacket
 * of the same fields (tests/unit/adnl-udp/packet-fast.test.ts proves it with fast-check); it saves re-encoding
 * every message the sender already encoded to size it. The packet starts at `headroom` in the returned buffer
 * (zeros before it: room for the channel datagram header, so the datagram is sealed in place).
 * AdnlError('protocol') on an out-of-range field.
 */
export function encodeChannelPacket(
  rand1: Uint8Array,
  rand2: Uint8Array,
  seqno: bigint,
  confirmSeqno: bigint,
  messages: readonly Uint8Array[],
  headroom = 0,
): Uint8Array {
  if (messages.length === 0) throw new AdnlError('protocol', 'channel packet without messages');
  if (seqno < LONG_MIN || seqno > LONG_MAX || confirmSeqno < LONG_MIN || confirmSeqno > LONG_MAX) {
    throw new AdnlError('protocol', 'packet encode: seqno out of 64-bit range');
  }
  if (rand1.length >= 1 << 24 || rand2.length >= 1 << 24)
    throw new AdnlError('protocol', 'packet encode: rand');
  if (!Number.isSafeInteger(headroom) || headroom < 0) throw new RangeError('bad headroom');
  const single = messages.length === 1;
  let size = 4 + tlBytesSize(rand1.length) + 4 + (single ? 0 : 4) + 16 + tlBytesSize(rand2.length);
  for (const m of messages) size += m.length;
  const out = new Uint8Array(headroom + size);
  putU32(out, headroom, PACKET_CONTENTS_ID);
  let at = putTlBytes(out, headroom + 4, rand1);
  const flags =
    (single ? PacketFlag.MESSAGE : PacketFlag.MESSAGES) | PacketFlag.SEQNO | PacketFlag.CONFIRM_SEQNO;
  putU32(out, at, flags);
  at += 4;
  if (!single) {
    putU32(out, at, messages.length);
    at += 4;
  }
  for (const m of messages) {
    out.set(m, at);
    at += m.length;
  }
  putLong(out, at, seqno);
  putLong(out, at + 8, confirmSeqno);
  putTlBytes(out, at + 16, rand2);
  return out;
}

/**
 * Boxed `adnl.message.custom data:bytes` made directly (every RLDP symbol is one): the bytes, and the message
 * whose `data` is a view into them (equal to tlEncode of it; tests/unit/adnl-udp/packet-fast.test.ts).
 */
export function encodeCustomMessage(data: Uint8Array): {
  message: TlConstructors['adnl.message.custom'];
  encoded: Uint8Array;
} {
  if (data.length >= 1 << 24) throw new AdnlError('protocol', 'custom message too large');
  const encoded = new Uint8Array(4 + tlBytesSize(data.length));
  putU32(encoded, 0, MESSAGE_CUSTOM_ID);
  putTlBytes(encoded, 4, data);
  const at = 4 + (data.length < 254 ? 1 : 4);
  return { message: { _: 'adnl.message.custom', data: encoded.subarray(at, at + data.length) }, encoded };
}

/** Data start and end of the TL bytes field at `at` and where the field ends; null if it does not fit. */
function tlBytesAt(b: Uint8Array, at: number): { start: number; end: number; next: number } | null {
  if (at >= b.length) return null;
  let len = b[at];
  let header = 1;
  if (len === 254) {
    if (at + 4 > b.length) return null;
    len = b[at + 1] | (b[at + 2] << 8) | (b[at + 3] << 16);
    header = 4;
  } else if (len === 255) return null;
  const next = at + ((header + len + 3) & ~3);
  if (next > b.length) return null;
  return { start: at + header, end: at + header + len, next };
}

function u32At(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

function longAt(b: Uint8Array, at: number): bigint {
  return BigInt.asIntN(64, (BigInt(u32At(b, at + 4)) << 32n) | BigInt(u32At(b, at)));
}

const CHANNEL_CUSTOM_FLAGS = PacketFlag.MESSAGE | PacketFlag.SEQNO | PacketFlag.CONFIRM_SEQNO;

/**
 * decodePacket for what nearly every channel datagram of a transfer is — rand1, one adnl.message.custom (an RLDP
 * symbol), seqno, confirm_seqno, rand2 — without the generic codec, the custom data (and rand1/rand2) being views
 * into `bytes` rather than copies. Anything else, malformed input included, goes through decodePacket: the same
 * fields and the same errors either way (tests/unit/adnl-udp/packet-fast.test.ts).
 */
export function decodeChannelPacket(bytes: Uint8Array): AdnlPacketContents {
  if (bytes.length < 4 || u32At(bytes, 0) !== PACKET_CONTENTS_ID) return decodePacket(bytes);
  const rand1 = tlBytesAt(bytes, 4);
  if (!rand1 || rand1.next + 8 > bytes.length) return decodePacket(bytes);
  const flags = u32At(bytes, rand1.next);
  if (flags !== CHANNEL_CUSTOM_FLAGS || u32At(bytes, rand1.next + 4) !== MESSAGE_CUSTOM_ID) {
    return decodePacket(bytes);
  }
  const data = tlBytesAt(bytes, rand1.next + 8);
  if (!data || data.next + 16 > bytes.length) return decodePacket(bytes);
  const rand2 = tlBytesAt(bytes, data.next + 16);
  if (!rand2 || rand2.next !== bytes.length) return decodePacket(bytes);
  return {
    _: 'adnl.packetContents',
    rand1: bytes.subarray(rand1.start, rand1.end),
    flags,
    message: { _: 'adnl.message.custom', data: bytes.subarray(data.start, data.end) },
    seqno: longAt(bytes, data.next),
    confirm_seqno: longAt(bytes, data.next + 8),
    rand2: bytes.subarray(rand2.start, rand2.end),
  } as AdnlPacketContents;
}

/** The messages of a packet in order (from `message` or `messages`). */
export function packetMessages(p: AdnlPacketContents): AdnlMessage[] {
  if (p.message !== undefined) return [p.message];
  return p.messages ?? [];
}

/** The bytes the signature covers: the packet without signature, flag bit 11 clear. */
export function packetSignedBytes(p: AdnlPacketFields): Uint8Array {
  const unsigned: AdnlPacketFields = { ...p };
  delete unsigned.signature;
  return encodePacket(unsigned);
}

/** The packet with its signature by `secretKey` (32-byte seed) added. */
export function signPacket(
  p: AdnlPacketFields,
  secretKey: Uint8Array,
  asymmetric: AsymmetricPrimitives = nobleAsymmetric,
): AdnlPacketFields {
  return { ...p, signature: asymmetric.sign(packetSignedBytes(p), secretKey) };
}

/** True iff the packet carries a valid signature by `publicKey`. */
export function verifyPacketSignature(
  p: AdnlPacketContents,
  publicKey: Uint8Array,
  asymmetric: AsymmetricPrimitives = nobleAsymmetric,
): boolean {
  if (p.signature === undefined || p.signature.length !== 64) return false;
  return asymmetric.verify(p.signature, packetSignedBytes(p), publicKey);
}

/** The sender's Ed25519 key from `from` (decodePacket only admits pub.ed25519), or undefined. */
export function packetSenderKey(p: AdnlPacketContents): Uint8Array | undefined {
  return p.from !== undefined && p.from._ === 'pub.ed25519' ? p.from.key : undefined;
}
