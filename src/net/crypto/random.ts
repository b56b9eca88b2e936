/** Cryptographically secure random bytes from the platform (WebCrypto getRandomValues; Node 20 and Chrome). */
import { CryptoError } from './errors.ts';

/** getRandomValues refuses more than 65536 bytes per call. */
const MAX_PER_CALL = 65536;
/** Upper bound on one request, so a bad size from elsewhere cannot trigger a huge allocation. */
export const MAX_RANDOM_BYTES = 1 << 24;

export function randomBytes(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_RANDOM_BYTES) {
    throw new CryptoError(`randomBytes: bad length ${n}`);
  }
  const out = new Uint8Array(n);
  for (let offset = 0; offset < n; offset += MAX_PER_CALL) {
    globalThis.crypto.getRandomValues(out.subarray(offset, Math.min(n, offset + MAX_PER_CALL)));
  }
  return out;
}
