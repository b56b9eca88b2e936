/**
 * CRC-32C (Castagnoli, reflected poly 0x82f63b78, init and final xor 0xffffffff) as an unsigned number: the
 * checksum of BoCs and the short validator-set hash of block headers (ton crypto/block/block.cpp
 * `compute_validator_set_hash` returns `td::crc32c` of the serialized set).
 */
import { expectAnyBytes } from './bytes.ts';

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

export function crc32c(data: Uint8Array): number {
  expectAnyBytes('crc32c input', data);
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xff];
  return (crc ^ 0xffffffff) >>> 0;
}
