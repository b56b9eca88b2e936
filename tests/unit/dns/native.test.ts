/**
 * Native (TVM-free) dnsresolve against the conformance vector (shared/spec/vectors/proof_dns_dnsresolve_cases.json:
 * the dns-contract authors' own test expectations, the same inputs against the real mainnet root data, the item
 * index rules and the edge cases read from the sources), plus the .t.me layouts (telemint) and malformed data.
 * The comparison with the real contract code in a TVM is tests/integration/dns-native-sandbox.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Address, beginCell, Cell, contractAddress, Dictionary } from '@ton/core';
import {
  DnsNativeDataError,
  DnsNativeInputError,
  dnsItemAddress,
  DNS_CATEGORY_NEXT_RESOLVER,
  DNS_CATEGORY_SITE,
  NATIVE_DNS_CODES,
  nativeDnsKind,
  nativeDnsresolve,
  nativeDnsresolveKind,
  withNativeDnsCodes,
} from '../../../src/net/dns/index.ts';
import { loadDnsContractCode } from '../../../src/devnet/dns/index.ts';

const SPEC = new URL('../../../../shared/spec/', import.meta.url);
const vector = JSON.parse(readFileSync(new URL('vectors/proof_dns_dnsresolve_cases.json', SPEC), 'utf8'));
const dnsJson = JSON.parse(readFileSync(new URL('dns.json', SPEC), 'utf8'));
const code = loadDnsContractCode();

const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));
const text = (s: string) => new TextEncoder().encode(s);
const bocCell = (h: string) => Cell.fromBoc(Buffer.from(h, 'hex'))[0];
const SOME = Address.parseRaw('0:' + '11'.repeat(32));

interface RootCase {
  subdomain_hex: string;
  category: string;
  expected_resolved_bits: number;
  expected_cell: null | { 'dns_next_resolver#ba93': string };
}

function nextResolver(raw: string): Cell {
  return beginCell().storeUint(0xba93, 16).storeAddress(Address.parseRaw(raw)).endCell();
}

function rootData(ton: string, tme: string, www: string): Cell {
  return beginCell()
    .storeAddress(Address.parseRaw(ton))
    .storeAddress(Address.parseRaw(tme))
    .storeAddress(Address.parseRaw(www))
    .endCell();
}

function checkRootCases(data: Cell, cases: RootCase[]) {
  expect(cases.length).toBeGreaterThan(0);
  for (const c of cases) {
    const answer = nativeDnsresolveKind('root', data, SOME, hex(c.subdomain_hex), BigInt(c.category));
    expect(answer.exitCode, c.subdomain_hex).toBe(0);
    expect(answer.resolvedBits, c.subdomain_hex).toBe(c.expected_resolved_bits);
    if (c.expected_cell === null) expect(answer.result).toBeNull();
    else expect(answer.result?.equals(nextResolver(c.expected_cell['dns_next_resolver#ba93']))).toBe(true);
  }
}

describe('native dnsresolve: the conformance vector', () => {
  it('root: the official test cases (synthetic storage 0:348b.., 0:a48b.., 0:b48b..)', () => {
    const tail = 'bcf827469c5fc38541c77fdd91d4e347eac200f6f2d9fd62dc08885f0415f';
    const data = rootData(`0:348${tail}`, `0:a48${tail}`, `0:b48${tail}`);
    checkRootCases(data, vector.official_root_cases);
  });

  it('root: the same inputs against the real mainnet root data, identified by the real code hash', () => {
    const data = bocCell(dnsJson.root_dns.data_boc_hex_computed);
    checkRootCases(data, vector.mainnet_root_cases_computed);
    const codeHash = hex(dnsJson.root_dns.code_hash);
    expect(nativeDnsKind(codeHash)).toBe('root');
    const state = { codeHash, data, address: Address.parseRaw(dnsJson.root_dns.address_raw) };
    const answer = nativeDnsresolve(state, text('\0ton\0alice\0'), 0n);
    expect(answer?.resolvedBits).toBe(32);
    expect(answer?.result?.equals(nextResolver(dnsJson.ton_collection.address_raw))).toBe(true);
  });

  it('root: a leading \\0 makes the length tests 8 bits too generous (cell underflow, exit 9)', () => {
    const data = bocCell(dnsJson.root_dns.data_boc_hex_computed);
    const run = (s: string) => nativeDnsresolveKind('root', data, SOME, text(s), 0n);
    expect(run('\0ton\0ab\0').exitCode).toBe(9); // 8 bytes: preload_bits(64) on 56 bits
    expect(run('\0ton').exitCode).toBe(9); // 4 bytes: preload_bits(32) on 24 bits
    expect(run('\0ab\0t').exitCode).toBe(9); // 5 bytes, not ton\0: preload_bits(40) on 32 bits
    expect(run('').exitCode).toBe(9); // preload_int(8) on nothing
    expect(run('ton\0www').resolvedBits).toBe(24); // 7 bytes: the www.ton test is skipped
    expect(run('ton').resolvedBits).toBe(0);
    expect(run('\0ton\0').resolvedBits).toBe(32);
  });

  it('.ton collection: the official cases, the item address from the collection code and its own address', () => {
    const collection = Address.parseRaw('0:' + '34'.repeat(32));
    const data = beginCell().storeRef(beginCell().endCell()).storeRef(code.item).endCell();
    const alice = beginCell()
      .storeUint(0xba93, 16)
      .storeAddress(dnsItemAddress(collection, code.item, 'alice'))
      .endCell();
    for (const c of vector.official_collection_cases) {
      const answer = nativeDnsresolveKind('ton-collection', data, collection, hex(c.subdomain_hex), 0n);
      expect(answer.exitCode).toBe(0);
      expect(answer.resolvedBits, c.subdomain_text).toBe(c.expected_resolved_bits);
      if (c.expected_cell === null) expect(answer.result).toBeNull();
      else expect(answer.result?.equals(alice), c.subdomain_text).toBe(true);
    }
    // the index rule: slice_hash(label), checked against the vector's computed index
    const index = BigInt('0x' + vector.item_indices_computed.alice.ton_index);
    const itemData = beginCell().storeUint(index, 256).storeAddress(collection).endCell();
    expect(
      contractAddress(0, { code: code.item, data: itemData }).equals(
        dnsItemAddress(collection, code.item, 'alice'),
      ),
    ).toBe(true);
  });

  it('collections: missing \\0 is a cell underflow (9), an empty label is 201; bytes are not checked', () => {
    const data = beginCell().storeRef(beginCell().endCell()).storeRef(code.item).endCell();
    const run = (s: Uint8Array) => nativeDnsresolveKind('ton-collection', data, SOME, s, 0n);
    expect(run(text('alice')).exitCode).toBe(9);
    expect(run(text('\0\0alice\0')).exitCode).toBe(201);
    expect(run(text('\0')).resolvedBits).toBe(8);
    expect(run(new Uint8Array([0xff, 0x2e, 0x41, 0])).resolvedBits).toBe(24);
  });

  it('.ton item: the official case (category 0x82a3…, value cell uint8 0 + "alice.ton")', () => {
    const c = vector.official_item_case;
    const category = BigInt(c.category);
    const value = beginCell().storeUint(0, 8).storeStringTail('alice.ton').endCell();
    const data = tonItem(recordsDict([[category, value]]));
    const answer = nativeDnsresolveKind('ton-item', data, SOME, hex(c.subdomain_hex), category);
    expect(answer).toEqual({ exitCode: 0, resolvedBits: c.expected_resolved_bits, result: value });
    expect(answer.result?.equals(value)).toBe(true);
  });

  it('.ton item: 413 without a leading \\0, next_resolver forced for longer input, all = the dict, 412, 7', () => {
    const site = beginCell().storeUint(0xad01, 16).storeUint(7, 256).storeUint(0, 8).endCell();
    const next = nextResolver('0:' + '22'.repeat(32));
    const dict = recordsDict([
      [DNS_CATEGORY_SITE, site],
      [DNS_CATEGORY_NEXT_RESOLVER, next],
    ]);
    const data = tonItem(dict);
    const run = (s: string, category: bigint, d = data) =>
      nativeDnsresolveKind('ton-item', d, SOME, text(s), category);
    expect(run('\0', DNS_CATEGORY_SITE).result?.equals(site)).toBe(true);
    expect(run('\0b\0', DNS_CATEGORY_SITE).result?.equals(next)).toBe(true);
    expect(run('\0', 0n).result?.equals(dict!)).toBe(true);
    expect(run('\0', 5n).result).toBeNull();
    expect(run('\0', -1n).result).toBeNull();
    expect(run('b\0', DNS_CATEGORY_SITE).exitCode).toBe(413);
    expect(run('', DNS_CATEGORY_SITE).exitCode).toBe(9);
    expect(run('\0', 0n, tonItem(null)).result).toBeNull();
    const offchain = tonItem(dict, 1);
    expect(run('\0', DNS_CATEGORY_SITE, offchain).exitCode).toBe(412);
    const uninit = beginCell().storeUint(1, 256).storeAddress(SOME).endCell();
    expect(run('\0', DNS_CATEGORY_SITE, uninit).exitCode).toBe(7);
  });

  it('.t.me collection: index = sha256(label) (vector), item data ^(index, collection) + no state', () => {
    const collection = Address.parseRaw('0:' + '80'.repeat(32));
    const itemCode = beginCell().storeUint(0xabcdef, 24).endCell();
    const full = beginCell().storeUint(4, 8).storeStringTail('t.me').endCell();
    const data = beginCell()
      .storeBit(false)
      .storeUint(7, 32)
      .storeUint(9, 256)
      .storeRef(beginCell().endCell())
      .storeRef(itemCode)
      .storeRef(full)
      .storeRef(beginCell().endCell())
      .endCell();
    for (const [label, key] of [
      ['alice', 'alice'],
      ['durov', 'durov'],
    ] as const) {
      const index = BigInt('0x' + vector.item_indices_computed[key].tme_index);
      const config = beginCell().storeUint(index, 256).storeAddress(collection).endCell();
      const item = contractAddress(0, {
        code: itemCode,
        data: beginCell().storeRef(config).storeBit(false).endCell(),
      });
      const answer = nativeDnsresolveKind('tme-collection', data, collection, text(`\0${label}\0`), 0n);
      expect(answer.resolvedBits).toBe(8 + label.length * 8);
      expect(answer.result?.equals(beginCell().storeUint(0xba93, 16).storeAddress(item).endCell())).toBe(
        true,
      );
    }
    // ENDS: one bit too many in the data is malformed data
    const longer = beginCell().storeSlice(data.beginParse()).storeBit(true).endCell();
    expect(() => nativeDnsresolveKind('tme-collection', longer, collection, text('a\0'), 0n)).toThrow(
      DnsNativeDataError,
    );
    // the data is read only after the label: a bad label answers first
    expect(nativeDnsresolveKind('tme-collection', longer, collection, text('\0\0'), 0n).exitCode).toBe(201);
  });

  it('.t.me item: records in state.content.dns; no state = exit 7', () => {
    const site = beginCell().storeUint(0x7473, 16).storeUint(5, 256).endCell();
    const dict = recordsDict([[DNS_CATEGORY_SITE, site]]);
    const content = beginCell()
      .storeRef(beginCell().endCell())
      .storeMaybeRef(dict)
      .storeRef(beginCell().endCell())
      .endCell();
    const state = beginCell()
      .storeAddress(SOME)
      .storeRef(content)
      .storeBit(false)
      .storeRef(beginCell().endCell())
      .endCell();
    const config = beginCell().storeUint(1, 256).storeAddress(SOME).endCell();
    const data = beginCell().storeRef(config).storeMaybeRef(state).endCell();
    expect(
      nativeDnsresolveKind('tme-item', data, SOME, text('\0'), DNS_CATEGORY_SITE).result?.equals(site),
    ).toBe(true);
    expect(nativeDnsresolveKind('tme-item', data, SOME, text('x'), DNS_CATEGORY_SITE).exitCode).toBe(413);
    const noState = beginCell().storeRef(config).storeBit(false).endCell();
    expect(nativeDnsresolveKind('tme-item', noState, SOME, text('x'), 0n).exitCode).toBe(7);
  });
});

describe('native dnsresolve: identification and bad data', () => {
  it('unknown code hashes give null; extra hashes can be pinned', () => {
    const state = { codeHash: new Uint8Array(32), data: beginCell().endCell(), address: SOME };
    expect(nativeDnsresolve(state, text('\0'), 0n)).toBeNull();
    const codes = withNativeDnsCodes(NATIVE_DNS_CODES, [['00'.repeat(32), 'ton-item']]);
    const item = { ...state, data: tonItem(null) };
    expect(nativeDnsresolve(item, text('\0'), 0n)).toBeNull();
    expect(nativeDnsresolve(item, text('\0'), 0n, codes)).toEqual({
      exitCode: 0,
      resolvedBits: 8,
      result: null,
    });
    expect(nativeDnsKind(code.item.hash())).toBe('ton-item');
    expect(nativeDnsKind(code.collection.hash())).toBe('ton-collection');
    expect(() => withNativeDnsCodes(NATIVE_DNS_CODES, [['XYZ', 'root']])).toThrow(DnsNativeInputError);
  });

  it('more than 127 bytes cannot be a get-method argument', () => {
    expect(() => nativeDnsresolveKind('root', rootOf(), SOME, new Uint8Array(128), 0n)).toThrow(
      DnsNativeInputError,
    );
  });

  it('a pruned data cell is a typed data error', () => {
    const pruned = prunedOf(code.item);
    expect(() => nativeDnsresolveKind('root', pruned, SOME, text('ton\0'), 0n)).toThrow(DnsNativeDataError);
    let caught: unknown;
    try {
      nativeDnsresolveKind('ton-item', pruned, SOME, text('\0'), 0n);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DnsNativeDataError);
    expect((caught as DnsNativeDataError).pruned).toBe(true);
    // a pruned record dictionary: the path to the key cannot be followed
    const content = beginCell().storeUint(0, 8).storeMaybeRef(prunedOf(code.item)).endCell();
    const data = beginCell()
      .storeUint(1, 256)
      .storeAddress(SOME)
      .storeAddress(SOME)
      .storeRef(content)
      .storeRef(beginCell().endCell())
      .storeBit(false)
      .storeUint(0, 64)
      .endCell();
    expect(() => nativeDnsresolveKind('ton-item', data, SOME, text('\0'), DNS_CATEGORY_SITE)).toThrow(
      DnsNativeDataError,
    );
    // a collection whose item code is pruned (a proof that keeps only its hash) computes the same item address
    const collection = (itemCode: Cell) =>
      beginCell().storeRef(beginCell().endCell()).storeRef(itemCode).endCell();
    const full = nativeDnsresolveKind('ton-collection', collection(code.item), SOME, text('\0alice\0'), 0n);
    const proven = nativeDnsresolveKind('ton-collection', collection(pruned), SOME, text('\0alice\0'), 0n);
    expect(proven.result?.equals(full.result!)).toBe(true);
    // category 0 returns the (pruned) dictionary itself: its hash is all the answer needs
    expect(nativeDnsresolveKind('ton-item', data, SOME, text('\0'), 0n).result?.hash(0)).toEqual(
      code.item.hash(),
    );
  });

  it('random data cells: an answer or a DnsNativeDataError, never anything else', () => {
    const kinds = ['root', 'ton-collection', 'ton-item', 'tme-collection', 'tme-item'] as const;
    const cellAt = (depth: number): fc.Arbitrary<Cell> =>
      fc
        .tuple(
          fc.uint8Array({ maxLength: 127 }),
          fc.integer({ min: 0, max: 7 }),
          depth === 0 ? fc.constant([] as Cell[]) : fc.array(cellAt(depth - 1), { maxLength: 3 }),
        )
        .map(([bytes, cut, refs]) => {
          const bits = beginCell().storeBuffer(Buffer.from(bytes)).endCell().beginParse();
          const out = beginCell().storeBits(bits.loadBits(Math.max(0, bytes.length * 8 - cut)));
          for (const r of refs) out.storeRef(r);
          return out.endCell();
        });
    const cellArb = cellAt(3);
    fc.assert(
      fc.property(
        fc.constantFrom(...kinds),
        cellArb,
        fc.uint8Array({ maxLength: 20 }),
        fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }),
        (kind, data, name, category) => {
          try {
            const answer = nativeDnsresolveKind(kind, data, SOME, name, category);
            expect(answer.resolvedBits % 8).toBe(0);
            expect(answer.resolvedBits).toBeLessThanOrEqual(name.length * 8);
          } catch (error) {
            expect(error).toBeInstanceOf(DnsNativeDataError);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

function recordsDict(entries: [bigint, Cell][]): Cell | null {
  if (entries.length === 0) return null;
  const dict = Dictionary.empty(Dictionary.Keys.BigUint(256), Dictionary.Values.Cell());
  for (const [k, v] of entries) dict.set(k, v);
  return beginCell().storeDictDirect(dict).endCell();
}

function tonItem(records: Cell | null, tag = 0): Cell {
  const content = beginCell().storeUint(tag, 8).storeMaybeRef(records).endCell();
  return beginCell()
    .storeUint(1, 256)
    .storeAddress(SOME)
    .storeAddress(SOME)
    .storeRef(content)
    .storeRef(beginCell().storeStringTail('alice').endCell())
    .storeBit(false)
    .storeUint(1_700_000_000, 64)
    .endCell();
}

function rootOf(): Cell {
  return rootData('0:' + '00'.repeat(32), '0:' + '01'.repeat(32), '0:' + '02'.repeat(32));
}

/** A pruned-branch cell standing for `cell` (level 1), as a Merkle proof would hold it. */
function prunedOf(cell: Cell): Cell {
  const b = beginCell().storeUint(1, 8).storeUint(1, 8).storeBuffer(cell.hash()).storeUint(cell.depth(), 16);
  return new Cell({ exotic: true, bits: b.endCell().bits, refs: [] });
}
