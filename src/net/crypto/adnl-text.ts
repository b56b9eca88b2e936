/**
 * The 55-character text form of a 32-byte ADNL id, used as `<text>.adnl` host names (DIGEST §8.2;
 * tonutils-go rldphttp.SerializeADNLAddress): base32 (RFC 4648 alphabet, lowercase, no padding) of
 * 0x2d || id(32) || crc16_xmodem(0x2d || id) big-endian — 35 bytes, exactly 56 characters, whose first
 * character is always 'f' (the top five bits of 0x2d) and is dropped.
 */
import { expectBytes } from './bytes.ts';
import { crc16 } from './crc16.ts';
import { CryptoError } from './errors.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** ASCII code -> 5-bit value, -1 elsewhere; upper-case letters are accepted (host names are case-insensitive). */
const DECODE = (() => {
  const table = new Int8Array(128).fill(-1);
  for (let v = 0; v < 32; v++) {
    table[ALPHABET.charCodeAt(v)] = v;
    table[ALPHABET.toUpperCase().charCodeAt(v)] = v;
  }
  return table;
})();
const TAG = 0x2d;
export const ADNL_TEXT_LENGTH = 55;

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function adnlIdToText(id: Uint8Array): string {
  expectBytes('ADNL id', id, 32);
  const raw = new Uint8Array(35);
  raw[0] = TAG;
  raw.set(id, 1);
  const crc = crc16(raw.subarray(0, 33));
  raw[33] = crc >>> 8;
  raw[34] = crc & 0xff;
  return base32Encode(raw).slice(1);
}

/** Parses the 55-character form (either letter case, no `.adnl` suffix); CryptoError on bad length, charset, tag or crc. */
export function adnlIdFromText(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length !== ADNL_TEXT_LENGTH) {
    throw new CryptoError(`ADNL text must be ${ADNL_TEXT_LENGTH} characters`);
  }
  const raw = new Uint8Array(35);
  // The dropped first character is always 'f' (value 5): start with its five bits already in the buffer.
  let buffer = DECODE['f'.charCodeAt(0)];
  let bits = 5;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code] : -1;
    if (value < 0) throw new CryptoError('ADNL text has a character outside the base32 alphabet');
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      raw[n++] = (buffer >>> bits) & 0xff;
    }
  }
  // 56 characters carry exactly 280 bits = 35 bytes: nothing is left over.
  if (raw[0] !== TAG) throw new CryptoError('ADNL text does not start with the 0x2d tag');
  const crc = crc16(raw.subarray(0, 33));
  if (raw[33] !== crc >>> 8 || raw[34] !== (crc & 0xff)) throw new CryptoError('ADNL text checksum mismatch');
  return raw.slice(1, 33);
}
