import { describe, expect, it } from 'vitest';
import {
  buildDnsRecord,
  CachingResolver,
  CrossCheckResolver,
  DnsDisagreementError,
  DnsNotRegisteredError,
  DnsResolverError,
  DnsSourceError,
  DNS_CATEGORY_SITE,
  DNS_RENEWAL_PERIOD,
  dnsCacheKey,
  MemoryDnsCacheStore,
  SourceResolver,
  type DnsCacheEntry,
  type DnsCacheStore,
  type DnsResolution,
  type DnsResolver,
} from '../../../src/net/dns/index.ts';
import { addr, FakeDnsSource } from './fake-source.ts';

const root = addr(0);
const collection = addr(1);
const item = addr(2);
const next = (a: ReturnType<typeof addr>) => buildDnsRecord({ type: 'next_resolver', address: a });
const site = (fill: number) =>
  buildDnsRecord({ type: 'adnl', adnl: new Uint8Array(32).fill(fill), protocols: null });

function alice(label: string, fill = 7): FakeDnsSource {
  return new FakeDnsSource(label)
    .on(root, '\0ton\0alice\0', 0, 32, next(collection))
    .on(collection, '\0alice\0', 0, 48, next(item))
    .on(item, '\0', 0, 8, site(fill));
}

describe('CrossCheckResolver', () => {
  it('returns the answer when two sources agree, naming both', async () => {
    const r = new CrossCheckResolver([alice('ls1'), alice('ls2')]);
    const res = await r.resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(res.sources).toEqual(['ls1', 'ls2']);
    expect(res.answer).toMatchObject({ kind: 'record', record: { type: 'adnl' } });
  });

  it('different records are a DnsDisagreementError, not a pick', async () => {
    const r = new CrossCheckResolver([alice('ls1', 7), alice('ls2', 8)]);
    const e = await r.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    expect(e).toBeInstanceOf(DnsDisagreementError);
    expect(e.sources).toEqual(['ls1', 'ls2']);
    expect(e.message).toContain('0707');
    expect(e.message).toContain('0808');
  });

  it('an answer against a "not registered" is a disagreement too', async () => {
    const missing = alice('ls2');
    missing.answers.delete(FakeDnsSource.key(item, '\0'));
    const e = await new CrossCheckResolver([alice('ls1'), missing])
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((x) => x);
    expect(e).toBeInstanceOf(DnsDisagreementError);
  });

  it('the same failure from both is that failure', async () => {
    const a = alice('ls1');
    const b = alice('ls2');
    a.answers.delete(FakeDnsSource.key(item, '\0'));
    b.answers.delete(FakeDnsSource.key(item, '\0'));
    const e = await new CrossCheckResolver([a, b]).resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    expect(e).toBeInstanceOf(DnsNotRegisteredError);
  });

  it('replaces a source that cannot answer with the next one; fewer than two answers is a DnsSourceError', async () => {
    const down = alice('down');
    down.failSnapshot = new Error('ECONNREFUSED');
    const failures: string[] = [];
    const r = new CrossCheckResolver([down, alice('ls2'), alice('ls3')], {
      onSourceFailure: (e) => failures.push(e.message),
    });
    expect((await r.resolve('alice.ton', DNS_CATEGORY_SITE)).sources.sort()).toEqual(['ls2', 'ls3']);
    expect(failures).toEqual(['down: ECONNREFUSED']);
    const e = await new CrossCheckResolver([down, alice('ls2')])
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((x) => x);
    expect(e).toBeInstanceOf(DnsSourceError);
    expect(() => new CrossCheckResolver([alice('only')])).toThrow(DnsSourceError);
  });
});

class CountingResolver implements DnsResolver {
  calls = 0;
  constructor(readonly inner: DnsResolver) {}
  resolve(name: string, category: bigint): Promise<DnsResolution> {
    this.calls++;
    return this.inner.resolve(name, category);
  }
}

