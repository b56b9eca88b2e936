/**
 * Fuzz of the text parsers that take what a user, a web page or a local process typed: parseBridgeTcpRequest (the
 * bridge's upgrade request target), parseDnsCategory, parseTonUrl. Valid inputs (built by the project's own
 * writers: bridgeTcpUrl, dnsCategoryLabel, adnlIdToText) parse to what was written; random strings, URL-like
 * strings and single-character mutations only ever throw the module's error (TransportError with close code 4400,
 * DnsError, GatewayError 'url'); very long inputs are refused or parsed, never more.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adnlIdToText } from '../../../src/net/crypto/index.ts';
import {
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_STORAGE,
  DNS_CATEGORY_WALLET,
  DnsError,
  DnsInvalidCategoryError,
  dnsCategoryLabel,
  parseDnsCategory,
} from '../../../src/net/dns/index.ts';
import { GatewayError } from '../../../src/net/gateway/errors.ts';
import { parseTonUrl } from '../../../src/net/gateway/target.ts';
import {
  base64Encode,
  BridgeCloseCode,
  bridgeTcpUrl,
  MAX_BRIDGE_SERVER_INDEX,
  parseBridgeTcpRequest,
  TransportError,
  type BridgeTcpTarget,
} from '../../../src/net/transport/index.ts';
import { onlyTyped, textMutation } from './mutate.ts';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** Any text: code units (lone surrogates too), printable ASCII, and full Unicode. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);
/** Text made of the pieces a parser looks for, so random inputs get past the first checks. */
function piecesOf(pieces: readonly string[], maxLength = 12): fc.Arbitrary<string> {
  return fc
    .array(
      fc.oneof(
        fc.constantFrom(...pieces),
        anyText.map((s) => s.slice(0, 3)),
      ),
      { maxLength },
    )
    .map((a) => a.join(''));
}
const anyChar = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.constantFrom('%', '/', '?', '.'),
);

