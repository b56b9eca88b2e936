/**
 * Fuzz of openChannelDatagram (ADNL-UDP channel datagrams: in_id(32) || sha256(plain)(32) || AES-CTR(plain)) and
 * of the storage answers decodePong / decodeOk. Valid inputs open/decode to what was sealed/encoded (the channel
 * with the tonutils-go vector too); random, mutated and truncated inputs only ever throw CryptoError (channel) or
 * StorageError (storage); the output of a channel open is never larger than its input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openChannelDatagram, sealChannelDatagram, type ChannelKeys } from '../../../src/net/adnl/index.ts';
import { CryptoError, noblePrimitives, type SymmetricPrimitives } from '../../../src/net/crypto/index.ts';
import { decodeOk, decodePong, StorageError } from '../../../src/net/storage/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import { nativePrimitives } from '../../../src/node/native-crypto.ts';
import { anyMutation, hex, loadVector, oneByteChanged, onlyTyped, truncated } from './mutate.ts';

const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const keysArb: fc.Arbitrary<ChannelKeys> = fc
  .tuple(key32, key32, key32, key32)
  .map(([encryptKey, decryptKey, inId, outId]) => ({ encryptKey, decryptKey, inId, outId }));
/** The same keys seen from the other end: what one side encrypts with, the other decrypts with. */
const peerOf = (k: ChannelKeys): ChannelKeys => ({
  encryptKey: k.decryptKey,
  decryptKey: k.encryptKey,
  inId: k.outId,
  outId: k.inId,
});
const primitives: [string, SymmetricPrimitives][] = [
  ['noble', noblePrimitives],
  ['OpenSSL', nativePrimitives],
];

interface ChannelVector {
  channel: {
    client: { dec_key: string; enc_key: string; id_in: string; id_out: string };
    server: { dec_key: string; enc_key: string; id_in: string; id_out: string };
    client_to_server: { packet_hex: string; plaintext_hex: string };
    server_to_client: { packet_hex: string; plaintext_hex: string };
  };
}
const vector = loadVector<ChannelVector>('tonutils-go/adnl.json').channel;
const keysOf = (side: ChannelVector['channel']['client']): ChannelKeys => ({
  encryptKey: hex(side.enc_key),
  decryptKey: hex(side.dec_key),
  inId: hex(side.id_in),
  outId: hex(side.id_out),
});
const serverKeys = keysOf(vector.server);
const clientKeys = keysOf(vector.client);
const toServer = hex(vector.client_to_server.packet_hex);

describe.each(primitives)('openChannelDatagram (%s)', (_name, prims) => {
  it('the tonutils-go channel datagrams open to their plaintexts', () => {
    expect(openChannelDatagram(serverKeys, toServer, prims)).toEqual(
      hex(vector.client_to_server.plaintext_hex),
    );
    expect(openChannelDatagram(clientKeys, hex(vector.server_to_client.packet_hex), prims)).toEqual(
      hex(vector.server_to_client.plaintext_hex),
    );
    // Our seal with the client's keys is what the server opens.
    const plain = hex(vector.client_to_server.plaintext_hex);
    expect(sealChannelDatagram(clientKeys, plain, prims)).toEqual(toServer);
  });

  it('round-trip: whatever one end seals, the other opens', () => {
    fc.assert(
      fc.property(keysArb, fc.uint8Array({ maxLength: 1500 }), (keys, plain) => {
        const datagram = sealChannelDatagram(keys, plain, prims);
        expect(datagram.subarray(0, 32)).toEqual(keys.outId);
        expect(openChannelDatagram(peerOf(keys), datagram, prims)).toEqual(plain);
      }),
      { numRuns: 100 },
    );
  });

  it('random datagrams of any length: CryptoError only, output never longer than the input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (datagram) => {
        const plain = onlyTyped(CryptoError, () => openChannelDatagram(serverKeys, datagram, prims));
        if (plain) expect(plain.length).toBe(datagram.length - 64);
      }),
      { numRuns: 300 },
    );
  });

  it('any change to the digest or ciphertext, and any truncation, is a CryptoError; the id is not checked here', () => {
    fc.assert(
      fc.property(oneByteChanged(toServer, 32), (datagram) => {
        expect(() => openChannelDatagram(serverKeys, datagram, prims)).toThrow(CryptoError);
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(truncated(toServer), (datagram) => {
        expect(() => openChannelDatagram(serverKeys, datagram, prims)).toThrow(CryptoError);
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(anyMutation(toServer), (datagram) => {
        const plain = onlyTyped(CryptoError, () => openChannelDatagram(serverKeys, datagram, prims));
        // Only the 32-byte id (matched by the node before calling) may differ in a datagram that opens.
        if (plain) expect(datagram.subarray(32)).toEqual(toServer.subarray(32));
      }),
      { numRuns: 200 },
    );
  });

  it('short datagrams (no room for the digest) are CryptoErrors before any decryption', () => {
    for (const n of [0, 1, 31, 32, 33, 63]) {
      expect(() => openChannelDatagram(serverKeys, toServer.subarray(0, n), prims)).toThrow(CryptoError);
    }
  });
});

describe('storage decodePong / decodeOk', () => {
  const pong = tlEncode({ _: 'storage.pong' });
  const ok = tlEncode({ _: 'storage.ok' });
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

  it('storage.pong and storage.ok decode', () => {
    decodePong(pong);
    decodeOk(ok);
  });

  it('random and mutated bytes: StorageError only; only the exact 4-byte encodings decode', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.uint8Array({ maxLength: 16 }).map((b) => Uint8Array.from([...pong, ...b])),
          fc.uint8Array({ maxLength: 16 }).map((b) => Uint8Array.from([...ok, ...b])),
          anyMutation(pong),
          anyMutation(ok),
        ),
        (bytes) => {
          const pongOk = onlyTyped(StorageError, () => (decodePong(bytes), true)) ?? false;
          expect(pongOk).toBe(same(bytes, pong));
          const okOk = onlyTyped(StorageError, () => (decodeOk(bytes), true)) ?? false;
          expect(okOk).toBe(same(bytes, ok));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('the error is a parse error, also for a large input (rejected after the constructor id, nothing allocated)', () => {
    const big = new Uint8Array(1 << 20);
    big.set(pong);
    for (const bytes of [new Uint8Array(0), ok, big]) {
      try {
        decodePong(bytes);
        throw new Error('decoded');
      } catch (error) {
        expect(error).toBeInstanceOf(StorageError);
        expect((error as StorageError).kind).toBe('parse');
      }
    }
    expect(() => decodeOk(big)).toThrow(StorageError);
  });
});