describe('CachingResolver', () => {
  it('serves a second resolution from the cache, under any spelling of the name', async () => {
    let now = 1_000_000;
    const inner = new CountingResolver(new SourceResolver(alice('ls1')));
    const r = new CachingResolver(inner, new MemoryDnsCacheStore(), { now: () => now });
    const first = await r.resolve('alice.ton', DNS_CATEGORY_SITE);
    const second = await r.resolve('Alice.TON.', DNS_CATEGORY_SITE);
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.answer).toEqual(first.answer);
    expect(second.hops.map((h) => h.contract.toRawString())).toEqual(
      first.hops.map((h) => h.contract.toRawString()),
    );
    expect(inner.calls).toBe(1);
    now += 301_000; // default positive TTL is 300 s
    expect((await r.resolve('alice.ton', DNS_CATEGORY_SITE)).cached).toBe(false);
    expect(inner.calls).toBe(2);
  });

  it('never keeps an answer past the domain expiry', async () => {
    const src = alice('ls1');
    src.fillUp.set(item.toRawString(), src.clock - DNS_RENEWAL_PERIOD + 10); // expires in 10 s
    const store = new MemoryDnsCacheStore();
    const now = src.clock * 1000;
    const r = new CachingResolver(new SourceResolver(src), store, { now: () => now });
    await r.resolve('alice.ton', DNS_CATEGORY_SITE);
    const entry = (await store.get(dnsCacheKey('alice.ton', DNS_CATEGORY_SITE))) as DnsCacheEntry;
    expect(entry.expiresAt).toBe(now + 10_000);
  });

  it('caches "not registered" briefly and does not cache resolver failures', async () => {
    let now = 5_000_000;
    const src = alice('ls1');
    src.answers.delete(FakeDnsSource.key(item, '\0'));
    const inner = new CountingResolver(new SourceResolver(src));
    const r = new CachingResolver(inner, new MemoryDnsCacheStore(), {
      now: () => now,
      negativeTtlSeconds: 30,
    });
    const e1 = await r.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    const e2 = await r.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    expect(e1).toBeInstanceOf(DnsNotRegisteredError);
    expect(e2).toBeInstanceOf(DnsNotRegisteredError);
    expect(e2.message).toBe(e1.message);
    expect(e2.hops).toHaveLength(3);
    expect(inner.calls).toBe(1);
    now += 31_000;
    await r.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    expect(inner.calls).toBe(2);

    const broken = new FakeDnsSource('ls1').on(root, '\0ton\0alice\0', 9, 0, null);
    const inner2 = new CountingResolver(new SourceResolver(broken));
    const r2 = new CachingResolver(inner2, new MemoryDnsCacheStore(), { now: () => now });
    expect(await r2.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x)).toBeInstanceOf(DnsResolverError);
    await r2.resolve('alice.ton', DNS_CATEGORY_SITE).catch((x) => x);
    expect(inner2.calls).toBe(2);
  });

  it('keeps working when the store fails or holds garbage', async () => {
    const failing: DnsCacheStore = {
      get: () => Promise.reject(new Error('quota')),
      set: () => Promise.reject(new Error('quota')),
      delete: () => Promise.resolve(),
      clear: () => Promise.resolve(),
    };
    expect(
      (
        await new CachingResolver(new SourceResolver(alice('a')), failing).resolve(
          'alice.ton',
          DNS_CATEGORY_SITE,
        )
      ).cached,
    ).toBe(false);
    const store = new MemoryDnsCacheStore();
    await store.set(dnsCacheKey('alice.ton', DNS_CATEGORY_SITE), {
      expiresAt: Date.now() + 60_000,
      value: { ok: true, resolution: { nonsense: true } as never },
    });
    expect(
      (
        await new CachingResolver(new SourceResolver(alice('a')), store).resolve(
          'alice.ton',
          DNS_CATEGORY_SITE,
        )
      ).cached,
    ).toBe(false);
  });

  it('the memory store is bounded', async () => {
    const store = new MemoryDnsCacheStore(2);
    for (const k of ['a', 'b', 'c'])
      await store.set(k, {
        expiresAt: 1,
        value: { ok: false, error: { code: 'expired', message: '', hops: [] } },
      });
    expect(store.size).toBe(2);
    expect(await store.get('a')).toBeUndefined();
  });
});
