/** DhtServer query handling, store checks and update rules. */
import { describe, expect, it } from 'vitest';
import { tlDecode, tlEncode, type TlCtor, type TlType } from '../../../src/net/tl/index.ts';
import {
  decodeNodes,
  decodePong,
  decodeValueResult,
  DhtServer,
  DhtVerifyError,
  dhtKeyId,
  encodeFindNode,
  encodeFindValue,
  encodeGetSignedAddressList,
  encodePing,
  encodeStore,
  makeOverlayNodesValue,
  makeSignedValue,
  overlayIdOf,
  overlayNodesKeyId,
  signDhtNode,
  signOverlayNode,
  verifyDhtNode,
  MAX_K,
} from '../../../src/net/dht/index.ts';
import { seededKeyPair } from './sim-network.ts';

const NOW = 1_700_000_000;
let clock = NOW;
const now = (): number => clock;

function server(i = 0, extra: Partial<ConstructorParameters<typeof DhtServer>[0]> = {}): DhtServer {
  return new DhtServer({
    keyPair: seededKeyPair(i, 77),
    addresses: [{ host: '127.0.0.1', port: 5000 + i }],
    now,
    ...extra,
  });
}

function foundValue(s: DhtServer, keyId: Uint8Array) {
  const r = decodeValueResult(s.handle(encodeFindValue(keyId, 6)) as Uint8Array);
  return r.kind === 'found' ? r.value : null;
}

