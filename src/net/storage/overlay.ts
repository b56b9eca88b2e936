/**
 * A bag's overlay (DIGEST §6): its id is the TL hash of `pub.overlay name:bytes` with name = the 32-byte bag id;
 * every storage query inside it is prefixed with the boxed `overlay.query overlay:int256` in the same payload.
 */
import { overlayIdOf } from '../dht/index.ts';
import { tlId } from '../tl/index.ts';
import { concatBytes } from './bytes.ts';

/** Overlay short id of a bag. */
export function bagOverlayId(bagId: Uint8Array): Uint8Array {
  return overlayIdOf(bagId);
}

const OVERLAY_QUERY_ID = tlId('overlay.query');
const PREFIX_SIZE = 4 + 32;

/** `overlay.query{overlay}` ‖ `query` (a boxed TL function). */
export function wrapOverlayQuery(overlayId: Uint8Array, query: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(PREFIX_SIZE);
  new DataView(prefix.buffer).setUint32(0, OVERLAY_QUERY_ID, true);
  prefix.set(overlayId, 4);
  return concatBytes([prefix, query]);
}

/** Splits an overlay-prefixed query; null if `bytes` does not start with overlay.query. */
export function unwrapOverlayQuery(bytes: Uint8Array): { overlayId: Uint8Array; query: Uint8Array } | null {
  if (bytes.length < PREFIX_SIZE + 4) return null;
  const id = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  if (id !== OVERLAY_QUERY_ID) return null;
  return { overlayId: bytes.subarray(4, PREFIX_SIZE), query: bytes.subarray(PREFIX_SIZE) };
}
