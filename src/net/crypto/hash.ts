/** SHA-256 (TL hashes, ADNL ids, AES-with-digest checksums, frame checksums), from @noble/hashes. */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { expectAnyBytes } from './bytes.ts';

export function sha256(data: Uint8Array): Uint8Array {
  expectAnyBytes('sha256 input', data);
  return nobleSha256(data);
}
