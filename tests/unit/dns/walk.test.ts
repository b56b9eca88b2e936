import { describe, expect, it } from 'vitest';
import { beginCell } from '@ton/core';
import {
  buildDnsRecord,
  DnsExpiredError,
  DnsNoRecordError,
  DnsNotRegisteredError,
  DnsRecordParseError,
  DnsResolverError,
  DnsSourceError,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_SITE,
  DNS_RENEWAL_PERIOD,
  walkDns,
  type DnsError,
} from '../../../src/net/dns/index.ts';
import { addr, FakeDnsSource } from './fake-source.ts';

const root = addr(0);
const collection = addr(1);
const item = addr(2);
const sub = addr(3);
const subItem = addr(4);
const next = (a: ReturnType<typeof addr>) => buildDnsRecord({ type: 'next_resolver', address: a });
const site = buildDnsRecord({ type: 'adnl', adnl: new Uint8Array(32).fill(7), protocols: null });

/** root -> collection -> item for alice.ton, as the real contracts answer (DIGEST §9.2 walk example). */
function aliceTon(): FakeDnsSource {
  return new FakeDnsSource()
    .on(root, '\0ton\0alice\0', 0, 32, next(collection))
    .on(collection, '\0alice\0', 0, 48, next(item))
    .on(item, '\0', 0, 8, site);
}

async function failure(p: Promise<unknown>): Promise<DnsError> {
  try {
    await p;
  } catch (e) {
    return e as DnsError;
  }
  throw new Error('expected a failure');
}

