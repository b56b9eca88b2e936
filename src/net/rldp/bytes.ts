/** Small byte helpers of the RLDP layer. */

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

/** Lower-case hex of `bytes` (map keys for transfer and peer ids). */
export function hexOf(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of `id` with every bit inverted: the answer's transfer id (C++ get_responce_transfer_id). */
export function invertId(id: Uint8Array): Uint8Array {
  const out = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) out[i] = ~id[i] & 0xff;
  return out;
}
