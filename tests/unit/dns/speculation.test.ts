/**
 * The walk with network hints (walk.ts "Speculation"): every guessed hop goes out before the first answer, a
 * speculative answer is used only where the real chain leads, and with any mix of right, wrong and missing
 * hints the result (hops, records, errors) is exactly the result without hints.
 */
import { describe, expect, it } from 'vitest';
import { beginCell, type Address, type Cell } from '@ton/core';
import {
  buildDnsRecord,
  dnsItemAddress,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_SITE,
  DNS_RENEWAL_PERIOD,
  errorToJson,
  guessDnsHops,
  encodeDnsName,
  resolutionToJson,
  walkDns,
  type DnsHints,
} from '../../../src/net/dns/index.ts';
import { addr, FakeDnsSource } from './fake-source.ts';

const root = addr(0);
const collection = addr(1);
const otherCollection = addr(5);
const sub = addr(3);
const subItem = addr(4);
const itemCode = beginCell().storeUint(0xd15c0de, 32).endCell();
const wrongCode = beginCell().storeUint(0xbadc0de, 32).endCell();
const itemOf = (label: string, coll: Address = collection, code: Cell = itemCode) =>
  dnsItemAddress(coll, code, label);
const alice = itemOf('alice');
const old = itemOf('old');
const next = (a: Address) => buildDnsRecord({ type: 'next_resolver', address: a });
const site = buildDnsRecord({ type: 'adnl', adnl: new Uint8Array(32).fill(7), protocols: null });
const siteB = buildDnsRecord({ type: 'adnl', adnl: new Uint8Array(32).fill(9), protocols: null });

/** The fake chain: a .ton collection whose items are at their computed addresses, like dns-contract's. */
class Chain extends FakeDnsSource {
  hintsValue: DnsHints | null = null;
  /** Every call in order, with the time it was made relative to answers released. */
  log: string[] = [];
  #release: (() => void) | null = null;
  #gate: Promise<void> | null = null;

  hints() {
    return this.hintsValue;
  }
  /** Hold every answer until release() (to see what was asked before the first answer). */
  hold(): void {
    this.#gate = new Promise((r) => (this.#release = r));
  }
  release(): void {
    this.#release?.();
    this.#gate = null;
  }
  override async rootAddress() {
    this.log.push('config');
    await this.#gate;
    return super.rootAddress();
  }
  override async dnsresolve(account: Address, domain: Uint8Array, category: bigint) {
    this.log.push(`resolve ${account.toRawString()} ${JSON.stringify(new TextDecoder().decode(domain))}`);
    await this.#gate;
    return super.dnsresolve(account, domain, category);
  }
  override async lastFillUpTime(account: Address) {
    this.log.push(`fill-up ${account.toRawString()}`);
    await this.#gate;
    return super.lastFillUpTime(account);
  }
  resolves(): number {
    return this.log.filter((l) => l.startsWith('resolve')).length;
  }
}

function chain(): Chain {
  const c = new Chain();
  c.on(root, '\0ton\0alice\0', 0, 32, next(collection))
    .on(collection, '\0alice\0', 0, 48, next(alice))
    .on(alice, '\0', 0, 8, site)
    // docs.alice.ton: alice's item names a sub-domain registry
    .on(root, '\0ton\0alice\0docs\0', 0, 32, next(collection))
    .on(collection, '\0alice\0docs\0', 0, 48, next(alice))
    .on(alice, '\0docs\0', 0, 8, next(sub))
    .on(sub, 'docs\0', 0, 32, next(subItem))
    .on(subItem, '\0', 0, 8, siteB)
    // bob.ton: never minted (the collection names an item that does not exist)
    .on(root, '\0ton\0bob\0', 0, 32, next(collection))
    .on(collection, '\0bob\0', 0, 32, next(itemOf('bob')))
    // old.ton: not renewed for more than a year
    .on(root, '\0ton\0old\0', 0, 32, next(collection))
    .on(collection, '\0old\0', 0, 32, next(old))
    .on(old, '\0', 0, 8, site)
    // x.alice.ton: alice has no sub-domain resolver
    .on(root, '\0ton\0alice\0x\0', 0, 32, next(collection))
    .on(collection, '\0alice\0x\0', 0, 48, next(alice))
    .on(alice, '\0x\0', 0, 8, null)
    // alice.com: an unknown zone
    .on(root, '\0com\0alice\0', 0, 0, null);
  c.fillUp.set(alice.toRawString(), c.clock - 100);
  c.fillUp.set(old.toRawString(), c.clock - DNS_RENEWAL_PERIOD - 1);
  return c;
}

const rightHints: DnsHints = { root, zones: { ton: { resolver: collection, itemCode } } };

/** Everything a caller sees of a walk, for comparing with and without hints. */
async function outcome(c: Chain, name: string, category = DNS_CATEGORY_SITE): Promise<string> {
  try {
    const r = await walkDns(c, name, category);
    return JSON.stringify({ ...resolutionToJson(r), resolvedAt: 0 });
  } catch (error) {
    return JSON.stringify(errorToJson(error as never));
  }
}

