import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToHex } from '@noble/hashes/utils.js';
import {
  ADNL_TEXT_LENGTH,
  CryptoError,
  adnlIdFromText,
  adnlIdToText,
  crc16,
} from '../../../src/net/crypto/index.ts';
import { adnl, addressIds, hex } from './vectors.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

describe('.adnl text form', () => {
  const pairs = [
    ...adnl.keys.map((k) => ({ id: k.adnl_id_hex, text: k.adnl_address_base32.replace(/\.adnl$/, '') })),
    ...addressIds.adnl_text.map((t) => ({ id: t.id_hex, text: t.text })),
  ];

  for (const { id, text } of pairs) {
    it(`${text.slice(0, 12)}… both directions (tonutils-go / TonLib.NET)`, () => {
      expect(text).toHaveLength(ADNL_TEXT_LENGTH);
      expect(adnlIdToText(hex(id))).toBe(text);
      expect(bytesToHex(adnlIdFromText(text))).toBe(id);
      expect(bytesToHex(adnlIdFromText(text.toUpperCase()))).toBe(id);
    });
  }

  it('round-trips random ids', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (id) => {
        const text = adnlIdToText(id);
        expect(text).toMatch(/^[a-z2-7]{55}$/);
        expect(adnlIdFromText(text)).toEqual(id);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects bad length, charset, tag and any single changed character with CryptoError', () => {
    const text = pairs[0].text;
    expect(() => adnlIdFromText(text.slice(1))).toThrow(CryptoError);
    expect(() => adnlIdFromText(text + 'a')).toThrow(CryptoError);
    expect(() => adnlIdFromText(`${text.slice(0, 51)}.adnl`)).toThrow(CryptoError);
    expect(() => adnlIdFromText(text.slice(0, 54) + '1')).toThrow(CryptoError);
    expect(() => adnlIdFromText(text.slice(0, 54) + 'é')).toThrow(CryptoError);
    expect(() => adnlIdToText(new Uint8Array(31))).toThrow(CryptoError);
    for (let i = 0; i < text.length; i++) {
      for (const c of ['a', 'q', '7']) {
        if (c === text[i]) continue;
        expect(() => adnlIdFromText(text.slice(0, i) + c + text.slice(i + 1))).toThrow(CryptoError);
      }
    }
  });

  it('random strings only ever raise CryptoError', () => {
    const check = (s: string) => {
      try {
        const id = adnlIdFromText(s);
        expect(adnlIdToText(id)).toBe(s.toLowerCase());
      } catch (error) {
        expect(error).toBeInstanceOf(CryptoError);
      }
    };
    fc.assert(fc.property(fc.string({ maxLength: 70 }), check), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', minLength: 55, maxLength: 55 }), check), {
      numRuns: 300,
    });
    const base32Char = fc.constantFrom(...ALPHABET.split(''), ...ALPHABET.toUpperCase().split(''));
    fc.assert(fc.property(fc.string({ unit: base32Char, minLength: 55, maxLength: 55 }), check), {
      numRuns: 500,
    });
  });
});

describe('crc16 (XMODEM)', () => {
  const ascii = (s: string) => new TextEncoder().encode(s);

  it('matches the CRC-16/XMODEM check value', () => {
    expect(crc16(ascii('123456789'))).toBe(0x31c3);
    expect(crc16(new Uint8Array(0))).toBe(0);
  });

  it('gives the get-method id of dnsresolve used by the lite client', () => {
    expect((crc16(ascii('dnsresolve')) & 0xffff) | 0x10000).toBe(123660);
  });
});
