/** fast-check: decode(encode(x)) = x, and hostile input only ever raises TlError without big allocations. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  TL_MAX_DEPTH,
  TlError,
  TlReader,
  TlWriter,
  tlDecode,
  tlDecodeBare,
  tlEncode,
  tlEncodeBare,
  tlId,
  type TlObject,
} from '../../../src/net/tl/index.ts';
import { allNames, arbCtor } from './arbitrary.ts';

/** The representative set: flags (shared bits, ?true), nested bare and boxed objects, vectors of both. */
const REPRESENTATIVE: [name: string, decodeAs: string][] = [
  ['adnl.packetContents', 'adnl.PacketContents'],
  ['dht.value', 'dht.Value'],
  ['dht.keyDescription', 'dht.KeyDescription'],
  ['dht.valueFound', 'dht.ValueResult'],
  ['liteServer.runMethodResult', 'liteServer.RunMethodResult'],
  ['liteServer.blockTransactions', 'liteServer.BlockTransactions'],
  ['liteServer.listBlockTransactions', 'liteServer.listBlockTransactions'],
  ['liteServer.getDispatchQueueMessages', 'liteServer.getDispatchQueueMessages'],
  ['liteServer.partialBlockProof', 'liteServer.PartialBlockProof'],
  ['liteServer.getConfigParams', 'liteServer.getConfigParams'],
  ['liteServer.getLibraries', 'liteServer.getLibraries'],
  ['adnl.addressList', 'adnl.AddressList'],
  ['http.response', 'http.Response'],
  ['http.request', 'Object'],
  ['testVectorBytes', 'TestObject'],
  ['testObject', 'TestObject'],
];

/** Walks a decoded value and counts array elements and bytes, to bound what decoding allocated. */
function footprint(v: unknown): number {
  if (v instanceof Uint8Array) return v.length;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + 1 + footprint(x), 0);
  if (typeof v === 'object' && v !== null)
    return Object.values(v).reduce((n: number, x) => n + 1 + footprint(x), 0);
  return 1;
}

