/** Small byte helpers of the UDP side (ids and hashes only: nothing secret is compared here). */

export { bytesEqual } from '../../bytes.ts';

/** A string map key for bytes (one char per byte; cheaper than hex). */
export function keyOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
