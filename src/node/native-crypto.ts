/**
 * SHA-256 and AES-256-CTR from the platform (OpenSSL through node:crypto) for Node hosts: the CLI, the devnet and
 * the benches pass these to AdnlNode ({ crypto: nativePrimitives }). The service worker keeps noble
 * (src/net/crypto/primitives.ts). Per 850-byte ADNL datagram this costs ~6 µs against ~20 µs for the pure
 * JavaScript pair (`npm run bench -- crypto`); the output is byte-identical (tests/unit/crypto/primitives.test.ts).
 */
import { createCipheriv, createHash } from 'node:crypto';
import type { SymmetricPrimitives } from '../net/crypto/index.ts';

export const nativePrimitives: SymmetricPrimitives = Object.freeze({
  name: 'node:crypto',
  sha256(data: Uint8Array): Uint8Array {
    const digest = createHash('sha256').update(data).digest();
    return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
  },
  aesCtrInto(key: Uint8Array, iv: Uint8Array, data: Uint8Array, out: Uint8Array): void {
    if (key.length !== 32 || iv.length !== 16)
      throw new RangeError('AES-256-CTR needs a 32-byte key and 16-byte iv');
    if (out.length < data.length) throw new RangeError('AES-CTR output shorter than input');
    const cipher = createCipheriv('aes-256-ctr', key, iv);
    const head = cipher.update(data);
    out.set(head, 0);
    const tail = cipher.final();
    if (tail.length > 0) out.set(tail, head.length);
  },
});
