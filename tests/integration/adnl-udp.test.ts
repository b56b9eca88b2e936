/**
 * Two AdnlNodes over real loopback UDP (src/node/udp-socket.ts): channel, query/answer, custom messages, parts —
 * then the same through the bridge's `/udp` relay (devnet mode, RelaySocket over `ws`), then both again with 20%
 * loss and 50 ms delay injected on the client's socket (FaultySocket, both directions).
 *
 * Under loss, resends happen only when the CALLER allows them: AdnlNode.query(..., { attempts }) resends the same
 * query id at the peer's retransmission timeout (at most every timeoutMs) within attempts × timeoutMs. The channel
 * handshake needs no retry logic of its own: createChannel / confirmChannel ride on every root packet until the
 * channel is ready. Last, a server that drops the queries of a new peer's first packet (tonutils-go's first-contact
 * race, reproduced with dropFirstContactQueries) costs the client one resend at the first-contact RTO, not a 1.5 s
 * timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { tlEncode } from '../../src/net/tl/index.ts';
import { AdnlNode, type AdnlPeer } from '../../src/net/adnl/index.ts';
import { FaultySocket } from '../../src/net/transport/faulty-socket.ts';
import { bridgeUdpUrl } from '../../src/net/transport/relay-protocol.ts';
import { openRelaySocket } from '../../src/net/transport/relay-socket.ts';
import type { DatagramSocket, WebSocketConstructor } from '../../src/net/transport/index.ts';
import { startBridge, type BridgeServer } from '../../src/node/bridge/index.ts';
import { udpRelayRoute, type UdpRelayRoute } from '../../src/node/bridge/udp-relay.ts';
import { openUdpSocket, type NodeUdpSocket } from '../../src/node/udp-socket.ts';

let server: AdnlNode;
let serverSocket: NodeUdpSocket;
const serverKey = generateKeyPair();
let bridge: BridgeServer;
let relay: UdpRelayRoute;
const customSeen: Uint8Array[] = [];
const closers: (() => void)[] = [];

beforeAll(async () => {
  serverSocket = await openUdpSocket({ host: '127.0.0.1' });
  const { host, port } = serverSocket.address();
  server = new AdnlNode({ socket: serverSocket, keyPair: serverKey, addresses: [{ host, port }] });
  // Echo service: dht.getSignedAddressList-like answers are not needed here; answer with the query reversed.
  server.onQuery = async (_peer, q) => q.slice().reverse();
  server.onCustom = (peer, data) => {
    customSeen.push(data);
    server.sendCustom(peer, data);
  };
  relay = udpRelayRoute({ allowLoopback: true });
  bridge = await startBridge({ destinations: [], routes: [relay] });
});

afterAll(async () => {
  for (const c of closers.splice(0)) c();
  server.close();
  await bridge.close();
});

const serverAddress = () => serverSocket.address();

async function directSocket(): Promise<DatagramSocket> {
  return openUdpSocket({ host: '127.0.0.1' });
}

async function relaySocket(): Promise<DatagramSocket> {
  return openRelaySocket(bridgeUdpUrl(bridge.url), {
    WebSocket: WebSocket as unknown as WebSocketConstructor,
  });
}

function client(socket: DatagramSocket): { node: AdnlNode; peer: AdnlPeer } {
  const node = new AdnlNode({ socket, keyPair: generateKeyPair() });
  closers.push(() => node.close());
  const peer = node.addPeer(serverKey.publicKey, serverAddress());
  return { node, peer };
}

const ping = (i: number) => tlEncode({ _: 'adnl.ping', value: BigInt(i) });

async function exercise(socket: DatagramSocket): Promise<void> {
  const { node, peer } = client(socket);
  expect(await node.query(peer, ping(1), 3000)).toEqual(ping(1).reverse());
  expect(node.isChannelReady(peer)).toBe(true);
  // Through the channel now.
  const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => node.query(peer, ping(i), 3000)));
  answers.forEach((a, i) => expect(a).toEqual(ping(i).reverse()));
  // A large query: adnl.message.part both ways.
  const big = new Uint8Array(6000).map((_, i) => (i * 13) & 255);
  expect(await node.query(peer, big, 3000)).toEqual(big.slice().reverse());
  // Custom messages both ways.
  const echoed: Uint8Array[] = [];
  node.onCustom = (_p, d) => echoed.push(d);
  const marker = new TextEncoder().encode(`custom-${Math.random()}`);
  node.sendCustom(peer, marker);
  await waitUntil(() => echoed.length === 1);
  expect(echoed[0]).toEqual(marker);
  expect(customSeen.some((d) => d.length === marker.length && d.every((b, i) => b === marker[i]))).toBe(true);
  expect(node.stats.dropped.internal).toBeUndefined();
}

/** Deterministic uniform [0, 1) (the loss pattern is reproducible; timing is not). */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function exerciseLossy(socket: DatagramSocket, seed: number | null): Promise<void> {
  // seed null: the faults are injected elsewhere (in the relay), the client socket is clean.
  const faulty =
    seed === null ? null : new FaultySocket(socket, { loss: 0.2, delayMs: 50, random: seeded(seed) });
  const { node, peer } = client(faulty ?? socket);
  // Round trip >= 100 ms; retry every 300 ms, up to 12 sends per query. One at a time first (one datagram per
  // query each way), then concurrently (packed).
  for (let i = 0; i < 6; i++) {
    expect(await node.query(peer, ping(100 + i), 300, { attempts: 12 })).toEqual(ping(100 + i).reverse());
  }
  expect(node.isChannelReady(peer)).toBe(true);
  const more = await Promise.all(
    Array.from({ length: 10 }, (_, i) => node.query(peer, ping(200 + i), 300, { attempts: 12 })),
  );
  more.forEach((a, i) => expect(a).toEqual(ping(200 + i).reverse()));
  if (faulty) {
    expect(faulty.stats.lost).toBeGreaterThan(0);
    expect(faulty.stats.delayed).toBeGreaterThan(0);
  }
}

