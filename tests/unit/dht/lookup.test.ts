/** Iterative lookup against an in-memory network of our own DhtServer handlers, some of them faulty. */
import { describe, expect, it } from 'vitest';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  addressKeyId,
  DhtNotFoundError,
  dhtKeyId,
  findNodes,
  findValue,
  keyIdOf,
  makeAddressValue,
  makeSignedValue,
  readAddressValue,
  signDhtNode,
  type DhtQueryFn,
} from '../../../src/net/dht/index.ts';
import { makeSimNetwork, seededKeyPair, toHexForTests } from './sim-network.ts';

const NOW = 1_700_000_000;
const now = (): number => NOW;
const opts = { k: 6, a: 3, timeoutMs: 40, now };

function publish(
  net: ReturnType<typeof makeSimNetwork>,
  value: ReturnType<typeof makeSignedValue>,
  keyId: Uint8Array,
) {
  for (const n of net.closestTo(keyId, 6)) n.server.store(value);
}

describe('iterative findValue / findNodes', () => {
  it('finds a value held only by the 6 nodes closest to its key, starting from 3 far static nodes', async () => {
    const net = makeSimNetwork(40, { now });
    const owner = seededKeyPair(1000);
    const value = makeAddressValue(owner, [{ host: '10.9.9.9', port: 4444 }], NOW + 3600);
    const adnlId = keyIdOf({ _: 'pub.ed25519', key: owner.publicKey });
    const keyId = addressKeyId(adnlId);
    publish(net, value, keyId);
    const far = net.closestTo(keyId, 40).slice(-3);
    const r = await findValue(
      keyId,
      far.map((n) => n.info),
      net.query,
      opts,
    );
    expect(toHexForTests(r.value.keyId)).toBe(toHexForTests(keyId));
    const addr = readAddressValue(r.value, adnlId, NOW);
    expect(addr.addresses).toEqual([{ host: '10.9.9.9', port: 4444 }]);
    expect(Buffer.from(addr.publicKey).equals(Buffer.from(owner.publicKey))).toBe(true);
    expect(r.queries).toBeLessThan(40);
  });

  it('finds it although nodes time out, answer garbage or refuse', async () => {
    const net = makeSimNetwork(40, { now, salt: 1 });
    const owner = seededKeyPair(2000);
    const value = makeSignedValue(owner, 'x', 3, new Uint8Array([1, 2, 3]), NOW + 100);
    const realKeyId = dhtKeyId(value.key.key);
    publish(net, value, realKeyId);
    const ordered = net.closestTo(realKeyId, 40);
    // Half of the holders and many on the way are broken.
    const kinds = ['silent', 'garbage', 'reject'] as const;
    ordered.forEach((n, i) => {
      if (i % 2 === 1) n.behaviour = kinds[i % 3];
    });
    const seeds = ordered.slice(-6).map((n) => n.info);
    const r = await findValue(realKeyId, seeds, net.query, opts);
    expect(Buffer.from(r.value.value)).toEqual(Buffer.from([1, 2, 3]));
    expect(r.failures).toBeGreaterThan(0);
    expect(net.byId.get(toHexForTests(r.from.id))?.behaviour).toBe('honest');
  });

  it('skips holders that return a forged value and keeps looking', async () => {
    const net = makeSimNetwork(30, { now, salt: 2 });
    const owner = seededKeyPair(3000);
    const good = makeSignedValue(owner, 'v', 0, new Uint8Array([7]), NOW + 100);
    const keyId = dhtKeyId(good.key.key);
    const holders = net.closestTo(keyId, 6);
    for (const h of holders) h.server.store(good);
    // The closest holder lies: it answers with the value's bytes changed (signature no longer matches).
    const liar = holders[0];
    const forged = tlEncode({ _: 'dht.valueFound', value: { ...good, value: new Uint8Array([8]) } });
    const honestQuery = net.query;
    const query: DhtQueryFn = (node, bytes, t) =>
      toHexForTests(node.id) === toHexForTests(liar.info.id)
        ? Promise.resolve(forged)
        : honestQuery(node, bytes, t);
    const r = await findValue(
      keyId,
      net
        .closestTo(keyId, 30)
        .slice(-3)
        .map((n) => n.info),
      query,
      opts,
    );
    expect(Buffer.from(r.value.value)).toEqual(Buffer.from([7]));
    expect(toHexForTests(r.from.id)).not.toBe(toHexForTests(liar.info.id));
  });

  it('ends with DhtNotFoundError when nobody has the key, asking each node at most once', async () => {
    const net = makeSimNetwork(25, { now, salt: 3 });
    const keyId = new Uint8Array(32).fill(0x42);
    await expect(
      findValue(
        keyId,
        net.nodes.slice(0, 3).map((n) => n.info),
        net.query,
        opts,
      ),
    ).rejects.toBeInstanceOf(DhtNotFoundError);
    for (const n of net.nodes) expect(n.queries).toBeLessThanOrEqual(1);
  });

  it('fails fast with no seeds, and when every node is silent', async () => {
    const net = makeSimNetwork(8, { now, salt: 4 });
    const keyId = new Uint8Array(32).fill(1);
    await expect(findValue(keyId, [], net.query, opts)).rejects.toBeInstanceOf(DhtNotFoundError);
    for (const n of net.nodes) n.behaviour = 'silent';
    await expect(
      findValue(
        keyId,
        net.nodes.map((n) => n.info),
        net.query,
        opts,
      ),
    ).rejects.toBeInstanceOf(DhtNotFoundError);
  });

  it('findNodes converges on the true k closest nodes', async () => {
    const net = makeSimNetwork(50, { now, salt: 5 });
    const target = new Uint8Array(32).fill(0xa5);
    const seeds = net
      .closestTo(target, 50)
      .slice(-3)
      .map((n) => n.info);
    const r = await findNodes(target, seeds, net.query, opts);
    expect(r.nodes.map((n) => toHexForTests(n.id))).toEqual(
      net.closestTo(target, 6).map((n) => toHexForTests(n.info.id)),
    );
  });

  it('an adversary minting endless closer nodes cannot make the lookup run unbounded', async () => {
    const target = new Uint8Array(32).fill(0x11);
    let minted = 0;
    // Every answer lists fresh, validly signed nodes — all handled by the same adversary.
    const evil: DhtQueryFn = async () => {
      const nodes = [];
      for (let i = 0; i < 10; i++) {
        nodes.push(signDhtNode(seededKeyPair(10_000 + minted++, 9), [{ host: '10.1.1.1', port: 1 }]));
      }
      return tlEncode({ _: 'dht.valueNotFound', nodes: { _: 'dht.nodes', nodes } });
    };
    const net = makeSimNetwork(3, { now, salt: 6 });
    await expect(
      findValue(
        target,
        net.nodes.map((n) => n.info),
        evil,
        { ...opts, maxQueries: 40 },
      ),
    ).rejects.toBeInstanceOf(DhtNotFoundError);
    expect(minted).toBeLessThanOrEqual(400);
  });
});
