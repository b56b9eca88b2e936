import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ED25519_TORSION_SUBGROUP } from '@noble/curves/ed25519.js';
import {
  CryptoError,
  generateKeyPair,
  sharedSecret,
  toX25519PublicKey,
} from '../../../src/net/crypto/index.ts';
import { adnl, handshake, hex, keyNamed } from './vectors.ts';

describe('TON ECDH (ed25519 -> x25519)', () => {
  const client = keyNamed('client');
  const server = keyNamed('server');

  it('equals tonutils-go keys.SharedKey from both sides', () => {
    const want = adnl.shared_secret.x25519_client_server_hex;
    expect(bytesToHex(sharedSecret(hex(client.seed_hex), hex(server.ed25519_pub_hex)))).toBe(want);
    expect(bytesToHex(sharedSecret(hex(server.seed_hex), hex(client.ed25519_pub_hex)))).toBe(want);
  });

  it('equals the handshake vector secret', () => {
    const secret = sharedSecret(hex(handshake.client_ed25519_seed), hex(handshake.server_pub));
    expect(bytesToHex(secret)).toBe(handshake.shared_secret);
  });

  it('equals the tonutils-go ADNL channel secret (channel keys 0x03.. / 0x04..)', () => {
    const a = keyNamed('client_channel');
    const b = keyNamed('server_channel');
    expect(bytesToHex(sharedSecret(hex(a.seed_hex), hex(b.ed25519_pub_hex)))).toBe(
      adnl.channel.channel_secret_hex,
    );
    expect(bytesToHex(sharedSecret(hex(b.seed_hex), hex(a.ed25519_pub_hex)))).toBe(
      adnl.channel.channel_secret_hex,
    );
  });

  it('is symmetric for random keys', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(sharedSecret(a.secretKey, b.publicKey)).toEqual(sharedSecret(b.secretKey, a.publicKey));
  });

  it('rejects bad lengths, non-points and low-order points with CryptoError', () => {
    const me = generateKeyPair();
    expect(() => sharedSecret(me.secretKey, new Uint8Array(31))).toThrow(CryptoError);
    expect(() => sharedSecret(new Uint8Array(16), me.publicKey)).toThrow(CryptoError);
    // y = 2 is not on the curve.
    const notAPoint = new Uint8Array(32);
    notAPoint[0] = 2;
    expect(() => toX25519PublicKey(notAPoint)).toThrow(CryptoError);
    expect(() => sharedSecret(me.secretKey, notAPoint)).toThrow(CryptoError);
    for (const torsion of ED25519_TORSION_SUBGROUP) {
      expect(() => sharedSecret(me.secretKey, hex(torsion))).toThrow(CryptoError);
    }
  });
});
