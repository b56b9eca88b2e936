/**
 * The relay's batched protocol (`tonsite-relay.2`, relay-protocol.ts 1. and 4.) and its compatibility, on loopback
 * with real UDP listeners and the `ws` package as the other WebSocket end:
 * - new client ↔ new bridge: batched both ways;
 * - old client (no subprotocol) ↔ new bridge: one frame per message, as before;
 * - new client ↔ old bridge (a `ws` server that selects the first offer, or one that selects nothing): one frame
 *   per message;
 * - every datagram of a batch passes the bridge's checks on its own; malformed batches are dropped and counted.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  RELAY_SUBPROTOCOL_BATCH,
  RELAY_SUBPROTOCOL_SINGLE,
  RelayDropReason,
  bridgeUdpUrl,
  decodeRelayBatch,
  decodeRelayFrame,
  encodeRelayBatch,
  encodeRelayDatagram,
  openRelaySocket,
  type RelayFrame,
  type RelaySocket,
} from '../../src/net/transport/index.ts';
import { startBridge, type BridgeServer } from '../../src/node/bridge/index.ts';
import { udpRelayRoute, type UdpRelayOptions } from '../../src/node/bridge/udp-relay.ts';

const bridges: BridgeServer[] = [];
const servers: Server[] = [];
const sockets: Socket[] = [];
const relays: RelaySocket[] = [];
const raws: WebSocket[] = [];

afterEach(() => {
  for (const r of relays.splice(0)) r.close();
  for (const w of raws.splice(0)) w.terminate();
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()));
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

async function relayBridge(options: UdpRelayOptions = { allowLoopback: true }) {
  const route = udpRelayRoute(options);
  const bridge = await startBridge({ destinations: [], routes: [route] });
  bridges.push(bridge);
  return { bridge, route };
}

/** A UDP listener on 127.0.0.1 that echoes every datagram back to its sender. */
async function echo(): Promise<{ port: number; got: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const got: Buffer[] = [];
  socket.on('message', (data, rinfo) => {
    got.push(data);
    socket.send(data, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, got };
}

async function client(url: string, batch?: boolean): Promise<RelaySocket> {
  const socket = await openRelaySocket(bridgeUdpUrl(url), { WebSocket, batch });
  relays.push(socket);
  return socket;
}

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Sends `n` numbered datagrams in one turn and waits for all their echoes. */
async function roundTrip(socket: RelaySocket, port: number, n: number): Promise<number[]> {
  const back: number[] = [];
  socket.onMessage = (data, host, from) => {
    expect([host, from]).toEqual(['127.0.0.1', port]);
    back.push(new DataView(data.buffer, data.byteOffset, data.byteLength).getUint32(0));
  };
  for (let i = 0; i < n; i++) {
    const payload = new Uint8Array(600);
    new DataView(payload.buffer).setUint32(0, i);
    socket.send(payload, '127.0.0.1', port);
  }
  await waitFor(() => back.length === n);
  return back.sort((a, b) => a - b);
}

const numbers = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * A bridge from before batching: a `ws` server relaying one frame per message, echoing every datagram itself.
 * `selects` is what its `ws` server does with offered subprotocols: the first one (the `ws` default, as the old
 * bridge did) or none.
 */
async function oldBridge(selects: 'first' | 'none'): Promise<{ url: string; upgrades: string[] }> {
  const upgrades: string[] = [];
  const wss = new WebSocketServer({
    noServer: true,
    ...(selects === 'none' ? { handleProtocols: () => false as const } : {}),
  });
  const http = createServer();
  servers.push(http);
  http.on('upgrade', (req, socket, head) => {
    upgrades.push(String(req.headers['sec-websocket-protocol'] ?? ''));
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data: Buffer) => {
        const f = decodeRelayFrame(new Uint8Array(data));
        if (f.kind === 'datagram') ws.send(encodeRelayDatagram(f.host, f.port, f.payload));
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  return { url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, upgrades };
}

describe('relay protocol negotiation', () => {
  it('new client ↔ new bridge: batched both ways, every datagram relayed', async () => {
    const { bridge, route } = await relayBridge();
    const target = await echo();
    const socket = await client(bridge.url);
    expect(socket.batched).toBe(true);
    expect(route.stats.batchedStreams).toBe(1);
    expect(await roundTrip(socket, target.port, 100)).toEqual(numbers(100));
    expect(target.got).toHaveLength(100);
    // 100 datagrams sent in one turn: 100 × 611 bytes is one message (under 64 KiB).
    expect(socket.stats.messagesSent).toBe(1);
    expect(route.stats.messagesFromClient).toBe(1);
    expect(route.stats.sent).toBe(100);
    // The echoes reach the bridge in bursts and leave in one message per event-loop turn.
    expect(route.stats.received).toBe(100);
    expect(socket.stats.messagesReceived).toBe(route.stats.messagesToClient);
    expect(route.stats.messagesToClient).toBeLessThan(50);
    expect(socket.stats.received).toBe(100);
  });

  it('batches over 64 KiB are split: a turn of 200 full-size datagrams', async () => {
    const { bridge, route } = await relayBridge({
      allowLoopback: true,
      limits: { bytesPerSecond: 10_000_000, burstBytes: 10_000_000 },
    });
    const target = await echo();
    const socket = await client(bridge.url);
    for (let i = 0; i < 200; i++) {
      const payload = new Uint8Array(1472).fill(i & 255);
      payload[0] = i >> 8;
      socket.send(payload, '127.0.0.1', target.port);
    }
    // 44 entries of 2 + 7 + 1472 bytes fit in 65,536: 200 datagrams leave in 5 messages, all relayed.
    expect(socket.stats.messagesSent).toBe(4);
    await waitFor(() => route.stats.sent === 200);
    expect(socket.stats.messagesSent).toBe(5);
    expect(route.stats.messagesFromClient).toBe(5);
    // What the listener's socket buffer kept arrived intact (a burst this size may overflow it).
    expect(target.got.length).toBeGreaterThan(0);
    for (const d of target.got) {
      const i = d[0] * 256 + d[1];
      expect(d.length).toBe(1472);
      expect(d.subarray(1).every((b) => b === (i & 255))).toBe(true);
    }
  });

  it('old client (no subprotocol) ↔ new bridge: one frame per message', async () => {
    const { bridge, route } = await relayBridge();
    const target = await echo();
    const socket = await client(bridge.url, false);
    expect(socket.batched).toBe(false);
    expect(await roundTrip(socket, target.port, 30)).toEqual(numbers(30));
    expect(socket.stats.messagesSent).toBe(30);
    expect(socket.stats.messagesReceived).toBe(30);
    expect(route.stats.batchedStreams).toBe(0);
    expect(route.stats.messagesToClient).toBe(30);
  });

  it('a client offering only tonsite-relay.1 gets it, and single frames', async () => {
    const { bridge } = await relayBridge();
    const target = await echo();
    const ws = new WebSocket(bridgeUdpUrl(bridge.url), [RELAY_SUBPROTOCOL_SINGLE]);
    raws.push(ws);
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe(RELAY_SUBPROTOCOL_SINGLE);
    const frames: RelayFrame[] = [];
    ws.on('message', (data: Buffer) => frames.push(decodeRelayFrame(new Uint8Array(data))));
    ws.send(encodeRelayDatagram('127.0.0.1', target.port, Uint8Array.of(42)));
    await waitFor(() => frames.length === 1);
    expect(frames[0]).toEqual({
      kind: 'datagram',
      host: '127.0.0.1',
      port: target.port,
      payload: Uint8Array.of(42),
    });
  });

  it('new client ↔ old bridge that selects the first offer: single frames', async () => {
    const old = await oldBridge('first');
    const socket = await client(old.url);
    expect(socket.batched).toBe(false);
    expect(old.upgrades).toEqual([`${RELAY_SUBPROTOCOL_SINGLE},${RELAY_SUBPROTOCOL_BATCH}`]);
    expect(await roundTrip(socket, 40000, 20)).toEqual(numbers(20));
    expect(socket.stats.messagesSent).toBe(20);
  });

  it('new client ↔ server that selects no subprotocol: one more attempt offering nothing', async () => {
    const old = await oldBridge('none');
    const socket = await client(old.url);
    expect(socket.batched).toBe(false);
    expect(old.upgrades).toEqual([`${RELAY_SUBPROTOCOL_SINGLE},${RELAY_SUBPROTOCOL_BATCH}`, '']);
    expect(await roundTrip(socket, 40000, 20)).toEqual(numbers(20));
  });

  it('an unreachable bridge still fails with a TransportError', async () => {
    const http = createServer();
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    await new Promise((r) => http.close(r));
    await expect(openRelaySocket(bridgeUdpUrl(`ws://127.0.0.1:${port}`), { WebSocket })).rejects.toThrow(
      /closed before open/,
    );
  });
});

describe('batched relay: the bridge checks every datagram', () => {
  interface RawBatchClient {
    ws: WebSocket;
    frames: RelayFrame[];
    closed: Promise<number>;
  }

  async function rawBatchClient(bridge: BridgeServer): Promise<RawBatchClient> {
    const ws = new WebSocket(bridgeUdpUrl(bridge.url), [RELAY_SUBPROTOCOL_BATCH]);
    raws.push(ws);
    const frames: RelayFrame[] = [];
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => frames.push(...decodeRelayBatch(new Uint8Array(data))));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    await new Promise((r) => ws.once('open', r));
    expect(ws.protocol).toBe(RELAY_SUBPROTOCOL_BATCH);
    return { ws, frames, closed };
  }

  const datagram = (host: string, port: number, payload: Uint8Array): RelayFrame => ({
    kind: 'datagram',
    host,
    port,
    payload,
  });
  const drops = (c: RawBatchClient, reason: number) =>
    c.frames.filter((f) => f.kind === 'dropped' && f.reason === reason).length;

  it('destinations, payload size and frame kinds are checked per frame; notices come back batched', async () => {
    const { bridge, route } = await relayBridge({ allowLoopback: true, limits: { maxPayloadBytes: 1000 } });
    const target = await echo();
    const c = await rawBatchClient(bridge);
    c.ws.send(
      encodeRelayBatch([
        datagram('127.0.0.1', target.port, Uint8Array.of(1)),
        datagram('10.0.0.1', target.port, Uint8Array.of(2)),
        { kind: 'dropped', host: '127.0.0.1', port: target.port, reason: 1 },
        datagram('127.0.0.1', target.port, new Uint8Array(1001)),
        datagram('127.0.0.1', 53, Uint8Array.of(3)),
        datagram('127.0.0.1', target.port, Uint8Array.of(4)),
      ]),
    );
    await waitFor(() => c.frames.filter((f) => f.kind === 'datagram').length === 2);
    await waitFor(() => c.frames.length === 5);
    expect(target.got.map((d) => d[0])).toEqual([1, 4]);
    expect(drops(c, RelayDropReason.FORBIDDEN_DESTINATION)).toBe(2);
    expect(drops(c, RelayDropReason.OVERSIZE)).toBe(1);
    expect(route.stats.badFrames).toBe(1);
    expect(route.stats.sent).toBe(2);
  });

  it('the packet budget counts datagrams, not messages', async () => {
    const { bridge, route } = await relayBridge({
      allowLoopback: true,
      limits: { packetsPerSecond: 20, burstPackets: 20, dropNoticesPerSecond: 1000 },
    });
    const target = await echo();
    const c = await rawBatchClient(bridge);
    const batch = Array.from({ length: 200 }, (_, i) => datagram('127.0.0.1', target.port, Uint8Array.of(i)));
    c.ws.send(encodeRelayBatch(batch));
    await waitFor(() => route.stats.sent + route.stats.dropped.PACKET_RATE === 200);
    expect(route.stats.sent).toBeGreaterThanOrEqual(20);
    expect(route.stats.sent).toBeLessThan(40);
    await waitFor(() => drops(c, RelayDropReason.PACKET_RATE) === route.stats.dropped.PACKET_RATE);
  });

  it('a malformed batch is dropped whole and counted; the stream stays usable; text closes it (4400)', async () => {
    const { bridge, route } = await relayBridge();
    const target = await echo();
    const c = await rawBatchClient(bridge);
    const good = encodeRelayBatch([
      datagram('127.0.0.1', target.port, Uint8Array.of(1)),
      datagram('127.0.0.1', target.port, Uint8Array.of(2)),
    ]);
    c.ws.send(good.subarray(0, good.length - 1)); // truncated second frame: nothing of it is sent
    c.ws.send(encodeRelayDatagram('127.0.0.1', target.port, Uint8Array.of(3))); // a single frame is not a batch
    c.ws.send(new Uint8Array(0));
    await waitFor(() => route.stats.badFrames === 3);
    expect(route.stats.sent).toBe(0);
    c.ws.send(good);
    await waitFor(() => c.frames.length === 2);
    expect(target.got.map((d) => d[0])).toEqual([1, 2]);
    c.ws.send('text');
    expect(await c.closed).toBe(4400);
  });
});
