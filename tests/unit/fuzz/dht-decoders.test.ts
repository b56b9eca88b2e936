/**
 * Fuzz of the DHT decoders tests/unit/dht/fuzz.test.ts does not cover: decodeNode, decodeStored, decodePong,
 * the address lists (adnl decodeAddressList, dht readAddressList, readAddressValue) and parseDhtConfig. For each:
 * valid inputs (our encoders, and the mainnet static-node vector) decode to what was encoded; random, mutated and
 * truncated inputs only ever throw the documented typed error (DhtError; TlError where raw TL is decoded); inputs
 * claiming huge counts are refused while small.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAddressList, encodeAddressList, type AdnlAddress } from '../../../src/net/adnl/index.ts';
import { TlError, tlDecode, tlEncode, type TlCtor } from '../../../src/net/tl/index.ts';
import { parseIpv4 } from '../../../src/net/transport/index.ts';
import {
  addressKeyId,
  decodeNode,
  decodeNodes,
  decodePong,
  decodeStored,
  DhtError,
  DhtParseError,
  DhtVerifyError,
  dhtConfigToJson,
  dhtNodeToJson,
  ed25519PublicKeyTl,
  keyIdOf,
  makeAddressValue,
  MAX_ADDRESSES_PER_LIST,
  MAX_ANSWER_BYTES,
  MAX_NODES_PER_ANSWER,
  MAX_STATIC_NODES,
  parseDhtConfig,
  readAddressList,
  readAddressValue,
  signDhtNode,
  verifyDhtNode,
  verifyDhtValue,
  type AddressListTl,
  type DhtNodeTl,
  type DhtValueInfo,
} from '../../../src/net/dht/index.ts';
import { arbCtor } from '../tl/arbitrary.ts';
import { seededKeyPair } from '../dht/sim-network.ts';
import {
  anyMutation,
  hex,
  hostileJson,
  hostileObject,
  jsonMutation,
  loadVector,
  onlyTyped,
} from './mutate.ts';

const NOW = 1_700_000_000;
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const address: fc.Arbitrary<AdnlAddress> = fc.record({
  host: fc.ipV4(),
  port: fc.integer({ min: 1, max: 65535 }),
});
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
/** adnl.address.* of every kind, with any int32 port (most of them invalid). */
const anyAddressTl = fc.oneof(
  fc.record({ _: fc.constant('adnl.address.udp'), ip: int32, port: int32 }),
  arbCtor('adnl.address.udp6'),
  arbCtor('adnl.address.tunnel'),
  arbCtor('adnl.address.reverse'),
  arbCtor('adnl.address.quic'),
);
const anyListTl = fc.record({
  _: fc.constant('adnl.addressList' as const),
  addrs: fc.array(anyAddressTl, { maxLength: 24 }),
  version: int32,
  reinit_date: int32,
  priority: int32,
  expire_at: int32,
}) as fc.Arbitrary<AddressListTl>;

// --- the mainnet static nodes of dht_static_node_signatures.json -------------------------------------------------
interface StaticSample {
  adnl_id: string;
  pub: string;
  signed_bytes_hex: string;
  signature_hex: string;
}
const samples = loadVector<{ samples: StaticSample[] }>('dht_static_node_signatures.json').samples;
/** The signed bytes are the boxed dht.node with an empty signature: put the signature in. */
const vectorNodes: DhtNodeTl[] = samples.map((s) => ({
  ...tlDecode<DhtNodeTl>('dht.Node', hex(s.signed_bytes_hex)),
  signature: hex(s.signature_hex),
}));
const vectorNodeBytes = vectorNodes.map((n) => tlEncode(n));