describe('parseBridgeTcpRequest', () => {
  const target: fc.Arbitrary<BridgeTcpTarget> = fc.oneof(
    fc.integer({ min: 0, max: MAX_BRIDGE_SERVER_INDEX }).map((server) => ({ server })),
    bytes32.map((key) => ({ key })),
  );
  const requestOf = (t: BridgeTcpTarget): string => {
    const url = new URL(bridgeTcpUrl('ws://127.0.0.1:8081', t));
    return url.pathname + url.search;
  };
  const onlyBadRequest = (text: string): BridgeTcpTarget | undefined => {
    try {
      return parseBridgeTcpRequest(text);
    } catch (error) {
      if (!(error instanceof TransportError)) throw error;
      expect(error.code).toBe(BridgeCloseCode.BAD_REQUEST);
      return undefined;
    }
  };

  it('round-trip: bridgeTcpUrl of any target parses back to it (standard and URL-safe base64 keys)', () => {
    fc.assert(
      fc.property(target, fc.boolean(), (t, urlSafe) => {
        expect(parseBridgeTcpRequest(requestOf(t))).toEqual(t);
        if ('key' in t) {
          const text = base64Encode(t.key).replace(/=+$/, '');
          const safe = urlSafe ? text.replace(/\+/g, '-').replace(/\//g, '_') : encodeURIComponent(text);
          expect(parseBridgeTcpRequest(`/tcp?key=${safe}`)).toEqual(t);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('random strings and query-like strings: TransportError 4400 only; what parses is a valid target', () => {
    const pieces = [
      '/tcp',
      '/udp',
      '/',
      '?',
      '&',
      '=',
      'server',
      'key',
      '%',
      '%2',
      '0',
      '1',
      '65535',
      '+',
      '-',
      '#',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          piecesOf(pieces),
          piecesOf(pieces).map((s) => `/tcp?${s}`),
        ),
        (text) => {
          const t = onlyBadRequest(text);
          if (!t) return;
          if ('server' in t)
            expect(Number.isInteger(t.server) && t.server <= MAX_BRIDGE_SERVER_INDEX).toBe(true);
          else expect(t.key.length).toBe(32);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('mutated valid requests: TransportError 4400 only', () => {
    fc.assert(
      fc.property(
        target.chain((t) => textMutation(requestOf(t), anyChar)),
        (text) => {
          onlyBadRequest(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('huge indices, keys and parameter counts are refused with 4400', () => {
    const key = base64Encode(new Uint8Array(32));
    for (const text of [
      '/tcp?server=65536',
      `/tcp?server=${'9'.repeat(400)}`,
      `/tcp?server=1${'0'.repeat(5)}`,
      `/tcp?key=${'A'.repeat(1 << 20)}`,
      `/tcp?key=${key}&key=${key}`,
      `/tcp?${'server=1&'.repeat(10_000)}`,
      `/${'x'.repeat(100_000)}`,
    ]) {
      expect(onlyBadRequest(text)).toBeUndefined();
    }
  });
});

describe('parseDnsCategory', () => {
  const named: [string, bigint][] = [
    ['all', DNS_CATEGORY_ALL],
    ['site', DNS_CATEGORY_SITE],
    ['storage', DNS_CATEGORY_STORAGE],
    ['wallet', DNS_CATEGORY_WALLET],
    ['dns_next_resolver', DNS_CATEGORY_NEXT_RESOLVER],
  ];
  const uint256 = fc.bigInt({ min: 0n, max: (1n << 256n) - 1n });
  const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');

  it('names, and 64 hex digits of any uint256 (either case, optional 0x), parse; dnsCategoryLabel round-trips', () => {
    for (const [name, value] of named) expect(parseDnsCategory(name)).toBe(value);
    fc.assert(
      fc.property(uint256, fc.boolean(), fc.boolean(), (v, upper, prefix) => {
        const text = (prefix ? '0x' : '') + (upper ? hex64(v).toUpperCase() : hex64(v));
        expect(parseDnsCategory(text)).toBe(v);
        expect(parseDnsCategory(dnsCategoryLabel(v))).toBe(v);
      }),
      { numRuns: 200 },
    );
  });

  it('random strings and mutated categories: DnsInvalidCategoryError only; what parses is a uint256', () => {
    const hexChars = fc.constantFrom(...'0123456789abcdefABCDEFxg ');
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.constantFrom(...named.map(([n]) => n)).chain((n) => textMutation(n, anyChar)),
          uint256.chain((v) => textMutation(hex64(v), hexChars)),
          uint256.chain((v) => textMutation('0x' + hex64(v), hexChars)),
        ),
        (text) => {
          const v = onlyTyped(DnsInvalidCategoryError, () => parseDnsCategory(text));
          if (v !== undefined) expect(v >= 0n && v < 1n << 256n).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a long input is refused (DnsError) without being read as a number', () => {
    expect(() => parseDnsCategory('f'.repeat(1 << 20))).toThrow(DnsError);
    expect(() => parseDnsCategory('0x' + 'f'.repeat(65))).toThrow(DnsError);
  });
});

describe('parseTonUrl', () => {
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
  const dnsHost = fc
    .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), fc.constantFrom('.ton', '.t.me'))
    .map(([labels, suffix]) => labels.join('.') + suffix);
  const path = fc.webPath();
  const onlyUrlErrors = (input: string | URL) => {
    try {
      return parseTonUrl(input);
    } catch (error) {
      if (!(error instanceof GatewayError)) throw error;
      expect(error.stage).toBe('url');
      return undefined;
    }
  };

  it('round-trip: .adnl ids, .bag ids and DNS names in http:// URLs parse to their targets (any case, trailing dot)', () => {
    fc.assert(
      fc.property(bytes32, bytes32, dnsHost, path, fc.boolean(), (id, bag, name, p, upper) => {
        const up = (h: string) => (upper ? h.toUpperCase() : h);
        const adnl = parseTonUrl(`http://${up(adnlIdToText(id))}.adnl${p}`);
        expect(adnl.target).toEqual({ kind: 'adnl', host: `${adnlIdToText(id)}.adnl`, adnlId: id });
        const b = parseTonUrl(new URL(`http://${up(toHex(bag))}.bag.${p}`));
        expect(b.target).toEqual({ kind: 'bag', host: `${toHex(bag)}.bag`, bagId: bag });
        const dns = parseTonUrl(`http://${up(name)}:8080${p}`);
        expect(dns.target).toEqual({ kind: 'dns', host: name, name });
        expect(dns.url.port).toBe('8080');
      }),
      { numRuns: 150 },
    );
  });

  it('random strings, random URLs and http:// + random hosts: GatewayError url only; what parses is a TON host', () => {
    const hostPieces = [
      '.ton',
      '.t.me',
      '.adnl',
      '.bag',
      '.',
      'xn--',
      '%',
      '[',
      ']',
      ':',
      '@',
      'a',
      '0',
      'f',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          anyText,
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          piecesOf(hostPieces).map((h) => `http://${h}/`),
          fc
            .constantFrom('https://', 'ftp://', 'ws://', 'http:', 'HTTP://', '')
            .chain((s) => piecesOf(hostPieces, 6).map((h) => `${s}${h}.ton`)),
        ),
        (text) => {
          const r = onlyUrlErrors(text);
          if (!r) return;
          expect(r.url.protocol).toBe('http:');
          expect(/\.(ton|t\.me|adnl|bag)$/.test(r.target.host)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('mutated valid .adnl, .bag and DNS URLs: GatewayError url only', () => {
    const valid = fc.oneof(
      bytes32.map((id) => `http://${adnlIdToText(id)}.adnl/`),
      bytes32.map((b) => `http://${toHex(b)}.bag/`),
      dnsHost.map((h) => `http://${h}/`),
    );
    fc.assert(
      fc.property(
        valid.chain((u) => textMutation(u, anyChar)),
        (text) => {
          const r = onlyUrlErrors(text);
          if (r?.target.kind === 'adnl') expect(r.target.adnlId.length).toBe(32);
          if (r?.target.kind === 'bag') expect(r.target.bagId.length).toBe(32);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('very long URLs are parsed or refused, nothing else', () => {
    onlyUrlErrors(`http://${'a'.repeat(1 << 20)}.ton/`);
    onlyUrlErrors(`http://${'a.'.repeat(100_000)}ton/`);
    expect(onlyUrlErrors(`http://${'a'.repeat(1 << 20)}.adnl/`)).toBeUndefined();
    expect(onlyUrlErrors(`http://${'0'.repeat(1 << 20)}.bag/`)).toBeUndefined();
  });
});
