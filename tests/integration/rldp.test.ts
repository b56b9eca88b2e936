/**
 * RLDP over real loopback UDP: two AdnlNodes (each with its own 4 MiB-buffer UDP socket) with an RldpNode on each.
 * A 20 MB answer (ten 2,000,000-byte parts, one transfer) arrives byte-identical (sha256) with 10% and 30% of the
 * client's datagrams lost in both directions by the fault-injecting socket (RLDP v2 and v1), and through the
 * bridge's WebSocket datagram relay. A second server cuts its answers into 1 MiB parts as tonutils-go v1.x sites do
 * (rldp.PartSize = 1<<20); those arrive too, in both versions.
 */
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdnlNode, type AdnlPeer } from '../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { RldpNode, type RldpVersion } from '../../src/net/rldp/index.ts';
import type { DatagramSocket } from '../../src/net/transport/index.ts';
import { FaultySocket } from '../../src/net/transport/faulty-socket.ts';
import { bridgeUdpUrl } from '../../src/net/transport/relay-protocol.ts';
import { openRelaySocket } from '../../src/net/transport/relay-socket.ts';
import { silentLogger, startBridge, udpRelayRoute, type BridgeServer } from '../../src/node/bridge/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';

const SIZE = 20_000_000;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let body: Uint8Array;
let bodyHash: string;
interface Server {
  adnl: AdnlNode;
  rldp: RldpNode;
  port: number;
  publicKey: Uint8Array;
}
let server: Server;
/** Sends 1 MiB parts, like a tonutils-go v1.x site. */
let mibServer: Server;
let bridge: BridgeServer;
const closers: { close(): void }[] = [];

beforeAll(async () => {
  body = new Uint8Array(SIZE);
  // Incompressible-looking content, so a wrong offset or part shows.
  let x = 0x12345678;
  for (let i = 0; i < SIZE; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    body[i] = x;
  }
  bodyHash = sha(body);
  server = await startServer(2_000_000);
  mibServer = await startServer(1 << 20);
  bridge = await startBridge({
    destinations: [],
    logger: silentLogger,
    routes: [udpRelayRoute({ allowLoopback: true })],
  });
});

async function startServer(partSize: number): Promise<Server> {
  const socket = await openUdpSocket({ host: '127.0.0.1' });
  const port = socket.address().port;
  const keyPair = generateKeyPair();
  const adnl = new AdnlNode({ socket, keyPair, addresses: [{ host: '127.0.0.1', port }] });
  const rldp = new RldpNode(adnl, { partSize });
  // A 1-byte query answers 'pong' (warms up the ADNL channel); [n, 2] gets the first n MB of the 20 MB body.
  rldp.onQuery = async (_peer, data) =>
    data.length === 1 ? new TextEncoder().encode('pong') : body.subarray(0, data[0] * 1_000_000);
  return { adnl, rldp, port, publicKey: keyPair.publicKey };
}

afterAll(async () => {
  for (const c of closers) c.close();
  for (const s of [server, mibServer]) {
    s?.rldp.close();
    s?.adnl.close();
  }
  await bridge?.close();
});

async function client(socket: DatagramSocket, to = server): Promise<{ rldp: RldpNode; peer: AdnlPeer }> {
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
  const rldp = new RldpNode(adnl);
  closers.push(rldp, adnl);
  const peer = adnl.addPeer(to.publicKey, { host: '127.0.0.1', port: to.port });
  return { rldp, peer };
}

async function download(rldp: RldpNode, peer: AdnlPeer, version: RldpVersion, mb = 20): Promise<Uint8Array> {
  const pong = await rldp.query(peer, Uint8Array.of(0), { maxAnswerSize: 100, timeoutMs: 10_000, version });
  expect(new TextDecoder().decode(pong)).toBe('pong');
  return rldp.query(peer, Uint8Array.of(mb, 2), { maxAnswerSize: SIZE, timeoutMs: 60_000, version });
}

describe('RLDP over loopback UDP', () => {
  for (const [version, loss, mb] of [
    [2, 0.1, 20],
    [2, 0.3, 20],
    // v1 sends one part at a time (the C++ v1 receiver takes only its current part).
    [1, 0.1, 20],
    [1, 0.3, 8],
  ] as const) {
    it(`v${version}: ${mb} MB answer with ${loss * 100}% loss both ways is byte-identical`, async () => {
      const udp = await openUdpSocket({ host: '127.0.0.1' });
      const faulty = new FaultySocket(udp, { loss });
      const { rldp, peer } = await client(faulty);
      const answer = await download(rldp, peer, version, mb);
      expect(answer.length).toBe(mb * 1_000_000);
      expect(sha(answer)).toBe(mb === 20 ? bodyHash : sha(body.subarray(0, mb * 1_000_000)));
      expect(faulty.stats.lost).toBeGreaterThan(mb * 50);
      const stats = rldp.stats(peer.id);
      expect(stats.version).toBe(version);
      expect(stats.bytesIn).toBeGreaterThanOrEqual(mb * 1_000_000);
      expect(rldp.counters).toMatchObject({ malformed: 0, refused: 0, badPayloads: 0 });
    });
  }

  for (const [version, mb] of [
    [2, 8],
    [1, 4],
  ] as const) {
    it(`v${version}: ${mb} MB answer in 1 MiB parts (a tonutils-go v1.x site) with 10% loss is byte-identical`, async () => {
      const udp = await openUdpSocket({ host: '127.0.0.1' });
      const faulty = new FaultySocket(udp, { loss: 0.1 });
      const { rldp, peer } = await client(faulty, mibServer);
      const answer = await download(rldp, peer, version, mb);
      expect(sha(answer)).toBe(sha(body.subarray(0, mb * 1_000_000)));
      expect(faulty.stats.lost).toBeGreaterThan(mb * 50);
      expect(rldp.counters).toMatchObject({ malformed: 0, refused: 0, badPayloads: 0 });
    });
  }

  it('through the bridge relay: 20 MB answer byte-identical, with 10% loss', async () => {
    const relay = await openRelaySocket(bridgeUdpUrl(bridge.url), { WebSocket: WebSocket as never });
    const faulty = new FaultySocket(relay, { loss: 0.1 });
    const { rldp, peer } = await client(faulty);
    const answer = await download(rldp, peer, 2);
    expect(sha(answer)).toBe(bodyHash);
    expect(faulty.stats.lost).toBeGreaterThan(1000);
  });
});
