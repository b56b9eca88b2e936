import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256Fast } from '../../../src/net/crypto/sha256.ts';
import { sha256 } from '../../../src/net/crypto/index.ts';

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const text = (s: string) => new TextEncoder().encode(s);

describe('own SHA-256', () => {
  it('matches the FIPS 180-4 examples', () => {
    expect(toHex(sha256Fast(text('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(sha256Fast(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(sha256Fast(text('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals noble for every length around the padding boundaries and at odd offsets', () => {
    const backing = new Uint8Array(300).map((_, i) => (i * 131 + 7) & 0xff);
    for (let len = 0; len <= 200; len++) {
      for (const offset of [0, 3]) {
        const data = backing.subarray(offset, offset + len);
        expect(sha256Fast(data)).toEqual(nobleSha256(data));
      }
    }
  });

  it('equals noble and WebCrypto on random inputs; the exported sha256 is the same function', async () => {
    const samples = fc.sample(fc.uint8Array({ maxLength: 3000 }), 60);
    for (const data of samples) {
      const ours = sha256Fast(data);
      expect(ours).toEqual(nobleSha256(data));
      expect(ours).toEqual(new Uint8Array(await crypto.subtle.digest('SHA-256', data.slice())));
      expect(sha256(data)).toEqual(ours);
    }
  });

  it('does not keep state between calls (interleaved inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.uint8Array({ maxLength: 500 }), (a, b) => {
        const ha = sha256Fast(a);
        sha256Fast(b);
        expect(sha256Fast(a)).toEqual(ha);
        expect(sha256Fast(b)).toEqual(nobleSha256(b));
      }),
      { numRuns: 100 },
    );
  });
});
