/**
 * Devnet DHT on loopback: our DhtServers on our AdnlNodes over real UDP sockets. A service publishes its signed
 * address list; a client starting from the config's static nodes looks its ADNL id up, opens an ADNL channel to
 * it and completes a query — over direct UDP, through the bridge's WebSocket datagram relay, and both again with
 * 20% loss and 50 ms delay injected on the client's datagrams (both directions).
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnetDht, type DevnetDht } from '../../src/devnet/dht/index.ts';
import { AdnlNode, type AdnlAddress } from '../../src/net/adnl/index.ts';
import { adnlId, generateKeyPair, type KeyPair } from '../../src/net/crypto/index.ts';
import {
  DhtClient,
  DhtNotFoundError,
  lookupAdnlAddress,
  lookupAdnlAddresses,
  makeAddressValue,
  parseDhtConfig,
} from '../../src/net/dht/index.ts';
import {
  bridgeUdpUrl,
  FaultySocket,
  openRelaySocket,
  type DatagramSocket,
} from '../../src/net/transport/index.ts';
import { silentLogger, startBridge, udpRelayRoute, type BridgeServer } from '../../src/node/bridge/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

let devnet: DevnetDht;
let bridge: BridgeServer;
let service: { keyPair: KeyPair; adnl: AdnlNode; address: AdnlAddress; queries: number };
const closers: { close(): void }[] = [];

beforeAll(async () => {
  devnet = await startDevnetDht({ count: 4 });
  const keyPair = generateKeyPair();
  const udp = await openUdpSocket({ host: '127.0.0.1' });
  const address = { host: '127.0.0.1', port: udp.address().port };
  const adnl = new AdnlNode({ socket: udp, keyPair, addresses: [address] });
  service = { keyPair, adnl, address, queries: 0 };
  adnl.onQuery = async (_peer, query) => {
    service.queries++;
    return enc.encode(`site says: ${dec.decode(query)}`);
  };
  await devnet.publishAddress(keyPair, address);
  bridge = await startBridge({
    destinations: [],
    logger: silentLogger,
    routes: [udpRelayRoute({ allowLoopback: true })],
  });
});

afterAll(async () => {
  for (const c of closers) c.close();
  service?.adnl.close();
  await devnet?.stop();
  await bridge?.close();
});

type Path = 'udp' | 'relay';

async function clientSocket(path: Path): Promise<DatagramSocket> {
  if (path === 'udp') return openUdpSocket({ host: '127.0.0.1' });
  return openRelaySocket(bridgeUdpUrl(bridge.url), { WebSocket: WebSocket as never });
}

/** Seeded uniform [0, 1) (mulberry32), so the injected losses are reproducible. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function lookupAndQuery(path: Path, faults: boolean) {
  let socket = await clientSocket(path);
  let faulty: FaultySocket | undefined;
  if (faults) socket = faulty = new FaultySocket(socket, { loss: 0.2, delayMs: 50, random: seeded(42) });
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
  closers.push(adnl);
  // The client knows only what a user would: the devnet global config file's dht section.
  const config = parseDhtConfig(JSON.parse(JSON.stringify({ '@type': 'config.global', dht: devnet.config })));
  const dht = new DhtClient({
    adnl,
    config,
    cache: null,
    timeoutMs: faults ? 400 : 1000,
    attempts: faults ? 5 : 1,
  });
  const id = adnlId(service.keyPair.publicKey);
  const resolved = await dht.resolveAddress(id);
  expect(resolved.addresses).toEqual([service.address]);
  expect(Buffer.from(resolved.publicKey).equals(Buffer.from(service.keyPair.publicKey))).toBe(true);

  const peer = adnl.addPeer(resolved.publicKey, resolved.addresses[0]);
  const answer = await adnl.query(peer, enc.encode(`hello over ${path}`), faults ? 400 : 2000, {
    attempts: faults ? 8 : 1,
  });
  expect(dec.decode(answer)).toBe(`site says: hello over ${path}`);
  // A second query rides the channel the first one set up.
  const again = await adnl.query(peer, enc.encode('again'), faults ? 400 : 2000, {
    attempts: faults ? 8 : 1,
  });
  expect(dec.decode(again)).toBe('site says: again');
  expect(adnl.isChannelReady(peer)).toBe(true);
  if (faulty) {
    expect(faulty.stats.lost).toBeGreaterThan(0);
    expect(faulty.stats.delayed).toBeGreaterThan(0);
  }
  adnl.close();
  return faulty?.stats;
}

describe('devnet DHT', () => {
  it('writes static nodes in the mainnet config format, all signed and reachable', async () => {
    const cfg = devnet.config as {
      '@type': string;
      k: number;
      a: number;
      static_nodes: { nodes: unknown[] };
    };
    expect(cfg['@type']).toBe('dht.config.global');
    expect([cfg.k, cfg.a]).toEqual([6, 3]);
    expect(cfg.static_nodes.nodes).toHaveLength(4);
    expect(parseDhtConfig(cfg).staticNodes).toHaveLength(4);
    const socket = await openUdpSocket({ host: '127.0.0.1' });
    const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
    closers.push(adnl);
    const dht = new DhtClient({ adnl, config: devnet.dhtConfig, timeoutMs: 1000 });
    for (const n of devnet.dhtConfig.staticNodes) {
      await dht.ping(n);
      const signed = await dht.getSignedAddressList(n.publicKey, n.addresses[0]);
      expect(signed.addresses).toEqual(n.addresses);
    }
    adnl.close();
  });

  it('direct UDP: looks up a service ADNL id, opens a channel, completes a query', async () => {
    await lookupAndQuery('udp', false);
  });

  it('through the WebSocket relay: the same', async () => {
    await lookupAndQuery('relay', false);
  });

  it('direct UDP with 20% loss and 50 ms delay', async () => {
    await lookupAndQuery('udp', true);
  });

  it('through the relay with 20% loss and 50 ms delay', async () => {
    await lookupAndQuery('relay', true);
  });

  it('works when the DHT nodes and the service are the lossy side (devnet wrapSocket hook)', async () => {
    const lossy = await startDevnetDht({
      count: 3,
      wrapSocket: (socket, i) =>
        new FaultySocket(socket, { loss: 0.2, delayMs: 50, random: seeded(100 + i) }),
    });
    try {
      const keyPair = generateKeyPair();
      await lossy.publishAddress(keyPair, { host: '127.0.0.1', port: 45454 });
      const socket = await openUdpSocket({ host: '127.0.0.1' });
      const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
      closers.push(adnl);
      const dht = new DhtClient({ adnl, config: lossy.dhtConfig, cache: null, timeoutMs: 400, attempts: 5 });
      const found = await dht.resolveAddress(adnlId(keyPair.publicKey));
      expect(found.addresses).toEqual([{ host: '127.0.0.1', port: 45454 }]);
      adnl.close();
    } finally {
      await lossy.stop();
    }
  });

  it('a client publishes over UDP with dht.store, another finds it; unknown ids are not found', async () => {
    const socket = await openUdpSocket({ host: '127.0.0.1' });
    const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
    closers.push(adnl);
    const dht = new DhtClient({ adnl, config: devnet.dhtConfig, cache: null, timeoutMs: 1000, attempts: 1 });
    const other = generateKeyPair();
    const now = Math.floor(Date.now() / 1000);
    const r = await dht.store(makeAddressValue(other, [{ host: '127.0.0.1', port: 40404 }], now + 600));
    expect(r.stored).toBe(4);
    const found = await dht.resolveAddress(adnlId(other.publicKey));
    expect(found.addresses).toEqual([{ host: '127.0.0.1', port: 40404 }]);
    await expect(dht.resolveAddress(adnlId(generateKeyPair().publicKey))).rejects.toBeInstanceOf(
      DhtNotFoundError,
    );
    adnl.close();
  });

  it('lookupAdnlAddresses (for `tonsite resolve --json`): found and not-found ids, over UDP and the relay', async () => {
    const known = adnlId(service.keyPair.publicKey);
    const unknown = adnlId(generateKeyPair().publicKey);
    const globalConfig = { '@type': 'config.global', dht: devnet.config };
    for (const path of ['udp', 'relay'] as const) {
      const results = await lookupAdnlAddresses({
        adnlIds: [known, unknown],
        config: globalConfig,
        socket: await clientSocket(path),
        timeoutMs: 1000,
        attempts: 1,
      });
      expect(results[0]).toMatchObject({
        ok: true,
        adnl: Buffer.from(known).toString('hex'),
        publicKey: Buffer.from(service.keyPair.publicKey).toString('hex'),
        addresses: [service.address],
      });
      expect(results[1]).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    const one = await lookupAdnlAddress({
      adnlId: known,
      config: globalConfig,
      socket: await clientSocket('udp'),
    });
    expect(one.addresses).toEqual([service.address]);
  });
});
