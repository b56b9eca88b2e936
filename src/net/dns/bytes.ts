/** Byte helpers for the DNS layer (hex for ids in messages/JSON; uint256 <-> bytes; @ton/core boundary). */
import { Buffer } from 'buffer';
import { DnsRecordParseError } from './errors.ts';

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/** Strict hex (even length, [0-9a-f] any case) -> bytes; `expectLength` in bytes when given. */
export function fromHex(hex: string, expectLength?: number): Uint8Array {
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new DnsRecordParseError(`not hex: ${hex.slice(0, 80)}`);
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
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
