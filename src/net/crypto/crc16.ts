/**
 * CRC-16/XMODEM (poly 0x1021, init 0, no reflection, no final xor): the checksum of the .adnl text form
 * (DIGEST §8.2) and, as `crc16(name) & 0xffff | 0x10000`, the id of a smart-contract get-method.
 */
import { expectAnyBytes } from './bytes.ts';

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

export function crc16(data: Uint8Array): number {
  expectAnyBytes('crc16 input', data);
  let crc = 0;
  for (let i = 0; i < data.length; i++) crc = ((crc << 8) ^ TABLE[((crc >>> 8) ^ data[i]) & 0xff]) & 0xffff;
  return crc;
}