describe('decodeNode (answer to dht.getSignedAddressList)', () => {
  it('the mainnet static nodes decode and verify to their ADNL ids', () => {
    samples.forEach((s, i) => {
      const node = decodeNode(vectorNodeBytes[i]);
      expect(tlEncode(node)).toEqual(vectorNodeBytes[i]);
      const info = verifyDhtNode(node);
      expect(toHex(info.id)).toBe(s.adnl_id);
      expect(toHex(info.publicKey)).toBe(s.pub);
    });
  });

  it('round-trip: any signed node decodes to itself and verifies', () => {
    fc.assert(
      fc.property(
        fc.array(address, { minLength: 1, maxLength: 4 }),
        int32,
        fc.option(int32, { nil: undefined }),
        (addresses, version, networkId) => {
          const node = signDhtNode(seededKeyPair(3, 7), addresses, { version, networkId });
          const decoded = decodeNode(tlEncode(node));
          expect(decoded).toEqual(node);
          expect(verifyDhtNode(decoded, networkId ?? -1).addresses).toEqual(addresses);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('random bytes, and random bytes behind the dht.node id: DhtError only', () => {
    const id = vectorNodeBytes[0].subarray(0, 4);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (rest, withId) => {
        const bytes = withId ? Uint8Array.from([...id, ...rest]) : rest;
        const node = onlyTyped(DhtError, () => decodeNode(bytes));
        if (node) onlyTyped(DhtError, () => verifyDhtNode(node));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated and truncated mainnet nodes: DhtError only, and whatever still verifies is the signed content', () => {
    fc.assert(
      fc.property(
        fc
          .nat(vectorNodeBytes.length - 1)
          .chain((i) => fc.tuple(fc.constant(i), anyMutation(vectorNodeBytes[i]))),
        ([i, bytes]) => {
          const node = onlyTyped(DhtError, () => decodeNode(bytes));
          if (!node) return;
          const info = onlyTyped(DhtError, () => verifyDhtNode(node));
          if (info) expect(tlEncode(node)).toEqual(vectorNodeBytes[i]);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('huge inputs and counts are refused while small', () => {
    expect(() => decodeNode(new Uint8Array(MAX_ANSWER_BYTES + 1))).toThrow(DhtParseError);
    // dht.node id, pub.ed25519 key, then adnl.addressList addrs count 0x7fffffff in 44 bytes.
    const head = vectorNodeBytes[0].subarray(0, 40);
    expect(() => decodeNode(Uint8Array.from([...head, 0xff, 0xff, 0xff, 0x7f]))).toThrow(DhtParseError);
    // signature bytes claiming 0xffffff bytes (the 0xfe long-length form) at the end of a node.
    const noSig = vectorNodeBytes[0].subarray(0, vectorNodeBytes[0].length - 68);
    expect(() => decodeNode(Uint8Array.from([...noSig, 0xfe, 0xff, 0xff, 0xff]))).toThrow(DhtParseError);
    expect(() => decodeNode('not bytes' as unknown as Uint8Array)).toThrow(DhtParseError);
  });
});

describe('decodeNodes (answer to dht.findNode)', () => {
  const valid = tlEncode({ _: 'dht.nodes', nodes: vectorNodes });

  it('the mainnet static nodes as a dht.nodes answer decode to themselves; any count up to the bound', () => {
    expect(decodeNodes(valid)).toEqual(vectorNodes);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_NODES_PER_ANSWER }), (n) => {
        const nodes = Array.from({ length: n }, (_, i) => vectorNodes[i % vectorNodes.length]);
        expect(decodeNodes(tlEncode({ _: 'dht.nodes', nodes }))).toEqual(nodes);
      }),
      { numRuns: 20 },
    );
  });

  it('mutated and truncated answers: DhtError only, and every node that still verifies is one that was sent', () => {
    const sent = new Set(vectorNodeBytes.map(toHex));
    fc.assert(
      fc.property(anyMutation(valid), (bytes) => {
        const nodes = onlyTyped(DhtError, () => decodeNodes(bytes)) ?? [];
        for (const n of nodes) {
          if (onlyTyped(DhtError, () => verifyDhtNode(n))) expect(sent.has(toHex(tlEncode(n)))).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('more nodes than the bound, or a count of 2^31, are refused', () => {
    const nodes = Array.from({ length: MAX_NODES_PER_ANSWER + 1 }, () => vectorNodes[0]);
    const tooMany = tlEncode({ _: 'dht.nodes', nodes });
    expect(tooMany.length).toBeLessThan(MAX_ANSWER_BYTES);
    expect(() => decodeNodes(tooMany)).toThrow(DhtParseError);
    expect(() => decodeNodes(Uint8Array.from([...valid.subarray(0, 4), 0xff, 0xff, 0xff, 0x7f]))).toThrow(
      DhtParseError,
    );
  });
});

describe('decodeStored / decodePong (DHT)', () => {
  const stored = tlEncode({ _: 'dht.stored' });
  const pongId = tlEncode({ _: 'dht.pong', random_id: 0n }).subarray(0, 4);

  it('round-trip: dht.stored, and dht.pong with any random_id', () => {
    decodeStored(stored);
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (id) => {
        expect(decodePong(tlEncode({ _: 'dht.pong', random_id: id }))).toBe(id);
      }),
      { numRuns: 100 },
    );
  });

  it('random and mutated bytes: DhtError only; only the exact encodings decode', () => {
    const valid = tlEncode({ _: 'dht.pong', random_id: 0x0123456789abcdefn });
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }),
          fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Uint8Array.from([...pongId, ...b])),
          anyMutation(valid),
          anyMutation(stored),
        ),
        (bytes) => {
          const storedOk = onlyTyped(DhtError, () => (decodeStored(bytes), true)) ?? false;
          expect(storedOk).toBe(toHex(bytes) === toHex(stored));
          const pong = onlyTyped(DhtError, () => decodePong(bytes));
          const isPong = bytes.length === 12 && toHex(bytes.subarray(0, 4)) === toHex(pongId);
          expect(pong !== undefined).toBe(isPong);
          if (isPong) expect(pong).toBe(new DataView(bytes.buffer, bytes.byteOffset).getBigInt64(4, true));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('huge inputs are refused by size', () => {
    expect(() => decodeStored(new Uint8Array(MAX_ANSWER_BYTES + 1))).toThrow(DhtParseError);
    expect(() => decodePong(new Uint8Array(MAX_ANSWER_BYTES + 1))).toThrow(DhtParseError);
  });
});

describe('address lists: adnl decodeAddressList, dht readAddressList', () => {
  it('round-trip: IPv4 UDP addresses encode, decode and read back unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(address, { maxLength: MAX_ADDRESSES_PER_LIST }),
        int32,
        int32,
        int32,
        int32,
        (addresses, version, reinit, priority, expireAt) => {
          const bytes = tlEncode(encodeAddressList(addresses, version, reinit, priority, expireAt));
          const list = tlDecode<AddressListTl>('adnl.AddressList', bytes);
          expect(decodeAddressList(list)).toEqual(addresses);
          expect(readAddressList(list)).toEqual({
            addresses,
            version,
            reinitDate: reinit,
            priority,
            expireAt,
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('any decoded list (every address kind, any port): decodeAddressList never throws and keeps exactly the usable UDP entries; readAddressList bounds the count with DhtParseError', () => {
    fc.assert(
      fc.property(anyListTl, (list) => {
        const out = decodeAddressList(list);
        const usable = list.addrs.filter(
          (a) => a._ === 'adnl.address.udp' && (a.port as number) >= 1 && (a.port as number) <= 65535,
        ) as TlCtor<'adnl.address.udp'>[];
        expect(out.map((a) => a.port)).toEqual(usable.map((a) => a.port));
        out.forEach((a, i) => expect((parseIpv4(a.host) as number) | 0).toBe(usable[i].ip | 0));
        const read = onlyTyped(DhtParseError, () => readAddressList(list));
        expect(read === undefined).toBe(list.addrs.length > MAX_ADDRESSES_PER_LIST);
        if (read) expect(read.addresses).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });

  it('random and mutated bytes: TlError from the TL decoder only, never from the list readers', () => {
    const valid = tlEncode(
      encodeAddressList(
        [
          { host: '10.1.2.3', port: 3000 },
          { host: '192.168.7.9', port: 65535 },
        ],
        7,
        NOW,
      ),
    );
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), anyMutation(valid)), (bytes) => {
        const list = onlyTyped(TlError, () => tlDecode<AddressListTl>('adnl.AddressList', bytes));
        if (!list) return;
        decodeAddressList(list);
        onlyTyped(DhtParseError, () => readAddressList(list));
      }),
      { numRuns: 300 },
    );
  });

  it('a list claiming 2^31 addresses is refused in 12 bytes', () => {
    const bytes = Uint8Array.from([
      ...tlEncode(encodeAddressList([], 0, 0)).subarray(0, 4),
      0xff,
      0xff,
      0xff,
      0x7f,
    ]);
    expect(() => tlDecode('adnl.AddressList', bytes)).toThrow(TlError);
  });
});

describe('readAddressValue', () => {
  const kp = seededKeyPair(42, 9);
  const adnlId = keyIdOf(ed25519PublicKeyTl(kp.publicKey));
  const base = verifyDhtValue(makeAddressValue(kp, [{ host: '10.0.0.5', port: 30303 }], NOW + 600), NOW);
  const listId = tlEncode(encodeAddressList([], 0, 0)).subarray(0, 4);
  const withValue = (value: Uint8Array): DhtValueInfo => ({ ...base, value });

  it('round-trip: a signed address value reads back as published', () => {
    fc.assert(
      fc.property(
        fc.array(address, { minLength: 1, maxLength: MAX_ADDRESSES_PER_LIST }),
        int32,
        int32,
        fc.oneof(fc.constant(0), fc.integer({ min: NOW, max: 0x7fffffff })),
        (addresses, version, reinitDate, expireAt) => {
          const value = makeAddressValue(kp, addresses, NOW + 600, { version, reinitDate, expireAt });
          const r = readAddressValue(verifyDhtValue(value, NOW), adnlId, NOW);
          expect(r.adnlId).toEqual(adnlId);
          expect(r.publicKey).toEqual(kp.publicKey);
          expect(r.addresses).toEqual(addresses);
          expect([r.version, r.reinitDate, r.expireAt, r.ttl]).toEqual([
            version,
            reinitDate,
            expireAt,
            NOW + 600,
          ]);
        },
      ),
      { numRuns: 20 },
    );
  });

  it('random value bytes, bytes behind the addressList id, mutated and truncated lists: DhtError only', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from([...listId, ...b])),
          anyMutation(base.value),
        ),
        (bytes) => {
          const r = onlyTyped(DhtError, () => readAddressValue(withValue(bytes), adnlId, NOW));
          if (!r) return;
          expect(r.addresses.length).toBeGreaterThan(0);
          expect(r.addresses.length).toBeLessThanOrEqual(MAX_ADDRESSES_PER_LIST);
          expect(r.expireAt === 0 || r.expireAt >= NOW).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a value that is not this id’s address (key id, rule, owner kind, owner key): DhtVerifyError', () => {
    const owners = fc.oneof(
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => ({ _: 'pub.ed25519' as const, key })),
      arbCtor('pub.overlay'),
      arbCtor('pub.aes'),
      arbCtor('pub.unenc'),
    );
    fc.assert(
      fc.property(
        fc.option(fc.uint8Array({ minLength: 32, maxLength: 32 }), { nil: undefined }),
        fc.constantFrom('signature' as const, 'anybody' as const, 'overlayNodes' as const),
        fc.option(owners, { nil: undefined }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (keyId, rule, owner, otherId) => {
          const info = {
            ...base,
            keyId: keyId ?? base.keyId,
            rule,
            owner: (owner ?? base.owner) as DhtValueInfo['owner'],
          };
          const changed = keyId !== undefined || rule !== 'signature' || owner !== undefined;
          const r = onlyTyped(DhtVerifyError, () => readAddressValue(info, adnlId, NOW));
          if (changed) expect(r).toBeUndefined();
          // Someone else's address value, asked for under another id.
          expect(() => readAddressValue(base, otherId, NOW)).toThrow(DhtVerifyError);
          expect(addressKeyId(adnlId)).toEqual(base.keyId);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lists claiming huge or too many addresses are refused while small', () => {
    const huge = Uint8Array.from([...listId, 0xff, 0xff, 0xff, 0x7f]);
    expect(() => readAddressValue(withValue(huge), adnlId, NOW)).toThrow(DhtParseError);
    const tooMany = tlEncode({
      _: 'adnl.addressList',
      addrs: Array.from({ length: MAX_ADDRESSES_PER_LIST + 1 }, (_, i) => ({
        _: 'adnl.address.udp' as const,
        ip: 0x0a000001 + i,
        port: 1000 + i,
      })),
      version: 0,
      reinit_date: 0,
      priority: 0,
      expire_at: 0,
    });
    expect(tooMany.length).toBeLessThan(768);
    expect(() => readAddressValue(withValue(tooMany), adnlId, NOW)).toThrow(DhtParseError);
  });
});

/** Every key parseDhtConfig and dhtNodeFromJson read. */
const CONFIG_KEYS = [
  '@type',
  'dht',
  'k',
  'a',
  'network_id',
  'static_nodes',
  'nodes',
  'id',
  'key',
  'addr_list',
  'addrs',
  'ip',
  'port',
  'version',
  'reinit_date',
  'priority',
  'expire_at',
  'signature',
];

describe('parseDhtConfig', () => {
  const mainnetLike = {
    '@type': 'config.global',
    dht: {
      '@type': 'dht.config.global',
      k: 6,
      a: 3,
      static_nodes: { '@type': 'dht.nodes', nodes: vectorNodes.map(dhtNodeToJson) },
    },
  };

  const oneNode = { ...mainnetLike.dht, static_nodes: { nodes: [dhtNodeToJson(vectorNodes[0])] } };

  it('the mainnet static nodes (global config form) parse and verify', () => {
    const config = parseDhtConfig(JSON.parse(JSON.stringify(mainnetLike)));
    expect(config).toMatchObject({ k: 6, a: 3, networkId: -1 });
    expect(config.staticNodes.map((n) => toHex(n.id))).toEqual(samples.map((s) => s.adnl_id));
  });

  it('round-trip: dhtConfigToJson of signed nodes parses back to the same nodes', () => {
    const keys = [0, 1, 2].map((i) => seededKeyPair(60 + i, 3));
    fc.assert(
      fc.property(
        fc.array(fc.array(address, { minLength: 1, maxLength: 3 }), { maxLength: 3 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.option(
          int32.filter((n) => n !== -1),
          { nil: undefined },
        ),
        (lists, k, a, networkId) => {
          const nodes = lists.map((addrs, i) => signDhtNode(keys[i], addrs, { networkId }));
          const json = JSON.parse(JSON.stringify(dhtConfigToJson(nodes, { k, a, networkId })));
          const config = parseDhtConfig(json);
          expect(config).toMatchObject({ k, a, networkId: networkId ?? -1 });
          expect(config.staticNodes.map((n) => n.tl)).toEqual(nodes);
          expect(config.staticNodes.map((n) => n.addresses)).toEqual(lists);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('random JSON and random objects: DhtError only', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 4 }),
          fc.object({ maxDepth: 3 }),
          fc.anything({ maxDepth: 2 }),
          hostileJson(CONFIG_KEYS),
        ),
        (json) => {
          onlyTyped(DhtError, () => parseDhtConfig(json));
          onlyTyped(DhtError, () => parseDhtConfig({ dht: json }));
          onlyTyped(DhtError, () => parseDhtConfig({ static_nodes: { nodes: [json] } }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('one value anywhere in a valid config replaced or deleted: DhtError only, and every node kept still verifies', () => {
    const ids = new Set(samples.map((s) => s.adnl_id));
    fc.assert(
      fc.property(jsonMutation(mainnetLike), (json) => {
        const config = onlyTyped(DhtError, () => parseDhtConfig(json));
        if (!config) return;
        for (const n of config.staticNodes) expect(ids.has(toHex(n.id))).toBe(true);
        expect(config.k).toBeLessThanOrEqual(10);
        expect(config.a).toBeLessThanOrEqual(10);
      }),
      { numRuns: 100 },
    );
  });

  it('any field the parser reads holding an object with keys like toString/valueOf/__proto__: DhtError only', () => {
    fc.assert(
      fc.property(jsonMutation(oneNode, hostileObject()), (json) => {
        onlyTyped(DhtError, () => parseDhtConfig(json));
      }),
      { numRuns: 300 },
    );
  });

  it('regression: a config type that is an object with a toString key is a DhtParseError (was a TypeError)', () => {
    // Found by the property above: String() of this JSON object throws "Cannot convert object to primitive value".
    const json = JSON.parse('{"@type":"config.global","dht":{"@type":{"toString":[]},"k":6,"a":3}}');
    expect(() => parseDhtConfig(json)).toThrow(DhtParseError);
    expect(() => parseDhtConfig({ ...mainnetLike.dht, '@type': json.dht['@type'] })).toThrow(DhtParseError);
  });

  it('huge lists are refused without walking them; huge fields drop the node', () => {
    const many = { static_nodes: { nodes: new Array(1_000_000).fill(null) } };
    expect(() => parseDhtConfig(many)).toThrow(DhtParseError);
    const justOver = { static_nodes: { nodes: new Array(MAX_STATIC_NODES + 1).fill(null) } };
    expect(() => parseDhtConfig(justOver)).toThrow(DhtParseError);
    const node = dhtNodeToJson(vectorNodes[0]) as { addr_list: { addrs: unknown[] }; id: { key: string } };
    const manyAddrs = structuredClone(node);
    manyAddrs.addr_list.addrs = new Array(100_000).fill(node.addr_list.addrs[0]);
    const hugeKey = structuredClone(node);
    hugeKey.id.key = 'A'.repeat(4_000_000);
    const config = parseDhtConfig({ static_nodes: { nodes: [manyAddrs, hugeKey, node] } });
    expect(config.staticNodes.map((n) => toHex(n.id))).toEqual([samples[0].adnl_id]);
  });
});
