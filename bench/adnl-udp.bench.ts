/**
 * ADNL-UDP queries per second over an established channel, on loopback, in the same run:
 *   direct — client AdnlNode on a Node dgram socket → server AdnlNode
 *   relay  — client AdnlNode on a RelaySocket → bridge `/udp` relay (devnet mode, limits raised) → server AdnlNode
 * with 1 query in flight (latency-bound) and 32 in flight (throughput; several queries share datagrams).
 * Same-run baselines: raw UDP datagram round trips/s (echo, no ADNL) direct and through the relay at the same
 * concurrency, and the harness xorBaseline.
 * Also the CPU cost of one channel datagram through two AdnlNodes in one thread (no kernel): sendCustom of an
 * RLDP-symbol-sized message → encode, seal → open, decode, dispatch to onCustom. Both sides' cost, in µs.
 * And the CPU a forged first-contact datagram costs a node (issue 15 item 1: the site's ADNL id, then a random
 * "sender key" and random bytes, 296 bytes): with noble (pure JavaScript, the default) and with OpenSSL (what the
 * Node hosts pass), the budget out of the way — and what one costs when over the first-contact budget (dropped
 * before any crypto).
 */
import { createSocket } from 'node:dgram';
import { WebSocket } from 'ws';
import {
  generateKeyPair,
  nobleAsymmetric,
  noblePrimitives,
  randomBytes,
  type AsymmetricPrimitives,
  type SymmetricPrimitives,
} from '../src/net/crypto/index.ts';
import { tlEncode } from '../src/net/tl/index.ts';
import { AdnlNode } from '../src/net/adnl/index.ts';
import { bridgeUdpUrl } from '../src/net/transport/relay-protocol.ts';
import { openRelaySocket } from '../src/net/transport/relay-socket.ts';
import type { DatagramSocket, WebSocketConstructor } from '../src/net/transport/index.ts';
import { startBridge } from '../src/node/bridge/index.ts';
import { udpRelayRoute } from '../src/node/bridge/udp-relay.ts';
import { nativeAsymmetric, nativePrimitives } from '../src/node/native-crypto.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import { report, xorBaseline } from './harness.ts';

const DURATION_MS = 1500;
const CONCURRENCY = [1, 32];

/** A view of `socket` that a node can own and close without closing the shared socket. */
function sharedView(socket: DatagramSocket): DatagramSocket {
  const view: DatagramSocket = {
    onMessage: null,
    send: (d, h, p) => socket.send(d, h, p),
    close: () => {
      socket.onMessage = null;
    },
  };
  socket.onMessage = (d, h, p) => view.onMessage?.(d, h, p);
  return view;
}

async function runFor(concurrency: number, once: () => Promise<void>): Promise<number> {
  const end = performance.now() + DURATION_MS;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await once();
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - start) / 1000));
}

/** Round trips/s of raw datagrams to a dgram echo server, `concurrency` in flight. */
async function rawEcho(socket: DatagramSocket, port: number, concurrency: number): Promise<number> {
  const waiting: (() => void)[] = [];
  socket.onMessage = () => waiting.shift()?.();
  const payload = new Uint8Array(120);
  return runFor(
    concurrency,
    () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 500); // a lost datagram must not stall the run
        waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
        socket.send(payload, '127.0.0.1', port);
      }),
  );
}

/** Two sockets that hand datagrams to each other synchronously (one thread, no kernel, no copies). */
function linkedSockets(): [DatagramSocket, DatagramSocket] {
  const make = (): DatagramSocket => ({ onMessage: null, send: () => {}, close: () => {} });
  const a = make();
  const b = make();
  a.send = (d) => b.onMessage?.(d, '127.0.0.1', 2);
  b.send = (d) => a.onMessage?.(d, '127.0.0.1', 1);
  return [a, b];
}

