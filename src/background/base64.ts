/**
 * Base64 for response and request bodies crossing the DevTools protocol (Fetch.fulfillRequest takes the whole
 * body as one base64 string). Uses the platform's Uint8Array.toBase64/fromBase64 where present (Chromium 140+),
 * else a chunked btoa/atob path; both are linear and never build one character at a time for large inputs.
 */

interface Base64Native {
  toBase64?: (this: Uint8Array) => string;
}
interface Base64NativeCtor {
  fromBase64?: (text: string) => Uint8Array;
}

export class Base64Error extends Error {
  override name = 'Base64Error';
}

/** Chunk size for the fallback: a multiple of 3 so the pieces concatenate into one valid base64 text. */
const CHUNK = 3 * 8192;

export function bytesToBase64(bytes: Uint8Array): string {
  const native = (bytes as Base64Native).toBase64;
  if (typeof native === 'function') return native.call(bytes);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += CHUNK) {
    const chunk = bytes.subarray(i, i + CHUNK);
    parts.push(btoa(String.fromCharCode.apply(null, chunk as unknown as number[])));
  }
  return parts.join('');
}

/** Decodes standard base64; Base64Error when malformed or longer than `maxBytes` once decoded. */
export function base64ToBytes(text: string, maxBytes: number): Uint8Array {
  if (typeof text !== 'string') throw new Base64Error('base64: not a string');
  if (Math.floor((text.length * 3) / 4) > maxBytes + 2) throw new Base64Error('base64: too long');
  const native = (Uint8Array as unknown as Base64NativeCtor).fromBase64;
  let out: Uint8Array;
  try {
    if (typeof native === 'function') out = native(text);
    else {
      const binary = atob(text);
      out = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    }
  } catch {
    throw new Base64Error('base64: malformed');
  }
  if (out.length > maxBytes) throw new Base64Error('base64: too long');
  return out;
}