describe('walkDns', () => {
  it('follows dns_next_resolver hops and returns the record with the trace', async () => {
    const src = aliceTon();
    src.fillUp.set(item.toRawString(), src.clock - 100);
    const res = await walkDns(src, 'Alice.TON', DNS_CATEGORY_SITE);
    expect(res.name).toBe('alice.ton');
    expect(res.answer).toMatchObject({ kind: 'record', record: { type: 'adnl' } });
    expect(
      res.hops.map((h) => [h.contract.toRawString(), h.resolvedBits, h.nextResolver?.toRawString() ?? null]),
    ).toEqual([
      [root.toRawString(), 32, collection.toRawString()],
      [collection.toRawString(), 48, item.toRawString()],
      [item.toRawString(), 8, null],
    ]);
    expect(res.expiresAt).toBe(src.clock - 100 + DNS_RENEWAL_PERIOD);
    expect(res.sources).toEqual(['fake']);
  });

  it('resolves sub-domains through the owner-set next resolver (any depth)', async () => {
    const src = aliceTon()
      .on(root, '\0ton\0alice\0docs\0', 0, 32, next(collection))
      .on(collection, '\0alice\0docs\0', 0, 48, next(item))
      .on(item, '\0docs\0', 0, 8, next(sub))
      .on(sub, 'docs\0', 0, 32, next(subItem))
      .on(subItem, '\0', 0, 8, site);
    const res = await walkDns(src, 'docs.alice.ton', DNS_CATEGORY_SITE);
    expect(res.hops).toHaveLength(5);
    expect(res.hops[2].query).toEqual(new TextEncoder().encode('\0docs\0'));
    // the item consumed its own "\0"; the sub-resolver gets the rest as is
    expect(res.hops[3].query).toEqual(new TextEncoder().encode('docs\0'));
    src.answers.delete(FakeDnsSource.key(sub, 'docs\0'));
    const e = await failure(walkDns(src, 'docs.alice.ton', DNS_CATEGORY_SITE));
    expect(e).toMatchObject({ code: 'not_registered', domain: 'docs.alice.ton', reason: 'no_contract' });
    expect(e.message).toContain('sub-domain resolver');
  });

  it('skips the expiry check when asked, and when the item has no get_last_fill_up_time', async () => {
    const src = aliceTon();
    expect((await walkDns(src, 'alice.ton', DNS_CATEGORY_SITE)).expiresAt).toBeNull();
    src.fillUp.set(item.toRawString(), 0);
    expect((await walkDns(src, 'alice.ton', DNS_CATEGORY_SITE, { checkExpiry: false })).expiresAt).toBeNull();
  });

  it("asks the final item's expiry together with its dnsresolve, not after it", async () => {
    const order: string[] = [];
    class Traced extends FakeDnsSource {
      override async dnsresolve(account: typeof root, domain: Uint8Array, category: bigint) {
        const who = account.equals(item) ? 'item' : account.toRawString().slice(0, 4);
        order.push(`resolve ${who}`);
        await new Promise((r) => setTimeout(r, 5));
        order.push(`answer ${who}`);
        return super.dnsresolve(account, domain, category);
      }
      override async lastFillUpTime(account: typeof root) {
        order.push(`fill-up ${account.equals(item) ? 'item' : account.toRawString()}`);
        return super.lastFillUpTime(account);
      }
    }
    const src = new Traced()
      .on(root, '\0ton\0alice\0', 0, 32, next(collection))
      .on(collection, '\0alice\0', 0, 48, next(item))
      .on(item, '\0', 0, 8, site);
    src.fillUp.set(item.toRawString(), src.clock - 100);
    const res = await walkDns(src, 'alice.ton', DNS_CATEGORY_SITE);
    expect(res.expiresAt).toBe(src.clock - 100 + DNS_RENEWAL_PERIOD);
    expect(order.filter((o) => o.startsWith('fill-up'))).toEqual(['fill-up item']);
    expect(order.indexOf('fill-up item')).toBeLessThan(order.indexOf('answer item'));

    // A last hop that does not answer for itself: its (speculative) fill-up time is not used.
    src.fillUp.set(item.toRawString(), src.clock - DNS_RENEWAL_PERIOD - 1);
    src.on(item, '\0', 0, 0, null);
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toMatchObject({ code: 'not_registered' });
  });

  it('a root hint asks the first hop with the root lookup, and is used only when the root confirms it', async () => {
    const order: string[] = [];
    class Guessing extends FakeDnsSource {
      guess: typeof root | null = root;
      hints() {
        return this.guess ? { root: this.guess } : null;
      }
      override async rootAddress() {
        order.push('root?');
        await new Promise((r) => setTimeout(r, 5));
        order.push('root!');
        return super.rootAddress();
      }
      override async dnsresolve(account: typeof root, domain: Uint8Array, category: bigint) {
        order.push(`resolve ${account.toRawString().slice(0, 4)}`);
        return super.dnsresolve(account, domain, category);
      }
    }
    const src = new Guessing()
      .on(root, '\0ton\0alice\0', 0, 32, next(collection))
      .on(collection, '\0alice\0', 0, 48, next(item))
      .on(item, '\0', 0, 8, site);
    const res = await walkDns(src, 'alice.ton', DNS_CATEGORY_SITE);
    expect(res.hops.map((h) => h.contract.toRawString())).toEqual(
      [root, collection, item].map((a) => a.toRawString()),
    );
    expect(order.slice(0, 3)).toEqual([`resolve ${root.toRawString().slice(0, 4)}`, 'root?', 'root!']);
    expect(order.filter((o) => o.startsWith('resolve'))).toHaveLength(3); // no second root query

    // A stale guess (another contract, which even answers): its answer is dropped, the real root is asked.
    const stale = addr(9);
    src.on(stale, '\0ton\0alice\0', 0, 32, next(sub));
    src.guess = stale;
    order.length = 0;
    const again = await walkDns(src, 'alice.ton', DNS_CATEGORY_SITE);
    expect(again.hops.map((h) => h.contract.toRawString())).toEqual(
      res.hops.map((h) => h.contract.toRawString()),
    );
    expect(order.filter((o) => o.startsWith('resolve'))).toHaveLength(4);
  });

  it('an item not renewed for a year is expired', async () => {
    const src = aliceTon();
    src.fillUp.set(item.toRawString(), src.clock - DNS_RENEWAL_PERIOD - 1);
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsExpiredError);
    expect((e as DnsExpiredError).domain).toBe('alice.ton');
    expect((e as DnsExpiredError).contract.equals(item)).toBe(true);
    expect(e.hops).toHaveLength(3);
  });

  it('a missing item contract means not registered', async () => {
    const src = aliceTon();
    src.answers.delete(FakeDnsSource.key(item, '\0'));
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsNotRegisteredError);
    expect(e).toMatchObject({ domain: 'alice.ton', reason: 'no_contract' });
    expect(e.hops).toHaveLength(3);
  });

  it('a resolver resolving 0 bits means not registered (the unknown label is named)', async () => {
    const src = new FakeDnsSource().on(root, '\0com\0alice\0', 0, 0, null);
    const e = await failure(walkDns(src, 'alice.com', DNS_CATEGORY_SITE));
    expect(e).toMatchObject({ code: 'not_registered', domain: 'com', reason: 'unknown_label' });
    expect(e.message).toContain('resolving alice.com');
  });

  it('a partial answer without a next resolver: the parent has no sub-domain resolver', async () => {
    const src = aliceTon()
      .on(root, '\0ton\0alice\0x\0', 0, 32, next(collection))
      .on(collection, '\0alice\0x\0', 0, 48, next(item))
      .on(item, '\0x\0', 0, 8, null);
    const e = await failure(walkDns(src, 'x.alice.ton', DNS_CATEGORY_SITE));
    expect(e).toMatchObject({ code: 'not_registered', domain: 'x.alice.ton' });
    expect(e.message).toContain('alice.ton has no resolver for its sub-domains');
  });

  it('no record of the category', async () => {
    const src = aliceTon().on(item, '\0', 0, 8, null);
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsNoRecordError);
    expect(e.message).toBe("alice.ton has no 'site' record");
    const all = await walkDns(src, 'alice.ton', DNS_CATEGORY_ALL);
    expect(all.answer).toEqual({ kind: 'all', records: [] });
  });

  it('resolver failures carry the contract and the exit code', async () => {
    const src = aliceTon().on(collection, '\0alice\0', 413, 0, null);
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsResolverError);
    expect((e as DnsResolverError).exitCode).toBe(413);
    expect((e as DnsResolverError).contract.equals(collection)).toBe(true);
    expect(e.hops).toHaveLength(2);
  });

  it('rejects impossible answers: bits not a multiple of 8, more than asked, partial with another record', async () => {
    for (const [bits, result] of [
      [12, next(collection)],
      [8 * 20, next(collection)],
      [-8, next(collection)],
      [32, site],
      [32, beginCell().storeUint(0xba93, 16).endCell()],
    ] as const) {
      const src = new FakeDnsSource().on(root, '\0ton\0alice\0', 0, bits, result);
      const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
      expect(e, `${bits}`).toBeInstanceOf(DnsResolverError);
    }
  });

  it('a malformed final record is a DnsRecordParseError with the trace', async () => {
    const src = aliceTon().on(item, '\0', 0, 8, beginCell().storeUint(0xad01, 16).endCell());
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsRecordParseError);
    expect(e.hops).toHaveLength(3);
  });

  it('stops after maxHops', async () => {
    const e = await failure(walkDns(aliceTon(), 'alice.ton', DNS_CATEGORY_SITE, { maxHops: 2 }));
    expect(e).toBeInstanceOf(DnsResolverError);
    expect(e.message).toContain('more than 2 resolver hops');
  });

  it('a source that throws becomes a DnsSourceError naming the source', async () => {
    const src = aliceTon();
    src.answers.set(FakeDnsSource.key(collection, '\0alice\0'), new Error('connection reset'));
    const e = await failure(walkDns(src, 'alice.ton', DNS_CATEGORY_SITE));
    expect(e).toBeInstanceOf(DnsSourceError);
    expect(e.message).toBe('fake: connection reset');
    expect(e.hops).toHaveLength(1);
  });
});

describe('DnsError.withHops', () => {
  it('gives a copy of the same class and fields with the hops, leaving the original as it was', async () => {
    const { DnsNotRegisteredError } = await import('../../../src/net/dns/index.ts');
    const { Address } = await import('@ton/core');
    const contract = Address.parseRaw(`0:${'11'.repeat(32)}`);
    const original = new DnsNotRegisteredError('bob.ton', 'no_contract', contract, 'no such item');
    const hop = { contract, query: new Uint8Array([1]), resolvedBits: 8, exitCode: 0, nextResolver: null };
    const copy = original.withHops([hop]);
    expect(copy).toBeInstanceOf(DnsNotRegisteredError);
    expect(copy).not.toBe(original);
    expect(copy.hops).toEqual([hop]);
    expect(original.hops).toEqual([]);
    expect([copy.message, copy.code, copy.domain, copy.reason, copy.stack]).toEqual([
      original.message,
      original.code,
      original.domain,
      original.reason,
      original.stack,
    ]);
  });
});