async function waitUntil(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ADNL-UDP over loopback', () => {
  it('direct UDP: channel, queries, parts, custom messages', async () => {
    const socket = (await directSocket()) as NodeUdpSocket;
    expect(socket.recvBufferSize).toBeGreaterThan(0);
    await exercise(socket);
  });

  it('through the bridge relay: the same', async () => {
    const before = relay.stats.sent;
    await exercise(await relaySocket());
    // 20 concurrent queries share datagrams (packing), so fewer datagrams than queries crossed the relay.
    expect(relay.stats.sent - before).toBeGreaterThan(5);
    expect(relay.stats.badFrames).toBe(0);
  });

  it('direct UDP with 20% loss and 50 ms delay: queries complete with caller retries', async () => {
    await exerciseLossy(await directSocket(), 1);
  });

  it('through the relay with 20% loss and 50 ms delay: queries complete with caller retries', async () => {
    await exerciseLossy(await relaySocket(), 2);
  });

  it('with the faults injected in the relay itself (bridge --devnet --fault-loss 0.2 --fault-delay 50)', async () => {
    const lossyRelay = udpRelayRoute({
      allowLoopback: true,
      faults: { loss: 0.2, delayMs: 50, random: seeded(3) },
    });
    const lossyBridge = await startBridge({ destinations: [], routes: [lossyRelay] });
    try {
      const socket = await openRelaySocket(bridgeUdpUrl(lossyBridge.url), {
        WebSocket: WebSocket as unknown as WebSocketConstructor,
      });
      await exerciseLossy(socket, null);
      expect(lossyRelay.stats.sent).toBeGreaterThan(0);
    } finally {
      await lossyBridge.close();
    }
  });
});

describe("a server that drops the queries of a new peer's first packet (tonutils-go first-contact race)", () => {
  it('costs a plain query one resend at the first-contact RTO, far below its 1.5 s timeout', async () => {
    const socket = await openUdpSocket({ host: '127.0.0.1' });
    const { host, port } = socket.address();
    const key = generateKeyPair();
    let consulted = 0;
    const racy = new AdnlNode({
      socket,
      keyPair: key,
      addresses: [{ host, port }],
      dropFirstContactQueries: () => {
        consulted++;
        return true;
      },
    });
    closers.push(() => racy.close());
    racy.onQuery = async (_peer, q) => q.slice().reverse();
    const node = new AdnlNode({ socket: await directSocket(), keyPair: generateKeyPair() });
    closers.push(() => node.close());
    const peer = node.addPeer(key.publicKey, { host, port });
    // Nothing measured yet: the first resend waits the initial RTO, not the caller's 1.5 s.
    const firstWait = node.retransmitTimeoutOf(peer);
    expect(firstWait).toBeLessThan(1500);
    expect(await node.query(peer, ping(300), 1500, { attempts: 4 })).toEqual(ping(300).reverse());
    expect(racy.stats.dropped['first-contact']).toBe(1);
    // Dropped once, sent twice: one resend, after firstWait (the server stayed silent: no first-packet trigger).
    expect([node.stats.queryResends, node.stats.firstContactResends]).toEqual([1, 0]);
    // Later packets of this peer are not dropped, and the knob was asked once.
    for (let i = 1; i < 3; i++) {
      expect(await node.query(peer, ping(300 + i), 1500, { attempts: 4 })).toEqual(ping(300 + i).reverse());
    }
    expect(racy.stats.dropped['first-contact']).toBe(1);
    expect(consulted).toBe(1);
  });
});
