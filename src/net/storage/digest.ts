/**
 * SHA-256 of whole pieces, asynchronously: WebCrypto's `crypto.subtle.digest` where the platform has it (browsers,
 * service workers, Node >= 20) — native code, and in Node on the thread pool, so hashing a 128 KiB piece
 * (~0.2 ms there against ~1.5 ms for the pure-JavaScript hash) does not hold up the datagrams of the pieces
 * still arriving. Without WebCrypto (or if it refuses), the synchronous hash of src/net/crypto is used.
 */
import { sha256 } from '../crypto/index.ts';

export type PieceDigest = (data: Uint8Array) => Promise<Uint8Array>;

interface SubtleLike {
  digest(algorithm: string, data: Uint8Array): Promise<ArrayBuffer>;
}

function platformSubtle(): SubtleLike | null {
  const c = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto;
  return c?.subtle && typeof c.subtle.digest === 'function' ? c.subtle : null;
}

/** A PieceDigest over `subtle` (default: the platform's), falling back to the synchronous hash. */
export function pieceDigest(subtle: SubtleLike | null = platformSubtle()): PieceDigest {
  if (!subtle) return (data) => Promise.resolve(sha256(data));
  return async (data) => {
    try {
      return new Uint8Array(await subtle.digest('SHA-256', data));
    } catch {
      return sha256(data);
    }
  };
}
