/** Standard base64 (RFC 4648 §4, also accepting the URL-safe alphabet on input) without Node buffers. */
import { TransportError } from './types.ts';

/** Longest base64 text we decode (keys and ids are tiny; this only bounds allocation on hostile input). */
const MAX_BASE64_CHARS = 1 << 16;

export function base64Encode(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary);
}

/** Decodes base64 (padding optional, `-_` accepted for `+/`); TransportError on anything malformed. */
export function base64Decode(text: string): Uint8Array {
  if (typeof text !== 'string' || text.length > MAX_BASE64_CHARS)
    throw new TransportError('base64: bad input');
  let normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(normalized)) throw new TransportError('base64: bad characters');
  normalized = normalized.replace(/=+$/, '');
  if (normalized.length % 4 === 1) throw new TransportError('base64: bad length');
  normalized += '='.repeat((4 - (normalized.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(normalized);
  } catch {
    throw new TransportError('base64: malformed');
  }
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