/** µs of CPU per 840-byte custom message datagram over an established channel, sender and receiver together. */
export async function channelDatagramMicros(): Promise<number> {
  const [sa, sb] = linkedSockets();
  const a = new AdnlNode({ socket: sa, keyPair: generateKeyPair() });
  const b = new AdnlNode({ socket: sb, keyPair: generateKeyPair() });
  const pb = a.addPeer(b.publicKey, { host: '127.0.0.1', port: 2 });
  b.onQuery = async (_peer, q) => q;
  for (let i = 0; i < 3; i++) await a.query(pb, tlEncode({ _: 'adnl.ping', value: 1n }), 1000);
  if (!a.isChannelReady(pb)) throw new Error('channel not established');
  let received = 0;
  b.onCustom = () => {
    received++;
  };
  const symbol = new Uint8Array(840).map((_, i) => i);
  const batch = 200;
  const round = async () => {
    for (let i = 0; i < batch; i++) a.sendCustom(pb, symbol);
    await Promise.resolve(); // the node flushes its outbox in a microtask
  };
  for (let i = 0; i < 50; i++) await round(); // warm-up
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const before = received;
    const cpu = process.cpuUsage();
    for (let i = 0; i < 20; i++) await round();
    const used = process.cpuUsage(cpu);
    best = Math.min(best, (used.user + used.system) / (received - before));
  }
  if (received !== 50 * batch + 5 * 20 * batch) throw new Error('channel bench lost datagrams');
  a.close();
  b.close();
  return Math.round(best * 10) / 10;
}

/**
 * µs of process CPU per forged first-contact datagram handed to a node's socket callback (no kernel): `budget`
 * false — limits raised so that every one reaches the ECDH (and fails its digest); true — default limits, all from
 * one source, so all but the first burst are refused before any crypto. Best of 3 rounds of `count`.
 */
export function forgedFirstContactMicros(
  crypto: SymmetricPrimitives,
  asymmetric: AsymmetricPrimitives,
  count: number,
  budget: boolean,
): { us: number; reachedCrypto: number } {
  const socket: DatagramSocket = { onMessage: null, send: () => {}, close: () => {} };
  const huge = 1_000_000_000;
  const node = new AdnlNode({
    socket,
    keyPair: generateKeyPair(),
    crypto,
    asymmetric,
    limits: budget
      ? {}
      : { firstContactSourceBurst: huge, firstContactSourceRate: huge, firstContactGlobalBurst: huge },
  });
  const datagrams = Array.from({ length: count }, () => {
    const d = randomBytes(296);
    d.set(node.id, 0);
    return d;
  });
  const deliver = socket.onMessage as (d: Uint8Array, host: string, port: number) => void;
  for (let i = 0; i < Math.min(50, count); i++) deliver(datagrams[i], '127.0.0.1', 40000); // warm-up
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const cpu = process.cpuUsage();
    for (let i = 0; i < count; i++) deliver(datagrams[i], '127.0.0.1', 40001 + r);
    const used = process.cpuUsage(cpu);
    best = Math.min(best, (used.user + used.system) / count);
  }
  const reachedCrypto = node.stats.dropped.decrypt ?? 0;
  if (node.peerCount !== 0 || node.stats.dropped.internal) throw new Error('a forged datagram got through');
  node.close();
  return { us: Math.round(best * 10) / 10, reachedCrypto };
}

