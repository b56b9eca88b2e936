/** Small byte helpers shared by the crypto files (length checks, concatenation, comparison). */
import { CryptoError } from './errors.ts';

/** Throws CryptoError unless `bytes` is a Uint8Array of exactly `length` bytes. */
export function expectBytes(name: string, bytes: Uint8Array, length: number): void {
  if (!(bytes instanceof Uint8Array)) throw new CryptoError(`${name} must be a Uint8Array`);
  if (bytes.length !== length) throw new CryptoError(`${name} must be ${length} bytes, got ${bytes.length}`);
}

/** Throws CryptoError unless `bytes` is a Uint8Array (of any length). */
export function expectAnyBytes(name: string, bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new CryptoError(`${name} must be a Uint8Array`);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Equality of two byte strings in time that depends only on their lengths. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
