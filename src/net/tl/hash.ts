import { sha256 } from '@noble/hashes/sha2.js';
import { tlEncode } from './codec.ts';
import type { TlObject } from './types.ts';

/** TL hash: sha256 of the boxed serialization (key ids, ADNL ids, DHT key ids; DIGEST §0). */
export function tlHash(obj: TlObject): Uint8Array {
  return sha256(tlEncode(obj));
}
