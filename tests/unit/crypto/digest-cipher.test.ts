import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  CryptoError,
  aesCtr,
  createAesCtr,
  decryptWithKey,
  decryptWithSharedKey,
  digestKeyIv,
  encryptForKey,
  encryptWithSharedKey,
  generateKeyPair,
  keyPairFromSeed,
  sha256,
  sharedSecret,
} from '../../../src/net/crypto/index.ts';
import { adnl, handshake, hex, keyNamed } from './vectors.ts';

/** Throws anything but CryptoError to the caller; swallows CryptoError. */
function onlyCryptoError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof CryptoError)) throw error;
  }
}

describe('digestKeyIv and the AES keystream (tonutils-go shared_secret.cipher_example)', () => {
  const example = adnl.shared_secret.cipher_example;
  const secret = hex(adnl.shared_secret.x25519_client_server_hex);

  it('derives key and iv', () => {
    const { key, iv } = digestKeyIv(secret, hex(example.checksum_hex));
    expect(bytesToHex(key)).toBe(example.aes_key_hex);
    expect(bytesToHex(iv)).toBe(example.iv_hex);
  });

  it('produces the keystream', () => {
    const { key, iv } = digestKeyIv(secret, hex(example.checksum_hex));
    expect(bytesToHex(aesCtr(key, iv, new Uint8Array(64)))).toBe(example.keystream_first64_hex);
  });

  it('checks lengths', () => {
    expect(() => digestKeyIv(secret.subarray(1), new Uint8Array(32))).toThrow(CryptoError);
    expect(() => digestKeyIv(secret, new Uint8Array(31))).toThrow(CryptoError);
  });
});

describe('ADNL-TCP handshake vector (adnl_tcp_handshake_computed.json)', () => {
  const params = hex(handshake.aes_params_160);
  const client = keyPairFromSeed(hex(handshake.client_ed25519_seed));
  const packet = hex(handshake.handshake_packet_256);

  it('derives the handshake key/iv from the secret and sha256 of the 160 bytes', () => {
    expect(bytesToHex(sha256(params))).toBe(handshake.aes_params_sha256);
    const { key, iv } = digestKeyIv(hex(handshake.shared_secret), sha256(params));
    expect(bytesToHex(key)).toBe(handshake.handshake_key);
    expect(bytesToHex(iv)).toBe(handshake.handshake_iv);
  });

  it('the handshake after the key id is the Ed25519 encryptor output: client_pub || digest || ct', () => {
    expect(bytesToHex(packet.subarray(0, 32))).toBe(handshake.server_key_id_sha256_pub_ed25519_tl);
    const sealed = encryptForKey(hex(handshake.server_pub), params, client);
    expect(bytesToHex(sealed)).toBe(bytesToHex(packet.subarray(32)));
    expect(decryptWithKey(hex(handshake.server_ed25519_seed), packet.subarray(32))).toEqual(params);
  });

  it('session streams: the first frame encrypts to the vector bytes, whole and in pieces', () => {
    const s = handshake.session;
    expect(bytesToHex(params.subarray(0, 32))).toBe(s.client_decrypt_key);
    expect(bytesToHex(params.subarray(64, 80))).toBe(s.client_decrypt_iv);
    expect(bytesToHex(params.subarray(32, 64))).toBe(s.client_encrypt_key);
    expect(bytesToHex(params.subarray(80, 96))).toBe(s.client_encrypt_iv);
    const plain = hex(handshake.first_frame_plain);
    const want = handshake.first_frame_encrypted_with_client_encrypt_cipher;
    expect(bytesToHex(createAesCtr(hex(s.client_encrypt_key), hex(s.client_encrypt_iv)).update(plain))).toBe(
      want,
    );
    // As a reader would: the 4-byte size first, then the rest of the frame.
    const stream = createAesCtr(hex(s.client_encrypt_key), hex(s.client_encrypt_iv));
    const head = stream.update(plain.subarray(0, 4));
    const rest = stream.update(plain.subarray(4));
    expect(bytesToHex(head) + bytesToHex(rest)).toBe(want);
  });
});

