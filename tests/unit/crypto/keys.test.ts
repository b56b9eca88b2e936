import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  CryptoError,
  generateKeyPair,
  keyPairFromSeed,
  sign,
  toX25519PublicKey,
  toX25519SecretKey,
  verify,
} from '../../../src/net/crypto/index.ts';
import { adnl, handshake, hex, keyNamed } from './vectors.ts';

describe('Ed25519 keys against tonutils-go (adnl.json keys)', () => {
  for (const key of adnl.keys) {
    it(`${key.name}: public key and X25519 conversions`, () => {
      const pair = keyPairFromSeed(hex(key.seed_hex));
      expect(bytesToHex(pair.secretKey)).toBe(key.seed_hex);
      expect(bytesToHex(pair.publicKey)).toBe(key.ed25519_pub_hex);
      expect(bytesToHex(toX25519SecretKey(pair.secretKey))).toBe(key.x25519_priv_hex);
      expect(bytesToHex(toX25519PublicKey(pair.publicKey))).toBe(key.x25519_pub_hex);
    });
  }

  it('handshake vector keys (Node crypto) agree', () => {
    expect(bytesToHex(keyPairFromSeed(hex(handshake.client_ed25519_seed)).publicKey)).toBe(
      handshake.client_pub,
    );
    expect(bytesToHex(keyPairFromSeed(hex(handshake.server_ed25519_seed)).publicKey)).toBe(
      handshake.server_pub,
    );
    expect(bytesToHex(toX25519SecretKey(hex(handshake.client_ed25519_seed)))).toBe(
      handshake.client_x25519_priv,
    );
    expect(bytesToHex(toX25519PublicKey(hex(handshake.server_pub)))).toBe(handshake.server_x25519_pub);
  });

  it('keyPairFromSeed copies the seed and rejects bad lengths', () => {
    const seed = new Uint8Array(32).fill(7);
    const pair = keyPairFromSeed(seed);
    seed.fill(0);
    expect(pair.secretKey[0]).toBe(7);
    expect(() => keyPairFromSeed(new Uint8Array(31))).toThrow(CryptoError);
    expect(() => keyPairFromSeed(new Uint8Array(64))).toThrow(CryptoError);
  });

  it('generateKeyPair gives fresh, consistent pairs', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(a.secretKey).toHaveLength(32);
    expect(bytesToHex(a.secretKey)).not.toBe(bytesToHex(b.secretKey));
    expect(keyPairFromSeed(a.secretKey).publicKey).toEqual(a.publicKey);
  });
});

describe('signatures against tonutils-go (first_packet)', () => {
  const client = keyNamed('client');
  const signed = hex(adnl.first_packet.signed_bytes_hex);
  const signature = hex(adnl.first_packet.parsed.signature);

  it('reproduces the packet signature (Ed25519 is deterministic) and verifies it', () => {
    expect(bytesToHex(sign(signed, hex(client.seed_hex)))).toBe(adnl.first_packet.parsed.signature);
    expect(verify(signature, signed, hex(client.ed25519_pub_hex))).toBe(true);
  });

  it('rejects tampered messages, signatures, keys and malformed input with false', () => {
    const badMessage = signed.slice();
    badMessage[10] ^= 1;
    expect(verify(signature, badMessage, hex(client.ed25519_pub_hex))).toBe(false);
    const badSig = signature.slice();
    badSig[3] ^= 0x80;
    expect(verify(badSig, signed, hex(client.ed25519_pub_hex))).toBe(false);
    expect(verify(signature, signed, hex(keyNamed('server').ed25519_pub_hex))).toBe(false);
    expect(verify(signature.subarray(0, 63), signed, hex(client.ed25519_pub_hex))).toBe(false);
    expect(verify(signature, signed, new Uint8Array(31))).toBe(false);
    expect(verify(signature, signed, new Uint8Array(32).fill(0xff))).toBe(false);
  });

  it('sign rejects a seed of the wrong length', () => {
    expect(() => sign(signed, new Uint8Array(64))).toThrow(CryptoError);
  });
});
