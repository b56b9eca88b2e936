import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Address, beginCell, Dictionary } from '@ton/core';
import {
  buildDnsRecord,
  DnsRecordParseError,
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_WALLET,
  parseDnsRecord,
  parseDnsRecordSet,
  recordFromJson,
  recordToJson,
  type DnsRecord,
} from '../../../src/net/dns/index.ts';
import { addrStdBits, bitsCell, hexToBits, randomCell } from './helpers.ts';

const ADNL = '516618cf6cbe9004f6883e742c9a2e3ca53ed02e3e36f4cef62a98ee1e449174'; // foundation.ton site (dns.json)
const BAG = '49a25f9feefaffecad0fcd30c50dc9331cff8b55ece53def6285c09e17e6f5d7';
const WALLET = Address.parse('EQCD39VS5jcptHL8vMjEXrzGaRcCVYto7HUn4bpAOg8xqB2N');
const hex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

// Expected cells written bit by bit from block.tlb (DNS section), not with the code under test.
const vectors: Array<{ what: string; cell: ReturnType<typeof bitsCell>; record: DnsRecord }> = [
  {
    what: 'dns_adnl_address#ad01 adnl_addr flags=0',
    cell: bitsCell(hexToBits('ad01' + ADNL + '00')),
    record: { type: 'adnl', adnl: hex(ADNL), protocols: null },
  },
  {
    what: 'dns_adnl_address with proto_list = [proto_http#4854]',
    cell: bitsCell(hexToBits('ad01' + ADNL + '01') + '1' + hexToBits('4854') + '0'),
    record: { type: 'adnl', adnl: hex(ADNL), protocols: ['http'] },
  },
  {
    what: 'dns_storage_address#7473 bag_id',
    cell: bitsCell(hexToBits('7473' + BAG)),
    record: { type: 'storage', bagId: hex(BAG) },
  },
  {
    what: 'dns_next_resolver#ba93 addr_std',
    cell: bitsCell(hexToBits('ba93') + addrStdBits(WALLET)),
    record: { type: 'next_resolver', address: WALLET },
  },
  {
    what: 'dns_smc_address#9fd3 addr_std flags=0',
    cell: bitsCell(hexToBits('9fd3') + addrStdBits(WALLET) + '00000000'),
    record: { type: 'smc', address: WALLET, capabilities: null },
  },
  {
    what: 'dns_smc_address with cap_list = [cap_is_wallet#2177, cap_method_seqno#5371, cap_name#ff "w"]',
    cell: bitsCell(
      hexToBits('9fd3') +
        addrStdBits(WALLET) +
        '00000001' +
        ('1' + hexToBits('2177')) +
        ('1' + hexToBits('5371')) +
        ('1' + hexToBits('ff') + hexToBits('01') + hexToBits('01') + hexToBits('77')) +
        '0',
    ),
    record: {
      type: 'smc',
      address: WALLET,
      capabilities: [{ type: 'wallet' }, { type: 'seqno' }, { type: 'name', name: 'w' }],
    },
  },
  {
    what: 'dns_text#1eda one chunk',
    cell: bitsCell(hexToBits('1eda' + '01' + '05') + hexToBits(Buffer.from('hello').toString('hex'))),
    record: { type: 'text', text: 'hello' },
  },
];

describe('DNS records against block.tlb bit layouts', () => {
  for (const v of vectors) {
    it(`parses and builds ${v.what}`, () => {
      expect(recordToJson(parseDnsRecord(v.cell))).toEqual(recordToJson(v.record));
      expect(buildDnsRecord(v.record).hash().toString('hex')).toBe(v.cell.hash().toString('hex'));
    });
  }

  it('reads a site record without the flags byte as flags = 0 (written so by some tools)', () => {
    // tonutils-go's ton/dns BuildSetSiteRecordPayload stores only 0xad01 + 256 bits.
    expect(parseDnsRecord(bitsCell(hexToBits('ad01' + ADNL)))).toEqual({
      type: 'adnl',
      adnl: hex(ADNL),
      protocols: null,
    });
    expect(parseDnsRecord(bitsCell(hexToBits('9fd3') + addrStdBits(WALLET)))).toMatchObject({
      type: 'smc',
      capabilities: null,
    });
  });

  it('reads dns_text across chained chunk refs', () => {
    const last = bitsCell(hexToBits('03') + hexToBits(Buffer.from('ld!').toString('hex')));
    const cell = bitsCell(
      hexToBits('1eda' + '02' + '07') + hexToBits(Buffer.from('hello w').toString('hex')),
      [last],
    );
    expect(parseDnsRecord(cell)).toEqual({ type: 'text', text: 'hello wld!' });
    const long = { type: 'text' as const, text: 'x'.repeat(1000) + ' ünïcödé' };
    expect(parseDnsRecord(buildDnsRecord(long))).toEqual(long);
  });

  it('keeps unknown record types whole', () => {
    const cell = bitsCell(hexToBits('1234abcd'));
    const r = parseDnsRecord(cell);
    expect(r).toMatchObject({ type: 'unknown', prefix: 0x1234 });
    expect(recordFromJson(recordToJson(r))).toMatchObject({ type: 'unknown', prefix: 0x1234 });
  });

  it('rejects malformed records with DnsRecordParseError', () => {
    const bad = [
      bitsCell(''), // no prefix
      bitsCell(hexToBits('ad')), // half a prefix
      bitsCell(hexToBits('ad01' + ADNL.slice(0, 60))), // short ADNL id
      bitsCell(hexToBits('ad01' + ADNL + '02')), // flags > 1
      bitsCell(hexToBits('ad01' + ADNL + '01') + '1' + hexToBits('1234') + '0'), // unknown protocol
      bitsCell(hexToBits('ad01' + ADNL + '01') + '1'), // truncated proto list
      bitsCell(hexToBits('7473' + BAG.slice(0, 10))),
      bitsCell(hexToBits('ba93') + '00'), // addr_none is not a MsgAddressInt
      bitsCell(hexToBits('ba93') + '11' + '0'.repeat(300)), // addr_var
      bitsCell(hexToBits('ba93') + '101' + '0'.repeat(264)), // anycast
      bitsCell(hexToBits('ba93') + '100' + '0'.repeat(20)), // truncated address
      bitsCell(hexToBits('1eda' + '02' + '01' + '41')), // second chunk ref missing
      bitsCell(hexToBits('1eda' + '01' + '09' + '41')), // chunk longer than the cell
    ];
    for (const cell of bad) expect(() => parseDnsRecord(cell), cell.toString()).toThrow(DnsRecordParseError);
  });
});

