/** SHA-512 (the validator-subset PRNG of ton crypto/block/mc-config.h `ValidatorSetPRNG`), from @noble/hashes. */
import { sha512 as nobleSha512 } from '@noble/hashes/sha2.js';
import { expectAnyBytes } from './bytes.ts';

export function sha512(data: Uint8Array): Uint8Array {
  expectAnyBytes('sha512 input', data);
  return nobleSha512(data);
}
