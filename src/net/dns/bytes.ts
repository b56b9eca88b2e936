/** Byte helpers for the DNS layer (hex for ids in messages/JSON; uint256 <-> bytes; @ton/core boundary). */
import { Buffer } from 'buffer';
import { bytesFromHex } from '../bytes.ts';
import { DnsRecordParseError } from './errors.ts';

export { hexOf as toHex } from '../bytes.ts';

/** Strict hex (even length, [0-9a-f] any case) -> bytes; `expectLength` in bytes when given. */
export function fromHex(hex: string, expectLength?: number): Uint8Array {
  const out = bytesFromHex(hex);
  if (!out) throw new DnsRecordParseError(`not hex: ${hex.slice(0, 80)}`);
  if (expectLength !== undefined && out.length !== expectLength) {
    throw new DnsRecordParseError(`expected ${expectLength} bytes of hex, got ${out.length}`);
  }
  return out;
}

/** Big-endian uint256 of 32 bytes. */
export function uint256FromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

export function uint256ToBytes(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** @ton/core takes and gives Node Buffers: the only place the DNS layer touches Buffer. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A plain Uint8Array copy of what @ton/core returned (a Buffer). */
export function fromBuffer(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer);
}