describe('DhtServer', () => {
  it('answers ping, getSignedAddressList (a valid dht.node), and findNode with at most 10 nodes', () => {
    clock = NOW;
    const s = server(0);
    expect(decodePong(s.handle(encodePing(123456789n)) as Uint8Array)).toBe(123456789n);
    const self = verifyDhtNode(tlDecode('dht.node', s.handle(encodeGetSignedAddressList()) as Uint8Array));
    expect(self.addresses).toEqual([{ host: '127.0.0.1', port: 5000 }]);
    for (let i = 1; i <= 30; i++) s.addNode(server(i).node);
    const target = new Uint8Array(32).fill(3);
    expect(decodeNodes(s.handle(encodeFindNode(target, 6)) as Uint8Array)).toHaveLength(6);
    expect(decodeNodes(s.handle(encodeFindNode(target, 100)) as Uint8Array)).toHaveLength(MAX_K);
    expect(decodeNodes(s.handle(encodeFindNode(target, -1)) as Uint8Array)).toHaveLength(MAX_K);
    expect(decodeNodes(s.handle(encodeFindNode(target, 0)) as Uint8Array)).toHaveLength(0);
  });

  it('stores a signed value and serves it until its ttl', () => {
    clock = NOW;
    const s = server(0);
    const v = makeSignedValue(seededKeyPair(500), 'site', 0, new Uint8Array([1]), NOW + 60);
    const keyId = dhtKeyId(v.key.key);
    expect(tlDecode('dht.Stored', s.handle(encodeStore(v)) as Uint8Array)).toEqual({ _: 'dht.stored' });
    expect(foundValue(s, keyId)?.ttl).toBe(NOW + 60);
    clock = NOW + 61;
    expect(foundValue(s, keyId)).toBeNull();
    clock = NOW;
  });

  it('refuses bad values without answering: bad signature, ttl too far ahead, too big', () => {
    clock = NOW;
    const s = server(0);
    const kp = seededKeyPair(501);
    const v = makeSignedValue(kp, 'site', 0, new Uint8Array([1]), NOW + 60);
    expect(s.handle(encodeStore({ ...v, value: new Uint8Array([2]) }))).toBeNull();
    expect(s.handle(encodeStore(makeSignedValue(kp, 'a', 0, new Uint8Array(1), NOW + 3661)))).toBeNull();
    expect(s.handle(encodeStore(makeSignedValue(kp, 'a', 0, new Uint8Array(1), NOW + 3660)))).not.toBeNull();
    const big = { ...v, value: new Uint8Array(769) };
    expect(s.handle(encodeStore(big))).toBeNull();
    expect(() => s.store(big)).toThrow(DhtVerifyError);
    expect(s.stats.rejected).toBe(3);
    // An expired value is accepted and dropped (C++ store_in).
    const old = makeSignedValue(kp, 'old', 0, new Uint8Array(1), NOW - 1);
    expect(s.handle(encodeStore(old))).not.toBeNull();
    expect(foundValue(s, dhtKeyId(old.key.key))).toBeNull();
  });

  it('rule signature keeps the later ttl; rule anybody lets the newcomer replace', () => {
    clock = NOW;
    const s = server(0);
    const kp = seededKeyPair(502);
    const a = makeSignedValue(kp, 'k', 1, new Uint8Array([1]), NOW + 100);
    const b = makeSignedValue(kp, 'k', 1, new Uint8Array([2]), NOW + 50);
    const c = makeSignedValue(kp, 'k', 1, new Uint8Array([3]), NOW + 200);
    const keyId = dhtKeyId(a.key.key);
    s.store(a);
    s.store(b);
    expect(foundValue(s, keyId)?.value).toEqual(new Uint8Array([1]));
    s.store(c);
    expect(foundValue(s, keyId)?.value).toEqual(new Uint8Array([3]));

    const x = makeSignedValue(kp, 'any', 0, new Uint8Array([1]), NOW + 100, 'anybody');
    const y = { ...x, value: new Uint8Array([9]), ttl: NOW + 10 }; // anyone may rewrite an anybody value
    s.store(x);
    s.store(y);
    expect(foundValue(s, dhtKeyId(x.key.key))?.value).toEqual(new Uint8Array([9]));
    // ...but a signature on an anybody value is refused.
    expect(() => s.store({ ...y, signature: new Uint8Array(64) })).toThrow(DhtVerifyError);
  });

  it('rule overlayNodes merges member lists, newest version per member, within 768 bytes', () => {
    clock = NOW;
    const s = server(0);
    const name = new Uint8Array(32).fill(0xbb);
    const overlay = overlayIdOf(name);
    const m = (i: number, version: number) => signOverlayNode(seededKeyPair(600 + i), overlay, version);
    s.store(makeOverlayNodesValue(name, [m(1, NOW - 10), m(2, NOW - 10)], NOW + 100));
    s.store(makeOverlayNodesValue(name, [m(2, NOW - 5), m(3, NOW - 5)], NOW + 50));
    const got = foundValue(s, overlayNodesKeyId(overlay));
    expect(got?.ttl).toBe(NOW + 100);
    const nodes = tlDecode('overlay.nodes', got?.value as Uint8Array).nodes;
    expect(nodes.map((n) => n.version).sort()).toEqual([NOW - 10, NOW - 5, NOW - 5]);
    // Many members: the merged value still fits (each overlay.node is 140 bytes -> at most 5).
    s.store(
      makeOverlayNodesValue(
        name,
        [4, 5, 6, 7].map((i) => m(i, NOW)),
        NOW + 100,
      ),
    );
    const merged = foundValue(s, overlayNodesKeyId(overlay));
    expect(merged?.value.length).toBeLessThanOrEqual(768);
    expect(tlDecode('overlay.nodes', merged?.value as Uint8Array).nodes).toHaveLength(5);
    // A member signed for another overlay poisons the whole value.
    const other = signOverlayNode(seededKeyPair(700), overlayIdOf(new Uint8Array(32)), NOW);
    expect(() => s.store(makeOverlayNodesValue(name, [other], NOW + 10))).toThrow(DhtVerifyError);
  });

  it('learns a node announced by a dht.query prefix only when it is the sender', () => {
    clock = NOW;
    const s = server(0);
    const other = server(1);
    const prefixed = (node: TlCtor<'dht.node'>) =>
      Uint8Array.from([...tlEncode({ _: 'dht.query', node }), ...encodePing(5n)]);
    expect(decodePong(s.handle(prefixed(other.node), new Uint8Array(32)) as Uint8Array)).toBe(5n);
    expect(s.routing.size).toBe(0);
    expect(decodePong(s.handle(prefixed(other.node), other.id) as Uint8Array)).toBe(5n);
    expect(s.routing.size).toBe(1);
    // A forged announcement is ignored, the query still answered.
    const forged = { ...server(2).node, version: 99 };
    expect(decodePong(s.handle(prefixed(forged), server(2).id) as Uint8Array)).toBe(5n);
    expect(s.routing.size).toBe(1);
  });

  it('does not answer garbage, unknown functions or trailing bytes', () => {
    const s = server(0);
    expect(s.handle(new Uint8Array([1, 2, 3]))).toBeNull();
    expect(
      s.handle(
        tlEncode({
          _: 'dht.registerReverseConnection',
          node: { _: 'pub.ed25519', key: new Uint8Array(32) },
          ttl: 0,
          signature: new Uint8Array(0),
        }),
      ),
    ).toBeNull();
    expect(s.handle(Uint8Array.from([...encodePing(1n), 0, 0, 0, 0]))).toBeNull();
    expect(s.handle(new Uint8Array(20_000))).toBeNull();
  });

  it('drops values for keys it is too remote from (k + 10 closer nodes known)', () => {
    clock = NOW;
    const s = server(0, { k: 1, bucketSize: 200 });
    const kp = seededKeyPair(800);
    const v = makeSignedValue(kp, 'far', 0, new Uint8Array([1]), NOW + 60);
    const keyId = dhtKeyId(v.key.key);
    const nodes = Array.from({ length: 60 }, (_, i) => server(i + 1));
    // Feed nodes until 11 of them are closer to the key than s: from then on s stores nothing for that key.
    let closer = 0;
    for (const n of nodes) {
      s.addNode(n.node);
      closer = s.routing.countCloser(keyId, 1000);
      if (closer >= 11) break;
    }
    expect(closer).toBe(11);
    s.store(v);
    expect(foundValue(s, keyId)).toBeNull();
    const near = server(0, { k: 1 });
    near.store(v);
    expect(foundValue(near, keyId)).not.toBeNull();
  });

  it('a v2 network rejects nodes of another network but accepts 64-byte ones', () => {
    const s = server(0, { networkId: 7 });
    expect(s.node.signature.length).toBe(68);
    expect(verifyDhtNode(s.node, 7).networkId).toBe(7);
    expect(verifyDhtNode(s.node, -1).networkId).toBe(7);
    expect(() => verifyDhtNode(s.node, 8)).toThrow(DhtVerifyError);
    const plain = signDhtNode(seededKeyPair(9), [{ host: '1.2.3.4', port: 5 }]);
    expect(plain.signature.length).toBe(64);
    expect(s.addNode(plain)).toBe(true);
    const n = tlDecode<TlType<'dht.Node'>>('dht.Node', tlEncode(s.node));
    expect(verifyDhtNode(n, 7).id).toEqual(s.id);
  });
});
