import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { beginCell, Address } from '@ton/core';
import {
  dnsCategoryLabel,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_STORAGE,
  DNS_CATEGORY_WALLET,
  DnsInvalidCategoryError,
  dnsItemIndex,
  dnsRootConfigParam,
  dnsRootFromConfigParam,
  parseDnsCategory,
} from '../../../src/net/dns/index.ts';

const dnsJson = JSON.parse(
  readFileSync(new URL('../../../../shared/spec/dns.json', import.meta.url), 'utf8'),
);
const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');

describe('DNS categories', () => {
  it('are sha256 of the category name as big-endian uint256 (dns.json category_sha256)', () => {
    expect(hex64(DNS_CATEGORY_SITE)).toBe(dnsJson.category_sha256.site);
    expect(hex64(DNS_CATEGORY_WALLET)).toBe(dnsJson.category_sha256.wallet);
    expect(hex64(DNS_CATEGORY_STORAGE)).toBe(dnsJson.category_sha256.storage);
    expect(hex64(DNS_CATEGORY_NEXT_RESOLVER)).toBe(dnsJson.category_sha256.dns_next_resolver);
  });

  it('parse from the CLI forms and label back', () => {
    expect(parseDnsCategory('all')).toBe(DNS_CATEGORY_ALL);
    expect(parseDnsCategory('site')).toBe(DNS_CATEGORY_SITE);
    expect(parseDnsCategory(dnsJson.category_sha256.storage)).toBe(DNS_CATEGORY_STORAGE);
    expect(parseDnsCategory('0x' + dnsJson.category_sha256.wallet)).toBe(DNS_CATEGORY_WALLET);
    expect(dnsCategoryLabel(DNS_CATEGORY_SITE)).toBe('site');
    expect(dnsCategoryLabel(7n)).toBe('7'.padStart(64, '0'));
    expect(() => parseDnsCategory('web')).toThrow(DnsInvalidCategoryError);
  });
});

describe('DNS item index and root config', () => {
  it('item index is slice_hash(label), not sha256(label) (dns.json item_index_examples_computed)', () => {
    expect(hex64(dnsItemIndex('foundation'))).toBe(dnsJson.item_index_examples_computed.foundation);
    expect(hex64(dnsItemIndex('foundation'))).not.toBe(
      dnsJson.item_index_examples_computed.sha256_plain_foundation_for_contrast,
    );
  });

  it('ConfigParam 4 holds the 256-bit masterchain account id of the root (mainnet root, dns.json)', () => {
    const root = Address.parseRaw(dnsJson.root_dns.address_raw);
    const param = beginCell().storeBuffer(root.hash).endCell();
    expect(dnsRootFromConfigParam(param).equals(root)).toBe(true);
    expect(dnsRootConfigParam(root).hash()).toEqual(param.hash());
    expect(Address.parse(dnsJson.root_dns.address_friendly).equals(root)).toBe(true);
  });
});
