import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DnsInvalidNameError,
  decodeDnsLabels,
  decodeDnsName,
  describeDnsBytes,
  dnsNameOfPrefix,
  encodeDnsName,
  isTonDnsName,
  normalizeDnsName,
} from '../../../src/net/dns/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('DNS name encoding (TEP-81, DIGEST §9.2)', () => {
  it('reverses the labels and ends each with \\0, after one leading \\0 ("self")', () => {
    // DIGEST §9.2 and dns.json dnsresolve.subdomain_encoding: sub.alice.ton -> [\0]ton\0alice\0sub\0
    expect(encodeDnsName('sub.alice.ton')).toEqual(bytes('\0ton\0alice\0sub\0'));
    expect(encodeDnsName('alice.ton')).toEqual(bytes('\0ton\0alice\0'));
    // TEP-81 example: google.com -> com\0google\0
    expect(encodeDnsName('google.com').subarray(1)).toEqual(bytes('com\0google\0'));
    // the .t.me zone is two labels: the root matches "me\0t\0" (dns.json root_dns.tlds)
    expect(encodeDnsName('gateway.t.me')).toEqual(bytes('\0me\0t\0gateway\0'));
  });

  it('normalizes to lower case and drops one trailing dot', () => {
    expect(normalizeDnsName('Alice.TON.')).toBe('alice.ton');
    expect(encodeDnsName('ALICE.ton')).toEqual(encodeDnsName('alice.ton'));
    expect(normalizeDnsName('пример.ton')).toBe('пример.ton');
    expect(normalizeDnsName('ПРИМЕР.ton')).toBe('пример.ton');
  });

  it('rejects empty labels, forbidden characters and names over 126 bytes', () => {
    for (const bad of [
      '',
      '.',
      'a..ton',
      '.ton',
      'ton..',
      'a b.ton',
      'a\0b.ton',
      'tab\t.ton',
      'del\x7f.ton',
      'c1\x85.ton',
      'x\ud800.ton',
    ]) {
      expect(() => encodeDnsName(bad), JSON.stringify(bad)).toThrow(DnsInvalidNameError);
    }
    const max = 'a'.repeat(122) + '.ton'; // 126 bytes
    expect(encodeDnsName(max).length).toBe(127); // leading \0 dropped: 127 + 1 would not fit one cell
    expect(encodeDnsName(max)[0]).toBe(0x74); // 't' of "ton"
    const shorter = 'a'.repeat(121) + '.ton'; // 125 bytes -> 126 + leading \0 = 127
    expect(encodeDnsName(shorter).length).toBe(127);
    expect(encodeDnsName(shorter)[0]).toBe(0);
    expect(() => encodeDnsName('a'.repeat(123) + '.ton')).toThrow(DnsInvalidNameError);
    // 126 bytes of UTF-8 but fewer characters
    expect(() => encodeDnsName('я'.repeat(62) + '.ton')).toThrow(DnsInvalidNameError); // 124 + 4 = 128 bytes
  });

  it('decodes the internal form back, with or without the leading \\0', () => {
    expect(decodeDnsName(bytes('\0ton\0alice\0sub\0'))).toBe('sub.alice.ton');
    expect(decodeDnsName(bytes('ton\0alice\0'))).toBe('alice.ton');
    expect(decodeDnsLabels(bytes('me\0t\0durov\0'))).toEqual(['me', 't', 'durov']);
    for (const bad of ['', '\0', '\0\0', 'ton', 'ton\0\0alice\0', '\0ton\0a b\0']) {
      expect(() => decodeDnsLabels(bytes(bad)), JSON.stringify(bad)).toThrow(DnsInvalidNameError);
    }
    expect(() => decodeDnsLabels(new Uint8Array([0x74, 0xff, 0]))).toThrow(DnsInvalidNameError); // not UTF-8
  });

  it('describes what a resolver consumed, for traces and errors', () => {
    const internal = bytes('\0ton\0alice\0sub\0');
    expect(describeDnsBytes(bytes('\0ton'))).toBe('ton');
    expect(describeDnsBytes(bytes('\0ton\0www'))).toBe('www.ton');
    expect(describeDnsBytes(bytes('\0'))).toBe('.');
    expect(dnsNameOfPrefix(internal, 10)).toBe('alice.ton');
  });

  it('tells TON names from web names', () => {
    expect(isTonDnsName('alice.ton')).toBe(true);
    expect(isTonDnsName('Durov.T.Me.')).toBe(true);
    expect(isTonDnsName('example.com')).toBe(false);
    expect(isTonDnsName('t.me')).toBe(false);
  });
});

// Labels: any Unicode text without '.', without code points 0..32 and 127..159, non-empty.
const labelChar = fc
  .oneof(
    fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'),
    fc
      .integer({ min: 0xa0, max: 0x10ffff })
      .filter((cp) => cp < 0xd800 || cp > 0xdfff)
      .map((cp) => String.fromCodePoint(cp)),
  )
  .filter((c) => c.toLowerCase() === c && !c.toLowerCase().includes('.'));
const label = fc.array(labelChar, { minLength: 1, maxLength: 20 }).map((cs) => cs.join(''));
const name = fc
  .array(label, { minLength: 1, maxLength: 6 })
  .map((ls) => ls.join('.'))
  .filter((n) => new TextEncoder().encode(n).length <= 126 && n.toLowerCase() === n);

// Any text: ASCII (with '.', space, NUL, DEL), C1 controls, any code point including lone surrogates.
const anyText = fc
  .array(
    fc.oneof(
      fc.constantFrom(...'aZz09.-_ \0\x7f\x85'),
      fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp)),
    ),
    { maxLength: 140 },
  )
  .map((cs) => cs.join(''));

describe('DNS name properties (fast-check)', () => {
  it('decode(encode(name)) = name; the internal form is at most 127 bytes and ends with \\0', () => {
    fc.assert(
      fc.property(name, (n) => {
        const internal = encodeDnsName(n);
        expect(internal.length).toBeLessThanOrEqual(127);
        expect(internal[internal.length - 1]).toBe(0);
        expect(decodeDnsName(internal)).toBe(n);
        expect(encodeDnsName(decodeDnsName(internal))).toEqual(internal);
      }),
      { numRuns: 500 },
    );
  });

  it('labels come out top-level first and one \\0 per label', () => {
    fc.assert(
      fc.property(name, (n) => {
        const internal = encodeDnsName(n);
        const zeros = internal.filter((b) => b === 0).length;
        const labels = n.split('.');
        expect(zeros - (internal[0] === 0 ? 1 : 0)).toBe(labels.length);
        expect(decodeDnsLabels(internal)).toEqual([...labels].reverse());
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes decode to labels or DnsInvalidNameError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), (b) => {
        try {
          const labels = decodeDnsLabels(b);
          expect(labels.length).toBeGreaterThan(0);
        } catch (e) {
          expect(e).toBeInstanceOf(DnsInvalidNameError);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('random strings normalize or give DnsInvalidNameError, nothing else', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        try {
          const n = normalizeDnsName(s);
          expect(decodeDnsName(encodeDnsName(n))).toBe(n);
        } catch (e) {
          expect(e).toBeInstanceOf(DnsInvalidNameError);
        }
      }),
      { numRuns: 200 },
    );
  });
});
