/** DhtClient over a fake transport that routes ADNL queries to in-memory DhtServers; cache; config round-trip. */
import { describe, expect, it } from 'vitest';
import {
  addressKeyId,
  dhtConfigToJson,
  DhtClient,
  DhtNotFoundError,
  makeAddressList,
  readAddressList,
  keyIdOf,
  makeAddressValue,
  makeOverlayNodesValue,
  makeSignedValue,
  MemoryDhtCache,
  overlayIdOf,
  parseDhtConfig,
  signOverlayNode,
  type DhtTransport,
  type UdpAddress,
} from '../../../src/net/dht/index.ts';
import { makeSimNetwork, seededKeyPair, toHexForTests } from './sim-network.ts';

const NOW = 1_700_000_000;
let clock = NOW;
const now = (): number => clock;

function setup(count = 20, salt = 11) {
  const net = makeSimNetwork(count, { now, salt });
  // Transport: a "peer" is the address; the server at that address answers (unless silenced).
  const byAddr = new Map(
    net.nodes.map((n) => [`${n.info.addresses[0].host}:${n.info.addresses[0].port}`, n]),
  );
  let sent = 0;
  const transport: DhtTransport<{ publicKey: Uint8Array; address: UdpAddress }> = {
    addPeer: (publicKey, address) => ({ publicKey, address }),
    query: async (peer, q) => {
      sent++;
      const sim = byAddr.get(`${peer.address.host}:${peer.address.port}`);
      if (!sim || toHexForTests(sim.keyPair.publicKey) !== toHexForTests(peer.publicKey))
        throw new Error('no peer');
      if (sim.behaviour !== 'honest') throw new Error('down');
      const a = sim.server.handle(q);
      if (!a) throw new Error('no answer');
      return a;
    },
  };
  const config = parseDhtConfig(
    dhtConfigToJson(
      net.nodes.slice(0, 3).map((n) => n.server.node),
      { k: 6, a: 3 },
    ),
  );
  const cache = new MemoryDhtCache({ now });
  const client = new DhtClient({ adnl: transport, config, cache, timeoutMs: 50, now });
  return { net, client, cache, sent: () => sent };
}

