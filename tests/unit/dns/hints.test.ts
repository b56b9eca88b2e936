/**
 * Network hints (src/net/dns/hints.ts) against material we did not write: ../shared/spec/dns.json (the mainnet
 * root's code+data, the testnet collection and item code) and the public global configs (zero-state hashes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Address, beginCell, Cell, contractAddress } from '@ton/core';
import {
  dnsHintsForConfig,
  dnsHintsFromJson,
  dnsHintsToJson,
  DnsHintsError,
  MAINNET_DNS_HINTS,
  TESTNET_DNS_HINTS,
} from '../../../src/net/dns/index.ts';

const spec = (file: string) =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/${file}`, import.meta.url), 'utf8'));
const dns = spec('dns.json');
const mainnetConfig = spec('global-config-mainnet.json');
const testnetConfig = spec('global-config-testnet.json');
const cell = (hex: string) => Cell.fromBoc(Buffer.from(hex, 'hex'))[0];

describe('compiled-in hints', () => {
  it('mainnet: the root is ConfigParam 4 and the zones are what the deployed root names', () => {
    const rootCode = cell(dns.root_dns.code_boc_hex);
    const rootData = cell(dns.root_dns.data_boc_hex_computed);
    // code+data hash to the root address, so the data below is the deployed root's own
    expect(contractAddress(-1, { code: rootCode, data: rootData }).equals(MAINNET_DNS_HINTS.root!)).toBe(
      true,
    );
    expect(MAINNET_DNS_HINTS.root!.toRawString()).toBe(dns.root_dns.address_raw);
    const s = rootData.beginParse();
    const [ton, tme] = [s.loadAddress(), s.loadAddress()];
    expect(MAINNET_DNS_HINTS.zones!.ton.resolver.equals(ton)).toBe(true);
    expect(MAINNET_DNS_HINTS.zones!['t.me'].resolver.equals(tme)).toBe(true);
    expect(ton.toString()).toBe(dns.ton_collection.address_friendly);
    expect(MAINNET_DNS_HINTS.zones!.ton.itemCode).toBeUndefined();
  });

  it("testnet: the item code is dns.json's, and it is the code the testnet .ton collection deploys", () => {
    const zone = TESTNET_DNS_HINTS.zones!.ton;
    expect(zone.itemCode!.equals(cell(dns.dns_item.code_boc_hex_candidate))).toBe(true);
    const data = beginCell()
      .storeRef(beginCell().storeUint(1, 8).storeStringTail('https://dns.ton.org/collection.json').endCell())
      .storeRef(zone.itemCode!)
      .endCell();
    const code = cell(dns.ton_collection.code_boc_hex_candidate);
    expect(contractAddress(0, { code, data }).equals(zone.resolver)).toBe(true);
    expect(TESTNET_DNS_HINTS.root).toBeUndefined();
  });

  it('picks the table by the zero state of the public configs', () => {
    expect(dnsHintsForConfig(mainnetConfig)).toBe(MAINNET_DNS_HINTS);
    expect(dnsHintsForConfig(testnetConfig)).toBe(TESTNET_DNS_HINTS);
    const other = structuredClone(mainnetConfig);
    other.validator.zero_state.file_hash = 'AAAA' + other.validator.zero_state.file_hash.slice(4);
    expect(dnsHintsForConfig(other)).toBeNull();
    expect(dnsHintsForConfig(null)).toBeNull();
    expect(dnsHintsForConfig({})).toBeNull();
  });
});

describe('dns_hints config section', () => {
  const devnetLike = {
    root: MAINNET_DNS_HINTS.root,
    zones: {
      ton: TESTNET_DNS_HINTS.zones!.ton,
      't.me': { resolver: MAINNET_DNS_HINTS.zones!['t.me'].resolver },
    },
  };

  it('round-trips and wins over the zero-state table', () => {
    const json = dnsHintsToJson(devnetLike);
    expect(json.root).toBe(dns.root_dns.address_raw);
    const back = dnsHintsFromJson(JSON.parse(JSON.stringify(json)));
    expect(back.root!.equals(devnetLike.root!)).toBe(true);
    expect(back.zones!.ton.itemCode!.equals(devnetLike.zones.ton.itemCode!)).toBe(true);
    expect(back.zones!['t.me'].itemCode).toBeUndefined();
    const config = { ...structuredClone(mainnetConfig), dns_hints: json };
    expect(dnsHintsForConfig(config)!.zones!.ton.resolver.equals(devnetLike.zones.ton.resolver)).toBe(true);
    // friendly addresses and zone names in any case are accepted
    const friendly = dnsHintsFromJson({ zones: { TON: { resolver: dns.ton_collection.address_friendly } } });
    expect(friendly.zones!.ton.resolver.toRawString()).toBe(dns.ton_collection.address_raw);
  });

  it('malformed sections are a DnsHintsError (and count as no hints in a config)', () => {
    const bad: unknown[] = [
      null,
      [],
      'x',
      { root: 42 },
      { root: 'not an address' },
      { root: dns.ton_collection.address_raw }, // not in the masterchain
      { zones: [] },
      { zones: { ton: 'x' } },
      { zones: { ton: {} } },
      { zones: { 'bad..name': { resolver: dns.ton_collection.address_raw } } },
      { zones: { ton: { resolver: dns.ton_collection.address_raw, item_code: '!!' } } },
      { zones: { ton: { resolver: dns.ton_collection.address_raw, item_code: 'AAAA' } } },
      { zones: { ton: { resolver: dns.ton_collection.address_raw, item_code: 'A'.repeat(40_000) } } },
      { zones: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`z${i}`, {}])) },
    ];
    for (const b of bad) {
      expect(() => dnsHintsFromJson(b), JSON.stringify(b).slice(0, 80)).toThrow(DnsHintsError);
      expect(dnsHintsForConfig({ ...mainnetConfig, dns_hints: b })).toBeNull();
    }
  });

  it('random sections: hints or a DnsHintsError, nothing else', () => {
    const address = fc.constantFrom(
      dns.root_dns.address_raw,
      dns.ton_collection.address_friendly,
      '0:zz',
      '',
      Address.parseRaw(dns.tme_collection.address_raw).toString(),
    );
    const itemCode = fc.oneof(
      fc.constant(Buffer.from(cell(dns.dns_item.code_boc_hex_candidate).toBoc()).toString('base64')),
      fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64')),
      fc.string(),
    );
    const section = fc.oneof(
      fc.anything(),
      fc.record(
        {
          root: fc.oneof(address, fc.anything()),
          zones: fc.dictionary(
            fc.string({ maxLength: 8 }),
            fc.oneof(
              fc.record({ resolver: address, item_code: itemCode }, { requiredKeys: ['resolver'] }),
              fc.anything(),
            ),
          ),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(section, (s) => {
        try {
          dnsHintsFromJson(s);
        } catch (error) {
          if (!(error instanceof DnsHintsError)) throw error;
        }
      }),
      { numRuns: 300 },
    );
  });
});