describe('guessDnsHops', () => {
  it('predicts the chain of the DIGEST §9.2 walk example (consumed bytes of the internal name)', () => {
    const g = (name: string, hints: DnsHints) =>
      guessDnsHops(hints, name, encodeDnsName(name)).map((h) => [
        h.contract.toRawString(),
        h.consumed,
        h.item,
      ]);
    expect(g('alice.ton', rightHints)).toEqual([
      [root.toRawString(), 0, false], // \0ton\0alice\0
      [collection.toRawString(), 4, false], // \0alice\0
      [alice.toRawString(), 10, true], // \0
    ]);
    expect(g('docs.alice.ton', rightHints)[2]).toEqual([alice.toRawString(), 10, true]); // \0docs\0
    const tme = { zones: { 't.me': { resolver: otherCollection, itemCode }, me: { resolver: sub } } };
    expect(g('bob.t.me', tme)).toEqual([
      [otherCollection.toRawString(), 5, false], // root consumed \0me\0t (the longest zone wins)
      [itemOf('bob', otherCollection).toRawString(), 9, true],
    ]);
    expect(g('alice.com', rightHints)).toEqual([[root.toRawString(), 0, false]]);
    expect(g('alice.ton', { zones: { ton: { resolver: collection } } })).toHaveLength(1); // no item code
  });
});

describe('walkDns with hints', () => {
  it('asks every guessed hop (and the item expiry) before the first answer arrives', async () => {
    const c = chain();
    c.hintsValue = rightHints;
    c.hold();
    const walk = walkDns(c, 'alice.ton', DNS_CATEGORY_SITE);
    await new Promise((r) => setTimeout(r, 10));
    expect(c.log.sort()).toEqual(
      [
        'config',
        `resolve ${root.toRawString()} "\\u0000ton\\u0000alice\\u0000"`,
        `resolve ${collection.toRawString()} "\\u0000alice\\u0000"`,
        `resolve ${alice.toRawString()} "\\u0000"`,
        `fill-up ${alice.toRawString()}`,
      ].sort(),
    );
    c.release();
    const res = await walk;
    expect(c.log).toHaveLength(5); // nothing asked twice, nothing after the answers
    expect(res.hops.map((h) => h.contract.toRawString())).toEqual(
      [root, collection, alice].map((a) => a.toRawString()),
    );
    expect(res.expiresAt).toBe(c.clock - 100 + DNS_RENEWAL_PERIOD);

    // The sub-registry of docs.alice.ton is not predictable: asked after alice's item named it.
    const d = chain();
    d.hintsValue = rightHints;
    await walkDns(d, 'docs.alice.ton', DNS_CATEGORY_SITE);
    expect(d.resolves()).toBe(5);
  });

  it('a root naming another collection: the guesses are dropped and the walk goes on hop by hop', async () => {
    const c = chain();
    const plain = await outcome(c, 'alice.ton');
    c.hintsValue = { root, zones: { ton: { resolver: otherCollection, itemCode } } };
    c.log = [];
    expect(await outcome(c, 'alice.ton')).toBe(plain);
    // root (used), otherCollection + its item (dropped), then collection and alice asked for real
    expect(c.resolves()).toBe(5);
    const asked = c.log.filter((l) => l.startsWith('resolve')).map((l) => l.split(' ')[1]);
    expect(asked.slice(3)).toEqual([collection.toRawString(), alice.toRawString()]);
  });

  it('an item address that differs (other item code): same result, the real item asked after the collection', async () => {
    const c = chain();
    const plain = await outcome(c, 'alice.ton');
    c.hintsValue = { root, zones: { ton: { resolver: collection, itemCode: wrongCode } } };
    c.log = [];
    expect(await outcome(c, 'alice.ton')).toBe(plain);
    expect(c.resolves()).toBe(4);
    const wrongItem = itemOf('alice', collection, wrongCode).toRawString();
    expect(c.log.slice(0, 5)).toContain(`resolve ${wrongItem} "\\u0000"`); // asked ahead, then dropped
    expect(c.log.at(-1)).toBe(`resolve ${alice.toRawString()} "\\u0000"`); // the real item, after the collection
  });

  it('errors are unchanged: not registered, expired, no sub-domain resolver, unknown zone, no record', async () => {
    const names = ['bob.ton', 'old.ton', 'x.alice.ton', 'alice.com', 'docs.alice.ton', 'alice.ton'];
    for (const name of names) {
      const c = chain();
      const plain = await outcome(c, name);
      c.hintsValue = rightHints;
      expect(await outcome(c, name), name).toBe(plain);
    }
    const c = chain().on(alice, '\0', 0, 8, null);
    const plain = await outcome(c, 'alice.ton');
    expect(plain).toContain('no_record');
    c.hintsValue = rightHints;
    expect(await outcome(c, 'alice.ton')).toBe(plain);
    expect(await outcome(c, 'alice.ton', DNS_CATEGORY_ALL)).toContain('"records":[]');
  });

  it('any mix of right, wrong and missing hints gives the result without hints', async () => {
    const roots = [undefined, root, addr(9)];
    const zones: Array<DnsHints['zones']> = [
      undefined,
      { ton: { resolver: collection } },
      { ton: { resolver: collection, itemCode } },
      { ton: { resolver: collection, itemCode: wrongCode } },
      { ton: { resolver: otherCollection, itemCode } },
      { 'alice.ton': { resolver: alice, itemCode } },
    ];
    const names = ['alice.ton', 'docs.alice.ton', 'bob.ton', 'old.ton', 'x.alice.ton', 'alice.com'];
    for (const name of names) {
      const plain = await outcome(chain(), name);
      for (const r of roots) {
        for (const z of zones) {
          const c = chain();
          c.hintsValue = { root: r, zones: z };
          expect(await outcome(c, name), `${name} ${r?.toRawString()} ${JSON.stringify(z)}`).toBe(plain);
        }
      }
    }
  });

  it('a speculative query that fails is harmless when the walk does not use it', async () => {
    const c = chain();
    const plain = await outcome(c, 'alice.ton');
    const broken = addr(7);
    c.answers.set(FakeDnsSource.key(broken, '\0alice\0'), new Error('connection reset'));
    c.hintsValue = { root, zones: { ton: { resolver: broken, itemCode } } };
    expect(await outcome(c, 'alice.ton')).toBe(plain);
  });
});
