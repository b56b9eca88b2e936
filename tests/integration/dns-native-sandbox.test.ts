/**
 * The native (TVM-free) dnsresolve equals the real contract code run in @ton/sandbox's TVM (an implementation we did
 * not write), for random names (any depth, empty labels, leading/trailing \0, 8-byte names, forbidden bytes) and
 * random record dictionaries:
 * - on the devnet's DNS as src/devnet/dns deploys it (real collections, items minted and written through messages),
 *   with random records written by the owner's op::change_dns_record and read back from the item's state;
 * - on accounts holding the real root / collection / item code with random data (setShardAccount, as the devnet
 *   creates the root), including the states the messages never produce: other addresses, no records, off-chain
 *   content, an item that is not initialised, dictionary values that are not exactly one reference.
 * Mainnet's .t.me code is not in our inputs, so .t.me is covered by the unit tests only (tests/unit/dns/native.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Address,
  beginCell,
  Cell,
  Dictionary,
  ExternalAddress,
  toNano,
  type DictionaryValue,
} from '@ton/core';
import { Blockchain, createShardAccount } from '@ton/sandbox';
import {
  buildDnsRecord,
  DnsNativeDataError,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_STORAGE,
  DNS_CATEGORY_WALLET,
  nativeDnsresolve,
  type DnsRecord,
  type DnsresolveAnswer,
} from '../../src/net/dns/index.ts';
import {
  deployDns,
  loadDnsContractCode,
  sendChangeDnsRecord,
  SandboxDnsSource,
  type DeployedDns,
} from '../../src/devnet/dns/index.ts';

const code = loadDnsContractCode();
let chain: Blockchain;
let dns: DeployedDns;
let source: SandboxDnsSource;

beforeAll(async () => {
  chain = await Blockchain.create();
  dns = await deployDns(chain);
  source = new SandboxDnsSource(chain);
});

async function stateOf(address: Address) {
  const contract = await chain.getContract(address);
  const state = contract.accountState;
  if (state?.type !== 'active' || !state.state.code || !state.state.data)
    throw new Error(`${address} not active`);
  return { codeHash: new Uint8Array(state.state.code.hash()), data: state.state.data, address };
}

/** Native answer vs the TVM's: same exit code (0/1 both success), bits and cell; bad data <=> the TVM failed. */
const OUTCOMES = new Set<string>();
async function compare(address: Address, name: Uint8Array, category: bigint): Promise<void> {
  const state = await stateOf(address);
  const tvm = await source.dnsresolve(address, name, category);
  OUTCOMES.add(`exit ${tvm.exitCode}`);
  let native: DnsresolveAnswer | null;
  try {
    native = nativeDnsresolve(state, name, category);
  } catch (error) {
    expect(error, `native threw for ${Buffer.from(name).toString('hex')}`).toBeInstanceOf(DnsNativeDataError);
    expect([0, 1]).not.toContain(tvm.exitCode);
    return;
  }
  expect(native, 'known code').not.toBeNull();
  const what = `${address.toRawString()} ${Buffer.from(name).toString('hex')} ${category.toString(16)}`;
  const norm = (a: DnsresolveAnswer) => ({
    exitCode: a.exitCode === 1 ? 0 : a.exitCode,
    resolvedBits: a.resolvedBits,
    result: a.result ? a.result.hash().toString('hex') : null,
  });
  expect(norm(native!), what).toEqual(norm(tvm));
}

// Names: labels of interesting text and arbitrary bytes (forbidden ones included), empty labels, with or without
// the leading/trailing \0; 8-byte names; plain random bytes.
const enc = (s: string) => new TextEncoder().encode(s);
const label = fc.oneof(
  fc.constantFrom('ton', 'www', 'me', 't', 'alice', 'static', 'docs', 'a', '', 'ton\0www', 'me\0t').map(enc),
  fc.uint8Array({ minLength: 1, maxLength: 12 }),
  fc.constantFrom(0x2e, 0x41, 0xff, 0x2d, 0x80).map((b) => new Uint8Array([b])),
);
const joined = fc
  .tuple(fc.boolean(), fc.array(label, { minLength: 1, maxLength: 6 }), fc.boolean())
  .map(([lead, labels, trail]) => {
    const bytes: number[] = lead ? [0] : [];
    labels.forEach((l, i) => {
      if (i > 0) bytes.push(0);
      bytes.push(...l);
    });
    if (trail) bytes.push(0);
    return Uint8Array.from(bytes.slice(0, 127));
  });