describe('ADNL-UDP packets made by tonutils-go (adnl.json)', () => {
  const client = keyNamed('client');
  const server = keyNamed('server');

  it('first packet: encryptForKey with the client key reproduces the bytes after dst id; the server opens it', () => {
    const packet = hex(adnl.first_packet.packet_hex);
    const plaintext = hex(adnl.first_packet.plaintext_hex);
    expect(bytesToHex(packet.subarray(0, 32))).toBe(server.adnl_id_hex);
    const sealed = encryptForKey(
      hex(server.ed25519_pub_hex),
      plaintext,
      keyPairFromSeed(hex(client.seed_hex)),
    );
    expect(bytesToHex(sealed)).toBe(bytesToHex(packet.subarray(32)));
    expect(bytesToHex(decryptWithKey(hex(server.seed_hex), packet.subarray(32)))).toBe(
      adnl.first_packet.plaintext_hex,
    );
  });

  it('live reply from a real tonutils-go gateway decrypts with the client key', () => {
    const reply = hex(adnl.live_roundtrip.reply1_hex);
    expect(bytesToHex(reply.subarray(0, 32))).toBe(client.adnl_id_hex);
    expect(bytesToHex(decryptWithKey(hex(client.seed_hex), reply.subarray(32)))).toBe(
      adnl.live_roundtrip.reply1_plaintext_hex,
    );
  });

  it('channel packets: encryptWithSharedKey reproduces both directions; the other side opens them', () => {
    const { channel } = adnl;
    expect(channel.client.enc_key).toBe(channel.server.dec_key);
    for (const [packetVector, encKey, decKey, otherDirectionKey] of [
      [channel.client_to_server, channel.client.enc_key, channel.server.dec_key, channel.server.enc_key],
      [channel.server_to_client, channel.server.enc_key, channel.client.dec_key, channel.client.enc_key],
    ] as const) {
      const packet = hex(packetVector.packet_hex);
      const plaintext = hex(packetVector.plaintext_hex);
      expect(bytesToHex(encryptWithSharedKey(hex(encKey), plaintext))).toBe(bytesToHex(packet.subarray(32)));
      expect(decryptWithSharedKey(hex(decKey), packet.subarray(32))).toEqual(plaintext);
      expect(() => decryptWithSharedKey(hex(otherDirectionKey), packet.subarray(32))).toThrow(CryptoError);
    }
  });

  it('live channel reply from tonutils-go decrypts with the client channel dec key (reversed secret)', () => {
    const secret = sharedSecret(
      hex(keyNamed('client_channel').seed_hex),
      hex(adnl.live_roundtrip.server_channel_pub),
    );
    // Peer id 28ed.. < our id cb88.. so the client decrypts with reverse(secret) (see channel.description).
    const decKey = secret.slice().reverse();
    const reply = hex(adnl.live_roundtrip.reply2_hex);
    expect(bytesToHex(decryptWithSharedKey(decKey, reply.subarray(32)))).toBe(
      adnl.live_roundtrip.reply2_plaintext_hex,
    );
  });
});

describe('AES-with-digest rejection and properties', () => {
  const me = generateKeyPair();
  const key = sha256(new Uint8Array([1, 2, 3]));

  it('rejects any flipped bit in digest or ciphertext, wrong keys and short input with CryptoError', () => {
    const plaintext = new TextEncoder().encode('hello, ton sites');
    const sealed = encryptWithSharedKey(key, plaintext);
    for (let i = 0; i < sealed.length; i++) {
      const bad = sealed.slice();
      bad[i] ^= 1 << (i % 8);
      expect(() => decryptWithSharedKey(key, bad)).toThrow(CryptoError);
    }
    expect(() => decryptWithSharedKey(sha256(key), sealed)).toThrow(CryptoError);
    expect(() => decryptWithSharedKey(key, sealed.subarray(0, 31))).toThrow(CryptoError);
    expect(decryptWithSharedKey(key, encryptWithSharedKey(key, new Uint8Array(0)))).toEqual(
      new Uint8Array(0),
    );

    const forMe = encryptForKey(me.publicKey, plaintext);
    expect(decryptWithKey(me.secretKey, forMe)).toEqual(plaintext);
    expect(() => decryptWithKey(generateKeyPair().secretKey, forMe)).toThrow(CryptoError);
    const bad = forMe.slice();
    bad[70] ^= 4;
    expect(() => decryptWithKey(me.secretKey, bad)).toThrow(CryptoError);
    expect(() => decryptWithKey(me.secretKey, forMe.subarray(0, 63))).toThrow(CryptoError);
    expect(() => encryptForKey(new Uint8Array(31), plaintext)).toThrow(CryptoError);
    expect(() => encryptWithSharedKey(new Uint8Array(16), plaintext)).toThrow(CryptoError);
    expect(() => decryptWithSharedKey(new Uint8Array(33), sealed)).toThrow(CryptoError);
  });

  it('encryptForKey uses a fresh ephemeral key each time', () => {
    const a = encryptForKey(me.publicKey, new Uint8Array(8));
    const b = encryptForKey(me.publicKey, new Uint8Array(8));
    expect(bytesToHex(a.subarray(0, 32))).not.toBe(bytesToHex(b.subarray(0, 32)));
  });

  it('shared-key round trip for random plaintexts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (plaintext) => {
        const sealed = encryptWithSharedKey(key, plaintext);
        expect(sealed.length).toBe(32 + plaintext.length);
        expect(decryptWithSharedKey(key, sealed)).toEqual(plaintext);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes fed to the decryptors only ever raise CryptoError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        onlyCryptoError(() => decryptWithSharedKey(key, data));
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (data) => {
        onlyCryptoError(() => decryptWithKey(me.secretKey, data));
      }),
      { numRuns: 40 },
    );
  });
});
