/**
 * SHA-256 (TL hashes, ADNL ids, AES-with-digest checksums, frame checksums). Our own int32 implementation
 * (sha256.ts, faster than noble's on datagram-sized inputs); noble and WebCrypto are its references in the tests.
 */
import { expectAnyBytes } from './bytes.ts';
import { sha256Fast } from './sha256.ts';

export function sha256(data: Uint8Array): Uint8Array {
  expectAnyBytes('sha256 input', data);
  return sha256Fast(data);
}
