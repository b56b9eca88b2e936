/**
 * TON DNS against the real contracts in a @ton/sandbox Blockchain (src/devnet/dns): every demo name, sub-domains
 * through owner-set next resolvers, the unregistered names, item addresses, and two sources that disagree.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Blockchain } from '@ton/sandbox';
import { beginCell } from '@ton/core';
import {
  CachingResolver,
  CrossCheckResolver,
  DnsDisagreementError,
  DnsError,
  DnsExpiredError,
  DnsNoRecordError,
  DnsNotRegisteredError,
  dnsItemAddress,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_CATEGORY_SITE,
  MemoryDnsCacheStore,
  parseDnsRecord,
  recordToJson,
  SourceResolver,
  type DnsResolution,
} from '../../src/net/dns/index.ts';
import {
  deployDns,
  loadDnsContractCode,
  sendChangeDnsRecord,
  SandboxDnsSource,
  type DeployedDns,
} from '../../src/devnet/dns/index.ts';

let chain: Blockchain;
let dns: DeployedDns;
let resolver: SourceResolver;

beforeAll(async () => {
  chain = await Blockchain.create();
  dns = await deployDns(chain);
  resolver = new SourceResolver(new SandboxDnsSource(chain));
});

const byName = (name: string) => dns.names.find((n) => n.name === name)!;
const json = (r: DnsResolution) => (r.answer.kind === 'record' ? recordToJson(r.answer.record) : null);

describe('devnet DNS with the real contracts', () => {
  it('uses the hash-checked contract code from dns.json', () => {
    expect(dns.codeHashes).toEqual({
      root: '9ffe14989a82dd5e0ec22a6f2a14f784a72c347d7552c6f220d9c3e13b7e2778',
      collection: 'c45a70715e226a2aafa76c7781f3ced852aa044a3eb52b9097341761846a4125',
      item: '3f0ab9253170c86aaeebfeabb2de0bc2d35b4c854a98ea37dc2cdffde8f4e811',
    });
  });

  it('every live demo name resolves to each of its records', async () => {
    for (const d of dns.names.filter((n) => !n.expired)) {
      for (const [category, record] of d.records) {
        const res = await resolver.resolve(d.name, category);
        expect(json(res), `${d.name} ${category.toString(16)}`).toEqual(recordToJson(record));
        expect(res.hops.at(-1)!.contract.equals(d.item)).toBe(true);
        expect(res.expiresAt).toBeGreaterThan(Date.now() / 1000);
      }
      const all = await resolver.resolve(d.name, DNS_CATEGORY_ALL);
      expect(all.answer.kind).toBe('all');
      if (all.answer.kind === 'all') {
        expect(all.answer.records.map((e) => e.category).sort()).toEqual([...d.records.keys()].sort());
      }
    }
  });

  it('walks root -> .ton collection -> item for a second-level name', async () => {
    const res = await resolver.resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(res.hops.map((h) => [h.contract.toRawString(), h.resolvedBits])).toEqual([
      [dns.root.toRawString(), 32],
      [dns.collections.ton.toRawString(), 48],
      [byName('alice.ton').item.toRawString(), 8],
    ]);
  });

  it('resolves sub-domains through the next resolver their parent owner set, at any depth', async () => {
    const docs = await resolver.resolve('docs.alice.ton', DNS_CATEGORY_SITE);
    expect(json(docs)).toEqual(recordToJson(byName('docs.alice.ton').records.get(DNS_CATEGORY_SITE)!));
    const alice = byName('alice.ton');
    expect(docs.hops[2].contract.equals(alice.item)).toBe(true);
    expect(docs.hops[2].nextResolver!.equals(dns.subRegistries.get('alice.ton')!)).toBe(true);
    expect(alice.records.get(DNS_CATEGORY_NEXT_RESOLVER)).toMatchObject({ type: 'next_resolver' });
    expect(docs.hops.at(-1)!.contract.equals(byName('docs.alice.ton').item)).toBe(true);
    const blog = await resolver.resolve('blog.docs.alice.ton', DNS_CATEGORY_SITE);
    expect(blog.hops).toHaveLength(7);
    expect(json(blog)).toEqual(recordToJson(byName('blog.docs.alice.ton').records.get(DNS_CATEGORY_SITE)!));
  });

  it('resolves .t.me names through the root\'s "me\\0t\\0" branch', async () => {
    const res = await resolver.resolve('gateway.t.me', DNS_CATEGORY_SITE);
    expect(res.hops[0].resolvedBits).toBe(40);
    expect(res.hops[1].contract.equals(dns.collections.tme)).toBe(true);
  });

  it("www.ton goes through the root's alias to the configured item", async () => {
    const res = await resolver.resolve('www.ton', DNS_CATEGORY_SITE);
    expect(res.hops[0].resolvedBits).toBe(64);
    expect(res.hops[1].contract.equals(dns.www)).toBe(true);
    expect(json(res)).toEqual(recordToJson(byName('alice.ton').records.get(DNS_CATEGORY_SITE)!));
  });

  it('the unregistered names give not_registered', async () => {
    expect(dns.unregistered.length).toBeGreaterThan(0);
    for (const name of dns.unregistered) {
      const e = await resolver.resolve(name, DNS_CATEGORY_SITE).catch((x) => x);
      expect(e, name).toBeInstanceOf(DnsNotRegisteredError);
    }
    const e = (await resolver
      .resolve('nobody.ton', DNS_CATEGORY_SITE)
      .catch((x) => x)) as DnsNotRegisteredError;
    expect(e).toMatchObject({ domain: 'nobody.ton', reason: 'no_contract' });
    expect(e.contract.equals(dnsItemAddress(dns.collections.ton, loadDnsContractCode().item, 'nobody'))).toBe(
      true,
    );
    const com = (await resolver
      .resolve('alice.com', DNS_CATEGORY_SITE)
      .catch((x) => x)) as DnsNotRegisteredError;
    expect(com).toMatchObject({ domain: 'com', reason: 'unknown_label' });
    const sub = (await resolver.resolve('docs.static.ton', DNS_CATEGORY_SITE).catch((x) => x)) as DnsError;
    expect(sub.message).toContain('static.ton has no resolver for its sub-domains');
  });

  it('a registered name without the record gives no_record; an expired one gives expired', async () => {
    expect(await resolver.resolve('wallet-only.ton', DNS_CATEGORY_SITE).catch((x) => x)).toBeInstanceOf(
      DnsNoRecordError,
    );
    const e = (await resolver.resolve('oldsite.ton', DNS_CATEGORY_SITE).catch((x) => x)) as DnsExpiredError;
    expect(e).toBeInstanceOf(DnsExpiredError);
    expect(e.contract.equals(byName('oldsite.ton').item)).toBe(true);
    expect(e.expiredAt).toBeLessThan(Date.now() / 1000);
  });

  it("the item address the client computes equals the collection's get_nft_address_by_index and its dnsresolve", async () => {
    const code = loadDnsContractCode();
    for (const d of dns.names) {
      const computed = dnsItemAddress(d.registry, code.item, d.label);
      expect(computed.equals(d.item)).toBe(true);
      const index = beginCell().storeStringTail(d.label).endCell().hash();
      const got = await chain.runGetMethod(d.registry, 'get_nft_address_by_index', [
        { type: 'int', value: BigInt('0x' + index.toString('hex')) },
      ]);
      expect(got.stackReader.readAddress().equals(computed), d.name).toBe(true);
      // and the next resolver the collection itself builds (0xba93 + address) parses to the same address
      const arg = beginCell().storeUint(0, 8).storeStringTail(d.label).storeUint(0, 8).endCell();
      const r = await chain.runGetMethod(d.registry, 'dnsresolve', [
        { type: 'slice', cell: arg },
        { type: 'int', value: DNS_CATEGORY_SITE },
      ]);
      r.stackReader.readBigNumber();
      const next = parseDnsRecord(r.stackReader.readCell());
      expect(next.type === 'next_resolver' && next.address.equals(computed), d.name).toBe(true);
    }
  });

  it('a cached second resolution skips the chain', async () => {
    const source = new SandboxDnsSource(chain);
    const caching = new CachingResolver(new SourceResolver(source), new MemoryDnsCacheStore());
    await caching.resolve('docs.alice.ton', DNS_CATEGORY_SITE);
    const before = source.queries;
    const again = await caching.resolve('docs.alice.ton', DNS_CATEGORY_SITE);
    expect(again.cached).toBe(true);
    expect(source.queries).toBe(before);
  });
});

describe('two sources that disagree', () => {
  it('a tampered copy of the state produces DnsDisagreementError; the honest pair agrees', async () => {
    const tampered = await Blockchain.create();
    await tampered.loadFrom(chain.snapshot());
    const honest = await Blockchain.create();
    await honest.loadFrom(chain.snapshot());
    const good = new CrossCheckResolver([
      new SandboxDnsSource(chain, 'ls-a'),
      new SandboxDnsSource(honest, 'ls-b'),
    ]);
    expect((await good.resolve('alice.ton', DNS_CATEGORY_SITE)).sources).toEqual(['ls-a', 'ls-b']);

    const alice = byName('alice.ton');
    const evil = await tampered.treasury('tonsite-devnet-dns-owner');
    await sendChangeDnsRecord(evil, alice.item, DNS_CATEGORY_SITE, {
      type: 'adnl',
      adnl: new Uint8Array(32).fill(0xee),
      protocols: null,
    });
    const bad = new CrossCheckResolver([
      new SandboxDnsSource(chain, 'ls-a'),
      new SandboxDnsSource(tampered, 'ls-evil'),
    ]);
    const e = (await bad.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x)) as DnsDisagreementError;
    expect(e).toBeInstanceOf(DnsDisagreementError);
    expect(e.sources).toEqual(['ls-a', 'ls-evil']);
    expect(e.outcomes[1]).toContain('eeee');
    // names the tampering does not touch still agree
    expect((await bad.resolve('static.ton', DNS_CATEGORY_SITE)).sources).toHaveLength(2);
  });
});