export default async function adnlUdpBench(): Promise<void> {
  const noble = forgedFirstContactMicros(noblePrimitives, nobleAsymmetric, 300, false);
  const openssl = forgedFirstContactMicros(nativePrimitives, nativeAsymmetric, 3000, false);
  const refused = forgedFirstContactMicros(nativePrimitives, nativeAsymmetric, 20000, true);
  const note =
    '296-byte datagrams to our id with a random sender key and random bytes, into the socket callback; process CPU';
  report({ bench: 'adnl-udp.forgedFirstContactCpu', crypto: 'noble', value: noble.us, unit: 'us', note });
  report({
    bench: 'adnl-udp.forgedFirstContactCpu',
    crypto: 'node:crypto',
    value: openssl.us,
    unit: 'us',
    vsNoble: Math.round((noble.us / openssl.us) * 10) / 10,
    note,
  });
  report({
    bench: 'adnl-udp.forgedFirstContactCpu',
    crypto: 'over budget',
    value: refused.us,
    unit: 'us',
    note: 'default limits, one source: all but the first burst dropped before any crypto',
  });

  report({ bench: 'adnl-udp.xorBaseline', value: xorBaseline(65536), unit: 'MB/s', size: 65536 });
  report({
    bench: 'adnl-udp.channelDatagramCpu',
    value: await channelDatagramMicros(),
    unit: 'us',
    bytes: 840,
    note: 'sendCustom → onCustom through two AdnlNodes in one thread, both sides, best of 5 (process CPU time)',
  });

  const serverKey = generateKeyPair();
  const serverSocket = await openUdpSocket({ host: '127.0.0.1' });
  const server = new AdnlNode({
    socket: serverSocket,
    keyPair: serverKey,
    addresses: [serverSocket.address()],
  });
  server.onQuery = async (_peer, q) => q;

  const echo = createSocket('udp4');
  echo.on('message', (msg, rinfo) => echo.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
  const echoPort = echo.address().port;

  const relay = udpRelayRoute({
    allowLoopback: true,
    limits: { packetsPerSecond: 1_000_000, burstPackets: 1_000_000, bytesPerSecond: 1e9, burstBytes: 1e9 },
  });
  const bridge = await startBridge({
    destinations: [],
    routes: [relay],
    limits: { maxBytesPerSecond: 1e9, burstBytes: 1e9 },
  });
  const WS = WebSocket as unknown as WebSocketConstructor;
  const transports: Record<string, () => Promise<DatagramSocket>> = {
    direct: () => openUdpSocket({ host: '127.0.0.1' }),
    relay: () => openRelaySocket(bridgeUdpUrl(bridge.url), { WebSocket: WS }),
  };

  // A small DHT-sized query (dht.findValue-like payload size), echoed back.
  const query = tlEncode({ _: 'adnl.ping', value: 1n });
  try {
    for (const [transport, open] of Object.entries(transports)) {
      const client = new AdnlNode({ socket: await open(), keyPair: generateKeyPair() });
      const peer = client.addPeer(serverKey.publicKey, serverSocket.address());
      for (let i = 0; i < 200; i++) await client.query(peer, query, 2000); // channel up, JIT warm
      if (!client.isChannelReady(peer)) throw new Error('channel not established');
      for (const concurrency of CONCURRENCY) {
        const value = await runFor(concurrency, async () => {
          await client.query(peer, query, 2000);
        });
        report({
          bench: 'adnl-udp.queries',
          transport,
          concurrency,
          value,
          unit: 'queries/s',
          queryBytes: query.length,
        });
      }
      client.close();

      // First query to a peer: signed root packets both ways + channel set-up (what a DHT lookup pays per node).
      const firstSocket = await open();
      const firstNode = new AdnlNode({ socket: firstSocket, keyPair: generateKeyPair() });
      let fresh = 0;
      const firstStart = performance.now();
      while (performance.now() - firstStart < DURATION_MS) {
        // A new identity each time, so every query is a first contact for the server.
        const node = new AdnlNode({ socket: sharedView(firstSocket), keyPair: generateKeyPair() });
        await node.query(node.addPeer(serverKey.publicKey, serverSocket.address()), query, 2000);
        node.close();
        fresh++;
      }
      firstNode.close();
      report({
        bench: 'adnl-udp.firstQuery',
        transport,
        value: Math.round(fresh / ((performance.now() - firstStart) / 1000)),
        unit: 'first queries/s',
      });

      const raw = await open();
      for (const concurrency of CONCURRENCY) {
        const value = await rawEcho(raw, echoPort, concurrency);
        report({
          bench: 'adnl-udp.rawEchoBaseline',
          transport,
          concurrency,
          value,
          unit: 'round trips/s',
          bytes: 120,
        });
      }
      raw.close();
    }
  } finally {
    server.close();
    echo.close();
    await bridge.close();
  }
}