/** Decodes hostile input: the only acceptable failure is TlError; success must not inflate the input. */
function decodeHostile(name: string, bytes: Uint8Array): void {
  let decoded: unknown;
  try {
    decoded = tlDecode(name, bytes);
  } catch (e) {
    if (!(e instanceof TlError)) throw e;
    expect(e.message.length).toBeGreaterThan(0);
    return;
  }
  // Every decoded element, field and byte came from at least one input byte (Bool/ints: 4 bytes each).
  expect(footprint(decoded)).toBeLessThanOrEqual(bytes.length * 2 + 8);
  // Whatever decodes is a valid value again (padding, long-form lengths and bad UTF-8 may change the bytes).
  expect(tlEncode(decoded as TlObject).length).toBeLessThanOrEqual(bytes.length * 3);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({
    kind: fc.constant('word' as const),
    at: fc.nat(),
    value: fc.constantFrom(0xffffffff, 0x7fffffff, 0xfeffffff, 0x00fffffe, 0x10000, 1000, 255, 254),
  }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const out = new Uint8Array(bytes);
  if (bytes.length === 0) return out;
  const at = m.at % bytes.length;
  switch (m.kind) {
    case 'flip':
      out[at] ^= 1 << m.bit;
      return out;
    case 'truncate':
      return out.slice(0, at);
    case 'insert':
      return new Uint8Array([...bytes.subarray(0, at), m.byte, ...bytes.subarray(at)]);
    case 'word': {
      const w = at & ~3;
      if (w + 4 <= out.length) new DataView(out.buffer).setUint32(w, m.value, true);
      return out;
    }
  }
}

describe('TL round-trip properties', () => {
  for (const [name, decodeAs] of REPRESENTATIVE) {
    it(`${name}: decode(encode(x)) = x (boxed and bare)`, () => {
      fc.assert(
        fc.property(arbCtor(name), (x) => {
          const boxed = tlEncode(x);
          expect(tlDecode(decodeAs, boxed)).toEqual(x);
          expect(tlDecode(name, boxed)).toEqual(x);
          const bare = tlEncodeBare(x);
          expect(bare).toEqual(boxed.subarray(4));
          expect(tlDecodeBare(name, bare)).toEqual(x);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('every constructor and function of both schemas round-trips', () => {
    for (const name of allNames) {
      fc.assert(
        fc.property(arbCtor(name), (x) => {
          expect(tlDecode(name, tlEncode(x))).toEqual(x);
        }),
        { numRuns: 4 },
      );
    }
  });

  it('conditional fields sharing a bit (adnl.packetContents reinit_date / dst_reinit_date on bit 10)', () => {
    const base = { _: 'adnl.packetContents', rand1: new Uint8Array(3), rand2: new Uint8Array(0) };
    const x = { ...base, flags: 1 << 10, reinit_date: 5, dst_reinit_date: -7 };
    const bytes = tlEncode(x);
    expect(bytes.length).toBe(4 + 4 + 4 + 8 + 4);
    expect(tlDecode('adnl.packetContents', bytes)).toEqual(x);
    expect(() => tlEncode({ ...base, flags: 1 << 10, reinit_date: 5 })).toThrow(/dst_reinit_date: missing/);
    expect(() => tlEncode({ ...base, flags: 0, reinit_date: 5 })).toThrow(/reinit_date: present but/);
  });

  it('flags.N?true fields follow their bit', () => {
    const z = new Uint8Array(32);
    const id = { _: 'tonNode.blockIdExt', workchain: 0, shard: 0n, seqno: 1, root_hash: z, file_hash: z };
    const base = { _: 'liteServer.listBlockTransactions', id, count: 10 };
    const x = { ...base, mode: 1 << 5, reverse_order: false, want_proof: true };
    expect(tlDecode('liteServer.listBlockTransactions', tlEncode(x))).toEqual(x);
    expect(() => tlEncode({ ...base, mode: 1 << 5, want_proof: false })).toThrow(TlError);
    expect(() => tlEncode({ ...base, mode: 0, want_proof: true })).toThrow(TlError);
  });

  it('concatenated objects through one TlReader (waitMasterchainSeqno prefix + query)', () => {
    const w = new TlWriter();
    w.object({ _: 'liteServer.waitMasterchainSeqno', seqno: 42, timeout_ms: 5000 });
    w.object({ _: 'liteServer.getMasterchainInfo' });
    w.int(-1).long(-2n).bytes(new Uint8Array(300)).string('é').bool(true);
    const r = new TlReader(w.finish());
    expect(r.object('liteServer.waitMasterchainSeqno')).toEqual({
      _: 'liteServer.waitMasterchainSeqno',
      seqno: 42,
      timeout_ms: 5000,
    });
    expect(r.peekId()).toBe(tlId('liteServer.getMasterchainInfo'));
    expect(r.object('Object')).toEqual({ _: 'liteServer.getMasterchainInfo' });
    expect([r.int(), r.long(), r.bytes().length, r.string(), r.bool()]).toEqual([-1, -2n, 300, 'é', true]);
    r.assertEnd();
  });
});

describe('TL encode rejects values that do not fit the schema', () => {
  const z = new Uint8Array(32);
  it.each([
    [{ _: 'pub.ed25519', key: new Uint8Array(31) }, /int256/],
    [{ _: 'pub.ed25519' }, /pub.ed25519.key/],
    [{ _: 'tcp.ping', random_id: 1 }, /bigint/],
    [{ _: 'tcp.ping', random_id: 1n << 64n }, /64-bit/],
    [{ _: 'adnl.address.udp', ip: 1.5, port: 1 }, /32-bit/],
    [{ _: 'adnl.address.udp', ip: 2 ** 32, port: 1 }, /32-bit/],
    [{ _: 'http.header', name: 1, value: '' }, /string/],
    [{ _: 'adnl.message.query', query_id: z, query: 'x' }, /bytes/],
    [{ _: 'dht.valueFound', value: { _: 'pub.ed25519', key: z } }, /not a dht.Value/],
    [{ _: 'adnl.addressList', addrs: {}, version: 0, reinit_date: 0, priority: 0, expire_at: 0 }, /array/],
    [{ _: 'no.such' }, /unknown TL constructor/],
  ])('%o', (obj, message) => {
    expect(() => tlEncode(obj as TlObject)).toThrow(TlError);
    expect(() => tlEncode(obj as TlObject)).toThrow(message);
  });

  it('cyclic objects hit the depth limit', () => {
    const o: TlObject = { _: 'testObject', value: 1, f: { _: 'adnl.message.nop' } };
    o.o = o;
    expect(() => tlEncode(o)).toThrow(/nested deeper/);
  });
});

describe('TL decode of hostile input', () => {
  const targets = ['Object', ...REPRESENTATIVE.map(([, t]) => t)];

  it('random bytes only raise TlError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...targets), fc.uint8Array({ maxLength: 300 }), (name, bytes) => {
        decodeHostile(name, bytes);
      }),
      { numRuns: 1500 },
    );
  });

  it('a valid constructor id followed by random bytes only raises TlError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REPRESENTATIVE), fc.uint8Array({ maxLength: 300 }), ([name], tail) => {
        const bytes = new Uint8Array(4 + tail.length);
        new DataView(bytes.buffer).setUint32(0, tlId(name), true);
        bytes.set(tail, 4);
        decodeHostile(name, bytes);
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated valid encodings only raise TlError', () => {
    const arb = fc
      .constantFrom(...REPRESENTATIVE)
      .chain(([name]) => fc.tuple(fc.constant(name), arbCtor(name)));
    fc.assert(
      fc.property(arb, fc.array(mutation, { minLength: 1, maxLength: 3 }), ([name, x], ms) => {
        let bytes: Uint8Array = tlEncode(x);
        for (const m of ms) bytes = mutate(bytes, m);
        decodeHostile(name, bytes);
      }),
      { numRuns: 1500 },
    );
  });

  it('huge counts and lengths in a few bytes fail before allocating', () => {
    const id = (name: string): number[] => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setUint32(0, tlId(name), true);
      return [...b];
    };
    const cases: [string, number[]][] = [
      ['testVectorBytes', [...id('testVectorBytes'), 0xff, 0xff, 0xff, 0xff]],
      ['liteServer.getLibraries', [...id('liteServer.getLibraries'), 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 4]],
      ['liteServer.getConfigParams', [...id('liteServer.getConfigParams'), 0, 0, 0, 0, 0, 0, 0, 0x10]],
      ['adnl.message.custom', [...id('adnl.message.custom'), 0xfe, 0xff, 0xff, 0xff]],
      ['adnl.message.custom', [...id('adnl.message.custom'), 0xff, 0, 0, 0]],
      ['http.header', [...id('http.header'), 200, 0, 0, 0]],
    ];
    for (const [name, bytes] of cases) {
      const input = new Uint8Array(bytes);
      // Any buffer the decoder copies out of the input is sliced from it: record the sizes it asks for.
      const sliced: number[] = [];
      const originalSlice = input.slice.bind(input);
      input.slice = ((start?: number, end?: number) => {
        const out = originalSlice(start, end);
        sliced.push(out.length);
        return out;
      }) as typeof input.slice;
      expect(() => tlDecode(name, input), name).toThrow(TlError);
      expect(sliced.every((n) => n <= input.length)).toBe(true);
    }
  });

  it('deep nesting fails with TlError, not a stack overflow', () => {
    const w = new TlWriter();
    for (let i = 0; i < 5000; i++) w.uint(tlId('testObject')).int(i);
    expect(() => tlDecode('TestObject', w.finish())).toThrow(
      new RegExp(`nested deeper than ${TL_MAX_DEPTH}`),
    );
  });

  it('trailing bytes, unknown ids, wrong types and bad Bool are TlError with a place', () => {
    const ping = tlEncode({ _: 'tcp.ping', random_id: 7n });
    expect(() => tlDecode('tcp.ping', new Uint8Array([...ping, 0]))).toThrow(/1 trailing byte/);
    expect(() => tlDecode('tcp.Pong', ping)).toThrow(/tcp.ping is not a tcp.Pong/);
    expect(() => tlDecode('tcp.ping', ping.subarray(0, 9))).toThrow(/tcp.ping.random_id: long needs 8 byte/);
    const resp = tlEncode({
      _: 'http.response',
      http_version: 'HTTP/1.1',
      status_code: 200,
      reason: 'OK',
      headers: [],
      no_payload: true,
    });
    resp[resp.length - 1] ^= 1;
    expect(() => tlDecode('http.Response', resp)).toThrow(/http.response.no_payload: expected Bool/);
  });
});
