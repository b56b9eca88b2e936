/** Hex text of ids, for map keys and messages (never for payload bytes or secret keys). */
export { hexOf as toHex } from '../bytes.ts';