describe('DhtClient', () => {
  it('resolves an ADNL id to its key and addresses, then serves it from the cache until the ttl', async () => {
    clock = NOW;
    const { net, client, sent } = setup();
    const service = seededKeyPair(4242);
    const adnlId = keyIdOf({ _: 'pub.ed25519', key: service.publicKey });
    const value = makeAddressValue(service, [{ host: '127.0.0.1', port: 30303 }], NOW + 120);
    for (const n of net.closestTo(addressKeyId(adnlId), 6)) n.server.store(value);

    const r = await client.resolveAddress(adnlId);
    expect(r.addresses).toEqual([{ host: '127.0.0.1', port: 30303 }]);
    expect(toHexForTests(r.publicKey)).toBe(toHexForTests(service.publicKey));
    expect(r.ttl).toBe(NOW + 120);
    const before = sent();
    await client.resolveAddress(adnlId);
    expect(sent()).toBe(before); // cached
    clock = NOW + 121; // value expired: cache miss, and the servers no longer have it either
    await expect(client.resolveAddress(adnlId)).rejects.toBeInstanceOf(DhtNotFoundError);
    clock = NOW;
  });

  it('refuses an address value published under another key', async () => {
    clock = NOW;
    const { net, client } = setup(12, 12);
    const service = seededKeyPair(4343);
    const adnlId = keyIdOf({ _: 'pub.ed25519', key: service.publicKey });
    // A value signed by the service but not under "address"/0 is not an address.
    const wrong = makeSignedValue(service, 'address', 1, new Uint8Array(4), NOW + 60);
    for (const n of net.nodes) n.server.store(wrong);
    await expect(client.resolveAddress(adnlId)).rejects.toBeInstanceOf(DhtNotFoundError);
  });

  it('finds overlay members and stores values on the closest nodes', async () => {
    clock = NOW;
    const { client } = setup(20, 13);
    const name = new Uint8Array(32).fill(9);
    const overlay = overlayIdOf(name);
    const members = [1, 2, 3].map((i) => signOverlayNode(seededKeyPair(900 + i), overlay, NOW - 5));
    const stored = await client.store(makeOverlayNodesValue(name, members, NOW + 300));
    expect(stored.stored).toBeGreaterThanOrEqual(3);
    const got = await client.findOverlayNodes(overlay, { noCache: true });
    expect(got.map((m) => toHexForTests(m.publicKey)).sort()).toEqual(
      [1, 2, 3].map((i) => toHexForTests(seededKeyPair(900 + i).publicKey)).sort(),
    );
    // A stale list (no member fresher than 600 s) is not acceptable: the lookup keeps going and fails.
    const staleName = new Uint8Array(32).fill(10);
    const staleOverlay = overlayIdOf(staleName);
    const stale = [signOverlayNode(seededKeyPair(999), staleOverlay, NOW - 700)];
    await client.store(makeOverlayNodesValue(staleName, stale, NOW + 300));
    await expect(client.findOverlayNodes(staleOverlay)).rejects.toBeInstanceOf(DhtNotFoundError);
    expect(client.learnedNodes).toBeGreaterThan(0);
  });

  it('pings and fetches signed address lists; refuses a node answering for another key', async () => {
    const { net, client } = setup(5, 14);
    await client.ping(client.config.staticNodes[0]);
    const n = net.nodes[3];
    const info = await client.getSignedAddressList(n.keyPair.publicKey, n.info.addresses[0]);
    expect(toHexForTests(info.id)).toBe(toHexForTests(n.info.id));
    await expect(
      client.getSignedAddressList(net.nodes[2].keyPair.publicKey, n.info.addresses[0]),
    ).rejects.toThrow();
  });

  it('a cache entry that no longer verifies is dropped', async () => {
    clock = NOW;
    const { net, client, cache } = setup(10, 15);
    const service = seededKeyPair(4444);
    const adnlId = keyIdOf({ _: 'pub.ed25519', key: service.publicKey });
    const keyHex = toHexForTests(addressKeyId(adnlId));
    await cache.set(keyHex, { value: new Uint8Array([1, 2, 3]), expiresAt: NOW + 100 });
    for (const n of net.nodes)
      n.server.store(makeAddressValue(service, [{ host: '1.2.3.4', port: 5 }], NOW + 60));
    expect((await client.resolveAddress(adnlId)).addresses).toEqual([{ host: '1.2.3.4', port: 5 }]);
    expect((await cache.get(keyHex))?.expiresAt).toBe(NOW + 60);
  });
});

describe('config and addresses', () => {
  it('address lists: IPv4 as the signed big-endian int of adnl.address.udp, bounded', () => {
    const list = makeAddressList([
      { host: '1.2.3.4', port: 5 },
      { host: '255.255.255.255', port: 6 },
    ]);
    expect(list.addrs).toEqual([
      { _: 'adnl.address.udp', ip: 0x01020304, port: 5 },
      { _: 'adnl.address.udp', ip: -1, port: 6 },
    ]);
    expect(
      readAddressList({ ...list, addrs: [{ _: 'adnl.address.udp', ip: -1185526007, port: 1 }] }).addresses,
    ).toEqual([{ host: '185.86.79.9', port: 1 }]);
    expect(() => makeAddressList([{ host: '256.1.1.1', port: 1 }])).toThrow();
    expect(() => readAddressList({ ...list, addrs: new Array(17).fill(list.addrs[0]) })).toThrow();
  });

  it('config JSON round-trips (v1 and v2) and drops nodes with bad signatures', () => {
    const nodes = [1, 2, 3].map((i) => makeSimNetwork(1, { salt: 100 + i }).nodes[0].server.node);
    const parsed = parseDhtConfig({ '@type': 'config.global', dht: dhtConfigToJson(nodes, { k: 5, a: 2 }) });
    expect(parsed.staticNodes).toHaveLength(3);
    expect([parsed.k, parsed.a, parsed.networkId]).toEqual([5, 2, -1]);
    const json = dhtConfigToJson(nodes) as { static_nodes: { nodes: { version: number }[] } };
    json.static_nodes.nodes[1].version = 5;
    expect(parseDhtConfig(json).staticNodes).toHaveLength(2);
    expect(() => parseDhtConfig({ '@type': 'dht.config.other' })).toThrow();
    expect(() => parseDhtConfig(null)).toThrow();
  });
});
