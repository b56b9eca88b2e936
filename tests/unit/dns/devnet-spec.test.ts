import { describe, expect, it } from 'vitest';
import { Address } from '@ton/core';
import {
  DemoSpecError,
  demoCategory,
  demoRecord,
  loadDemoDomains,
  loadDnsContractCode,
  mintableLabel,
  TESTNET_TON_COLLECTION,
  validateDemoDomains,
  type DemoDomainsSpec,
} from '../../../src/devnet/dns/index.ts';
import { DNS_CATEGORY_SITE, dnsCategoryOf, DnsInvalidNameError } from '../../../src/net/dns/index.ts';

describe('devnet DNS contract code (dns.json, hash-checked)', () => {
  it('loads the root, collection and item code and checks them against known addresses', () => {
    const code = loadDnsContractCode();
    expect(code.hashes.root).toBe('9ffe14989a82dd5e0ec22a6f2a14f784a72c347d7552c6f220d9c3e13b7e2778');
    expect(code.hashes.collection).toBe('c45a70715e226a2aafa76c7781f3ced852aa044a3eb52b9097341761846a4125');
    expect(code.hashes.item).toBe('3f0ab9253170c86aaeebfeabb2de0bc2d35b4c854a98ea37dc2cdffde8f4e811');
    expect(
      TESTNET_TON_COLLECTION.equals(
        Address.parseRaw('0:e33ed33a42eb2032059f97d90c706f8400bb256d32139ca707f1564ad699c7dd'),
      ),
    ).toBe(true);
  });
});

describe('demo-domains.json', () => {
  it('holds what the issue asks for: ADNL site, bag site, sub-domain, .t.me, unregistered', () => {
    const spec = loadDemoDomains();
    const sites = spec.domains.map((d) => d.records.site).filter(Boolean);
    expect(sites.some((s) => 'adnl' in s)).toBe(true);
    expect(sites.some((s) => 'bag' in s)).toBe(true);
    expect(spec.domains.some((d) => d.name.split('.').length >= 3 && d.name.endsWith('.ton'))).toBe(true);
    expect(spec.domains.some((d) => d.name.endsWith('.t.me'))).toBe(true);
    expect(spec.unregistered?.length).toBeGreaterThan(0);
  });

  it('rejects names the contracts would not mint, missing parents and bad records', () => {
    const base = (domains: DemoDomainsSpec['domains']): DemoDomainsSpec => ({ domains });
    expect(() => validateDemoDomains(base([{ name: 'abc.ton', records: {} }]))).toThrow(DemoSpecError); // < 4 chars
    expect(() => validateDemoDomains(base([{ name: 'a_bc.ton', records: {} }]))).toThrow(DemoSpecError);
    expect(() => validateDemoDomains(base([{ name: 'docs.alice.ton', records: {} }]))).toThrow(
      /parent alice.ton/,
    );
    expect(() => validateDemoDomains(base([{ name: 'alice.com', records: {} }]))).toThrow(DemoSpecError);
    expect(() => validateDemoDomains(base([{ name: 'Alice.ton', records: {} }]))).toThrow(DemoSpecError);
    expect(() => validateDemoDomains(base([{ name: 'a..ton', records: {} }]))).toThrow(DnsInvalidNameError);
    expect(() =>
      validateDemoDomains(base([{ name: 'alice.ton', records: { site: { adnl: '12' } } }])),
    ).toThrow(DemoSpecError);
    expect(() =>
      validateDemoDomains({ domains: [{ name: 'alice.ton', records: {} }], unregistered: ['alice.ton'] }),
    ).toThrow(DemoSpecError);
    expect(mintableLabel('wallet-only')).toBe(true);
    expect(mintableLabel('-abcd')).toBe(false);
    expect(mintableLabel('abcd-')).toBe(false);
  });

  it('maps categories and record forms', () => {
    expect(demoCategory('site')).toBe(DNS_CATEGORY_SITE);
    expect(demoCategory('description')).toBe(dnsCategoryOf('description'));
    expect(demoRecord('x.ton', 'site', { bag: '00'.repeat(32) })).toMatchObject({ type: 'storage' });
    expect(demoRecord('x.ton', 'wallet', { smc: '0:' + '11'.repeat(32) })).toMatchObject({ type: 'smc' });
    expect(() => demoRecord('x.ton', 'site', {} as never)).toThrow(DemoSpecError);
  });
});