// 8-byte names: random, with a leading \0, and the root's prefixes cut to 8 bytes.
const eightBytes = fc.oneof(
  fc.uint8Array({ minLength: 8, maxLength: 8 }),
  fc.uint8Array({ minLength: 7, maxLength: 7 }).map((r) => Uint8Array.from([0, ...r])),
  fc
    .constantFrom('ton\0ab\0c', '\0ton\0ab\0', 'ton\0www\0', '\0ton\0www', '\0me\0t\0ab', 'me\0t\0abc')
    .map(enc),
);
const names = fc.oneof(
  { weight: 6, arbitrary: joined },
  { weight: 2, arbitrary: eightBytes },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 127 }) },
  { weight: 1, arbitrary: fc.constantFrom(new Uint8Array(0), new Uint8Array([0]), new Uint8Array([0, 0])) },
);
const key256 = fc.bigInt({ min: 1n, max: (1n << 256n) - 1n });
const categories = fc.oneof(
  fc.constantFrom(
    0n,
    DNS_CATEGORY_SITE,
    DNS_CATEGORY_STORAGE,
    DNS_CATEGORY_WALLET,
    DNS_CATEGORY_NEXT_RESOLVER,
  ),
  key256,
);
const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  bytes32.map((adnl): DnsRecord => ({ type: 'adnl', adnl, protocols: null })),
  bytes32.map((bagId): DnsRecord => ({ type: 'storage', bagId })),
  bytes32.map((h): DnsRecord => ({ type: 'next_resolver', address: new Address(0, Buffer.from(h)) })),
  fc.string({ maxLength: 40 }).map((text): DnsRecord => ({ type: 'text', text })),
);

