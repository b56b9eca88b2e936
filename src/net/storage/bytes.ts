/** Small byte helpers of the storage layer (hex for ids and map keys, never for payload bytes). */
import { bytesFromHex } from '../bytes.ts';

export { bytesEqual, concatBytes, hexOf } from '../bytes.ts';

/** 64 hex digits (either case) → 32 bytes, or null. */
export function bytes32FromHex(hex: string): Uint8Array | null {
  return bytesFromHex(hex, 32);
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** Strict UTF-8 decoding; null for invalid sequences. */
export function fromUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return null;
  }
}
