/** Small byte helpers of the RLDP layer (hex keys for transfer and peer ids: src/net/bytes.ts). */
export { bytesEqual, hexOf } from '../bytes.ts';

/** A copy of `id` with every bit inverted: the answer's transfer id (C++ get_responce_transfer_id). */
export function invertId(id: Uint8Array): Uint8Array {
  const out = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) out[i] = ~id[i] & 0xff;
  return out;
}