describe('native dnsresolve = the real contracts in a TVM', () => {
  it('on the devnet DNS as deployed: root, both collections, items (any name, any category)', async () => {
    const items = dns.names.map((n) => n.item);
    const targets = [
      dns.root,
      dns.collections.ton,
      dns.collections.tme,
      ...dns.subRegistries.values(),
      ...items,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), names, categories, async (target, name, category) => {
        await compare(target, name, category);
      }),
      { numRuns: 150 },
    );
  });

  it('random record dictionaries written through op::change_dns_record', async () => {
    const alice = dns.names.find((n) => n.name === 'alice.ton')!;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.oneof(
              categories.filter((c) => c !== 0n),
              key256,
            ),
            fc.option(record),
          ),
          { maxLength: 4 },
        ),
        fc.array(
          fc.tuple(
            fc.constantFrom(new Uint8Array([0]), enc('\0sub\0'), enc('sub\0'), new Uint8Array(0)),
            categories,
          ),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        async (writes, questions) => {
          for (const [category, rec] of writes)
            await sendChangeDnsRecord(dns.owner, alice.item, category, rec);
          for (const [name, category] of questions) await compare(alice.item, name, category);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('random data under the real codes (setShardAccount): addresses, dictionaries, item states', async () => {
    const at = {
      root: Address.parseRaw('-1:' + 'ab'.repeat(32)),
      collection: Address.parseRaw('0:' + 'cd'.repeat(32)),
      item: Address.parseRaw('0:' + 'ef'.repeat(32)),
    };
    const put = (address: Address, c: Cell, data: Cell) =>
      chain.setShardAccount(
        address,
        createShardAccount({ address, code: c, data, balance: toNano('1'), workchain: address.workChain }),
      );
    const anyAddress = fc.oneof(
      fc
        .tuple(fc.constantFrom(0, -1, 5), bytes32)
        .map(([wc, h]) => new Address(wc, Buffer.from(h)) as Address | ExternalAddress | null),
      fc.constant(null),
      fc
        .tuple(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.integer({ min: 0, max: 64 }))
        .map(([v, bits]) => new ExternalAddress(v & ((1n << BigInt(bits)) - 1n), bits)),
    );
    const rootData = fc
      .tuple(anyAddress, anyAddress, anyAddress)
      .map(([a, b, c]) => beginCell().storeAddress(a).storeAddress(b).storeAddress(c).endCell());
    const someCell = fc
      .uint8Array({ maxLength: 40 })
      .map((b) => beginCell().storeBuffer(Buffer.from(b)).endCell());
    const collectionData = fc
      .tuple(someCell, fc.oneof(fc.constant(code.item), someCell))
      .map(([content, item]) => beginCell().storeRef(content).storeRef(item).endCell());
    // Values are ^DNSRecord; a few entries get a value that is not exactly one reference.
    const badValue: DictionaryValue<Cell> = {
      serialize: (v, b) => b.storeUint(1, 1).storeRef(v),
      parse: (s) => s.loadRef(),
    };
    const itemData = fc
      .tuple(
        fc.array(
          fc.tuple(
            fc.oneof(
              categories.filter((c) => c !== 0n),
              key256,
            ),
            record,
          ),
          { maxLength: 6 },
        ),
        fc.constantFrom('ok', 'ok', 'ok', 'ok', 'uninit', 'offchain', 'badvalue', 'nodict'),
        anyAddress,
        fc.boolean(),
      )
      .map(([entries, variant, owner, auction]) => {
        const value = variant === 'badvalue' ? badValue : Dictionary.Values.Cell();
        const dict = Dictionary.empty(Dictionary.Keys.BigUint(256), value);
        for (const [k, r] of entries) dict.set(k, buildDnsRecord(r));
        const keys = entries.map(([k]) => k);
        const head = beginCell().storeUint(12345n, 256).storeAddress(at.collection);
        if (variant === 'uninit') return { data: head.endCell(), keys };
        const content = beginCell().storeUint(variant === 'offchain' ? 1 : 0, 8);
        if (variant === 'nodict') content.storeBit(false);
        else content.storeDict(dict);
        const data = head
          .storeAddress(owner)
          .storeRef(content.endCell())
          .storeRef(beginCell().storeStringTail('alice').endCell())
          .storeMaybeRef(auction ? beginCell().storeUint(1, 8).endCell() : null)
          .storeUint(1_700_000_000, 64)
          .endCell();
        return { data, keys };
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          rootData.map((data) => ['root', { data, keys: [] as bigint[] }] as const),
          collectionData.map((data) => ['collection', { data, keys: [] as bigint[] }] as const),
          itemData.map((d) => ['item', d] as const),
        ),
        names,
        fc.oneof(categories, fc.nat()),
        async ([kind, { data, keys }], name, pick) => {
          // a number picks one of the keys written (so present keys, and bad values, are looked up too)
          const category = typeof pick === 'bigint' ? pick : (keys[pick % Math.max(1, keys.length)] ?? 0n);
          const c = kind === 'root' ? code.root : kind === 'collection' ? code.collection : code.item;
          await put(at[kind], c, data);
          await compare(at[kind], name, category);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('the edge cases, each asked explicitly (and every outcome of them seen)', async () => {
    const alice = dns.names.find((n) => n.name === 'alice.ton')!;
    const edge = [
      '',
      '\0',
      '\0\0',
      'ton\0',
      '\0ton\0',
      'ton',
      '\0ton',
      'ton\0www',
      'ton\0www\0',
      '\0ton\0www\0',
      '\0ton\0ab\0',
      'ton\0ab\0c',
      'me\0t\0',
      '\0me\0t\0',
      '\0ab\0t',
      'me\0t',
      'alice',
      'alice\0',
      '\0alice\0',
      '\0alice\0sub\0',
      '\0\0alice\0',
      'ALICE\0',
      'al.ce\0',
      '\0ab\0cd\0',
      '12345678',
      '\0x\0',
      'a'.repeat(126) + '\0',
      '\0' + 'b'.repeat(126),
    ].map(enc);
    edge.push(
      Uint8Array.from([0xff, 0xfe, 0]),
      Uint8Array.from([0x80, 0]),
      Uint8Array.from([0, 0xc3, 0xa9, 0]),
    );
    const targets = [dns.root, dns.collections.ton, alice.item];
    for (const target of targets) {
      for (const name of edge) {
        for (const category of [0n, DNS_CATEGORY_SITE, DNS_CATEGORY_NEXT_RESOLVER, 1n])
          await compare(target, name, category);
      }
    }
    // a record value that is not exactly one reference: the TVM fails (dictionary error), native: bad data
    const at = Address.parseRaw('0:' + '12'.repeat(32));
    const bad = Dictionary.empty(Dictionary.Keys.BigUint(256), {
      serialize: (v: Cell, b) => b.storeUint(1, 1).storeRef(v),
      parse: (sl) => sl.loadRef(),
    });
    bad.set(DNS_CATEGORY_SITE, beginCell().endCell());
    const content = beginCell().storeUint(0, 8).storeDict(bad).endCell();
    const data = beginCell()
      .storeUint(1, 256)
      .storeAddress(at)
      .storeAddress(at)
      .storeRef(content)
      .storeRef(beginCell().endCell())
      .storeBit(false)
      .storeUint(0, 64)
      .endCell();
    await chain.setShardAccount(
      at,
      createShardAccount({ address: at, code: code.item, data, balance: toNano('1'), workchain: 0 }),
    );
    await compare(at, enc('\0'), DNS_CATEGORY_SITE);
    const state = await stateOf(at);
    expect(() => nativeDnsresolve(state, enc('\0'), DNS_CATEGORY_SITE)).toThrow(DnsNativeDataError);
    await compare(at, enc('\0'), 0n);
    for (const seen of ['exit 0', 'exit 9', 'exit 201', 'exit 413']) expect(OUTCOMES).toContain(seen);
    expect(
      [...OUTCOMES].some((o) => !['exit 0', 'exit 1', 'exit 9', 'exit 201', 'exit 413'].includes(o)),
    ).toBe(true);
  });
});