describe('DNS record set (category 0: HashmapE 256 ^DNSRecord)', () => {
  it('reads every category, reports a malformed record in its own entry', () => {
    const dict = Dictionary.empty(Dictionary.Keys.BigUint(256), Dictionary.Values.Cell());
    dict.set(DNS_CATEGORY_SITE, vectors[0].cell);
    dict.set(DNS_CATEGORY_WALLET, bitsCell(hexToBits('9fd3') + '00'));
    // The item keeps the dict as refs: udict_set_ref -> value = ^DNSRecord.
    const root = beginCell()
      .storeDictDirect(dict, Dictionary.Keys.BigUint(256), {
        serialize: (v, b) => void b.storeRef(v),
        parse: (s) => s.loadRef(),
      })
      .endCell();
    const entries = parseDnsRecordSet(root);
    expect(entries.map((e) => e.category)).toEqual(
      [DNS_CATEGORY_WALLET, DNS_CATEGORY_SITE].sort((a, b) => (a < b ? -1 : 1)),
    );
    const site = entries.find((e) => e.category === DNS_CATEGORY_SITE)!;
    expect(site.record).toMatchObject({ type: 'adnl' });
    const wallet = entries.find((e) => e.category === DNS_CATEGORY_WALLET)!;
    expect(wallet.record).toBeNull();
    expect(parseDnsRecordSet(null)).toEqual([]);
  });
});

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const address = fc
  .tuple(fc.constantFrom(0, -1, 5), bytes32)
  .map(([wc, h]) => new Address(wc, Buffer.from(h)));
const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  fc.record({
    type: fc.constant('adnl' as const),
    adnl: bytes32,
    protocols: fc.option(fc.array(fc.constant('http' as const), { maxLength: 5 })),
  }),
  fc.record({ type: fc.constant('storage' as const), bagId: bytes32 }),
  fc.record({ type: fc.constant('next_resolver' as const), address }),
  fc.record({
    type: fc.constant('smc' as const),
    address,
    capabilities: fc.option(
      fc.array(
        fc.oneof(
          fc.constant({ type: 'seqno' as const }),
          fc.constant({ type: 'pubkey' as const }),
          fc.constant({ type: 'wallet' as const }),
          fc.string({ maxLength: 40 }).map((name) => ({ type: 'name' as const, name })),
        ),
        { maxLength: 4 },
      ),
    ),
  }),
  fc.record({ type: fc.constant('text' as const), text: fc.string({ maxLength: 600 }) }),
);

describe('DNS records (fast-check)', () => {
  it('parse(build(record)) = record, also through JSON', () => {
    fc.assert(
      fc.property(record, (r) => {
        const parsed = parseDnsRecord(buildDnsRecord(r));
        expect(recordToJson(parsed)).toEqual(recordToJson(r));
        expect(recordToJson(recordFromJson(recordToJson(r)))).toEqual(recordToJson(r));
      }),
      { numRuns: 300 },
    );
  });

  it('random cells: a record or DnsRecordParseError, nothing else', () => {
    fc.assert(
      fc.property(randomCell, (cell) => {
        try {
          parseDnsRecord(cell);
        } catch (e) {
          expect(e).toBeInstanceOf(DnsRecordParseError);
        }
        try {
          parseDnsRecordSet(cell);
        } catch (e) {
          expect(e).toBeInstanceOf(DnsRecordParseError);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('mutated valid records: a record or DnsRecordParseError, nothing else', () => {
    fc.assert(
      fc.property(record, fc.nat(), fc.integer({ min: -40, max: 40 }), (r, pos, cut) => {
        const bits = buildDnsRecord(r).bits;
        let s = '';
        for (let i = 0; i < bits.length; i++) s += bits.at(i) ? '1' : '0';
        if (s.length > 0) {
          const p = pos % s.length;
          s = s.slice(0, p) + (s[p] === '1' ? '0' : '1') + s.slice(p + 1);
        }
        s = cut < 0 ? s.slice(0, Math.max(0, s.length + cut)) : (s + '1'.repeat(cut)).slice(0, 1023);
        try {
          parseDnsRecord(bitsCell(s, buildDnsRecord(r).refs));
        } catch (e) {
          expect(e).toBeInstanceOf(DnsRecordParseError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
