import { describe, expect, it } from 'vitest';
import { bytesToHex } from '@noble/hashes/utils.js';
import { CryptoError, adnlId, adnlIdToText, keyPairFromSeed, sha256 } from '../../../src/net/crypto/index.ts';
import { adnl, addressIds, handshake, hex } from './vectors.ts';

describe('ADNL id = TL hash of pub.ed25519', () => {
  for (const key of adnl.keys) {
    it(`${key.name}: id, its TL preimage and its .adnl text match tonutils-go`, () => {
      const pub = keyPairFromSeed(hex(key.seed_hex)).publicKey;
      const id = adnlId(pub);
      expect(bytesToHex(id)).toBe(key.adnl_id_hex);
      expect(bytesToHex(sha256(hex(key.pub_ed25519_tl_hex)))).toBe(key.adnl_id_hex);
      expect(`${adnlIdToText(id)}.adnl`).toBe(key.adnl_address_base32);
    });
  }

  it('equals sha256(c6b41348 || pub) for the mainnet liteserver keys (adnl_address_ids.json)', () => {
    for (const server of addressIds.liteservers) {
      const pub = hex(server.pub_hex);
      expect(bytesToHex(pub)).toBe(bytesToHex(Uint8Array.from(atob(server.pub_b64), (c) => c.charCodeAt(0))));
      const id = adnlId(pub);
      expect(bytesToHex(id)).toBe(server.key_id_hex);
      expect(id).toEqual(sha256(new Uint8Array([0xc6, 0xb4, 0x13, 0x48, ...pub])));
    }
  });

  it('equals the server key id of the handshake vector', () => {
    expect(bytesToHex(adnlId(hex(handshake.server_pub)))).toBe(handshake.server_key_id_sha256_pub_ed25519_tl);
  });

  it('rejects a key of the wrong length with CryptoError', () => {
    expect(() => adnlId(new Uint8Array(33))).toThrow(CryptoError);
  });
});
