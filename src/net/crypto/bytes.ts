/** Small byte helpers shared by the crypto files (length checks, concatenation, comparison). */
import { concatBytes as concatAll } from '../bytes.ts';
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
  return concatAll(parts);
}

/** Equality of two byte strings in time that depends only on their lengths. */
export { bytesEqual } from '../bytes.ts';
