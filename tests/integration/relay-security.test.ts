/**
 * The bridge's `/udp` relay must never be an open relay or an amplifier. On loopback, with real UDP listeners:
 * private/loopback/special destinations are refused outside devnet mode; devnet mode allows loopback only; the
 * per-stream limits (destinations, packets/s, bytes/s, payload size) hold; only replies from contacted addresses
 * come back; garbage frames neither crash the bridge nor disturb other clients; logs carry no payload bytes.
 * No test sends to a public address (nothing here may leave the machine).
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  MAX_RELAY_PAYLOAD,
  RelayDropReason,
  bridgeUdpUrl,
  decodeRelayFrame,
  encodeRelayDatagram,
  type RelayFrame,
} from '../../src/net/transport/relay-protocol.ts';
import {
  startBridge,
  type BridgeLimits,
  type BridgeLogFields,
  type BridgeServer,
} from '../../src/node/bridge/index.ts';
import { udpRelayRoute, type UdpRelayOptions } from '../../src/node/bridge/udp-relay.ts';

const bridges: BridgeServer[] = [];
const sockets: Socket[] = [];
const clients: RawClient[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.ws.terminate();
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()));
});

async function relayBridge(options: UdpRelayOptions, logs?: string[], limits?: Partial<BridgeLimits>) {
  const route = udpRelayRoute(options);
  const logger = logs
    ? (event: string, fields: BridgeLogFields) => logs.push(JSON.stringify({ event, ...fields }))
    : undefined;
  const bridge = await startBridge({ destinations: [], routes: [route], logger, limits });
  bridges.push(bridge);
  return { bridge, route };
}

/** A UDP listener on 127.0.0.1 that records what arrives (and can answer). */
async function listener(): Promise<{ socket: Socket; port: number; got: { data: Buffer; port: number }[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const got: { data: Buffer; port: number }[] = [];
  socket.on('message', (data, rinfo) => got.push({ data, port: rinfo.port }));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { socket, port: socket.address().port, got };
}

interface RawClient {
  ws: WebSocket;
  frames: RelayFrame[];
  closed: Promise<number>;
}

async function rawClient(bridge: BridgeServer): Promise<RawClient> {
  const ws = new WebSocket(bridgeUdpUrl(bridge.url));
  const frames: RelayFrame[] = [];
  ws.on('error', () => {});
  ws.on('message', (data: Buffer) => frames.push(decodeRelayFrame(new Uint8Array(data))));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', () => reject(new Error('closed before open')));
  });
  const c = { ws, frames, closed };
  clients.push(c);
  return c;
}

const send = (c: RawClient, host: string, port: number, payload: Uint8Array) =>
  c.ws.send(encodeRelayDatagram(host, port, payload));

const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await settle(5);
  }
}

const drops = (c: RawClient, reason: number) =>
  c.frames.filter((f) => f.kind === 'dropped' && f.reason === reason).length;

describe('UDP relay: destinations', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, broadcast and reserved outside devnet mode', async () => {
    const { bridge, route } = await relayBridge({});
    const target = await listener();
    const c = await rawClient(bridge);
    const forbidden = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.1.1',
      '100.64.0.1',
      '224.0.0.251',
      '255.255.255.255',
      '240.0.0.1',
      '0.0.0.0',
      '198.18.0.1',
    ];
    for (const host of forbidden) send(c, host, target.port, new Uint8Array([1, 2, 3]));
    await waitFor(() => drops(c, RelayDropReason.FORBIDDEN_DESTINATION) === forbidden.length);
    await settle();
    expect(target.got).toHaveLength(0);
    expect(route.stats.sent).toBe(0);
    expect(route.stats.dropped.FORBIDDEN_DESTINATION).toBe(forbidden.length);
    // Well-known ports are refused even on a public address (the datagram is never sent).
    send(c, '8.8.8.8', 53, new Uint8Array([1]));
    await waitFor(() => drops(c, RelayDropReason.FORBIDDEN_DESTINATION) === forbidden.length + 1);
    expect(route.stats.sent).toBe(0);
  });

  it('devnet mode relays to loopback both ways, and still refuses private ranges', async () => {
    const { bridge } = await relayBridge({ allowLoopback: true });
    const target = await listener();
    const c = await rawClient(bridge);
    send(c, '127.0.0.1', target.port, new TextEncoder().encode('hello'));
    await waitFor(() => target.got.length === 1);
    expect(target.got[0].data.toString()).toBe('hello');
    // Reply from the contacted address reaches the client with its source.
    target.socket.send(Buffer.from('world'), target.got[0].port, '127.0.0.1');
    await waitFor(() => c.frames.some((f) => f.kind === 'datagram'));
    const reply = c.frames.find((f) => f.kind === 'datagram') as Extract<RelayFrame, { kind: 'datagram' }>;
    expect(reply.host).toBe('127.0.0.1');
    expect(reply.port).toBe(target.port);
    expect(Buffer.from(reply.payload).toString()).toBe('world');
    send(c, '10.0.0.1', target.port, new Uint8Array([1]));
    send(c, '192.168.0.1', target.port, new Uint8Array([1]));
    await waitFor(() => drops(c, RelayDropReason.FORBIDDEN_DESTINATION) === 2);
  });

  it('relays back only datagrams from addresses the client has sent to', async () => {
    const { bridge, route } = await relayBridge({ allowLoopback: true });
    const target = await listener();
    const stranger = await listener();
    const c = await rawClient(bridge);
    send(c, '127.0.0.1', target.port, new Uint8Array([1]));
    await waitFor(() => target.got.length === 1);
    const relayPort = target.got[0].port;
    stranger.socket.send(Buffer.from('spoof'), relayPort, '127.0.0.1');
    await settle(100);
    expect(c.frames.filter((f) => f.kind === 'datagram')).toHaveLength(0);
    expect(route.stats.unsolicited).toBe(1);
  });

  it('forgets a destination after destinationIdleMs: its late replies are dropped', async () => {
    const { bridge, route } = await relayBridge({ allowLoopback: true, limits: { destinationIdleMs: 50 } });
    const target = await listener();
    const c = await rawClient(bridge);
    send(c, '127.0.0.1', target.port, new Uint8Array([1]));
    await waitFor(() => target.got.length === 1);
    await settle(120);
    target.socket.send(Buffer.from('late'), target.got[0].port, '127.0.0.1');
    await waitFor(() => route.stats.unsolicited === 1);
    expect(c.frames.filter((f) => f.kind === 'datagram')).toHaveLength(0);
  });
});

describe('UDP relay: limits', () => {
  it('caps distinct destinations per stream', async () => {
    const { bridge } = await relayBridge({ allowLoopback: true, limits: { maxDestinations: 3 } });
    const targets = await Promise.all(Array.from({ length: 5 }, () => listener()));
    const c = await rawClient(bridge);
    for (const t of targets) send(c, '127.0.0.1', t.port, new Uint8Array([7]));
    await waitFor(() => drops(c, RelayDropReason.TOO_MANY_DESTINATIONS) === 2);
    await waitFor(() => targets.slice(0, 3).every((t) => t.got.length === 1));
    expect(targets[3].got).toHaveLength(0);
    expect(targets[4].got).toHaveLength(0);
  });

  it('caps packets per second', async () => {
    const { bridge, route } = await relayBridge({
      allowLoopback: true,
      limits: { packetsPerSecond: 20, burstPackets: 20, dropNoticesPerSecond: 1000 },
    });
    const target = await listener();
    const c = await rawClient(bridge);
    for (let i = 0; i < 200; i++) send(c, '127.0.0.1', target.port, new Uint8Array([i & 255]));
    await waitFor(() => route.stats.sent + route.stats.dropped.PACKET_RATE === 200);
    await settle();
    // The burst plus what refills while 200 frames are processed (well under a second).
    expect(target.got.length).toBeGreaterThanOrEqual(20);
    expect(target.got.length).toBeLessThan(40);
    expect(route.stats.dropped.PACKET_RATE).toBeGreaterThan(160);
  });

  it('caps bytes per second and payload size', async () => {
    const { bridge, route } = await relayBridge({
      allowLoopback: true,
      limits: { bytesPerSecond: 10_000, burstBytes: 10_000, maxPayloadBytes: 1000 },
    });
    const target = await listener();
    const c = await rawClient(bridge);
    for (let i = 0; i < 40; i++) send(c, '127.0.0.1', target.port, new Uint8Array(1000));
    send(c, '127.0.0.1', target.port, new Uint8Array(1001));
    await waitFor(
      () => route.stats.sent + route.stats.dropped.BYTE_RATE + route.stats.dropped.OVERSIZE === 41,
    );
    await settle();
    expect(route.stats.dropped.OVERSIZE).toBe(1);
    expect(target.got.length).toBeGreaterThanOrEqual(10);
    expect(target.got.length).toBeLessThan(14);
    expect(target.got.every((d) => d.data.length === 1000)).toBe(true);
  });

  it('over the stream byte budget it drops messages and keeps the stream (UDP semantics, no 4429)', async () => {
    const { bridge, route } = await relayBridge({ allowLoopback: true }, undefined, {
      maxBytesPerSecond: 20_000,
      burstBytes: 20_000,
      maxFrameBytes: 2_000,
    });
    const target = await listener();
    const c = await rawClient(bridge);
    for (let i = 0; i < 100; i++) send(c, '127.0.0.1', target.port, new Uint8Array(1000));
    await waitFor(() => route.stats.sent + route.stats.dropped.BYTE_RATE === 100);
    expect(route.stats.dropped.BYTE_RATE).toBeGreaterThan(70);
    // Still open: once the budget refills, datagrams flow again.
    await settle(300);
    const before = target.got.length;
    send(c, '127.0.0.1', target.port, new Uint8Array(10));
    await waitFor(() => target.got.length === before + 1);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('datagrams above the protocol maximum are malformed frames, not relayed', async () => {
    const { bridge, route } = await relayBridge({ allowLoopback: true });
    const target = await listener();
    const c = await rawClient(bridge);
    const frame = new Uint8Array(7 + MAX_RELAY_PAYLOAD + 1);
    frame.set(encodeRelayDatagram('127.0.0.1', target.port, new Uint8Array(0)));
    c.ws.send(frame);
    send(c, '127.0.0.1', target.port, new Uint8Array(MAX_RELAY_PAYLOAD));
    await waitFor(() => target.got.length === 1);
    expect(target.got[0].data.length).toBe(MAX_RELAY_PAYLOAD);
    expect(route.stats.badFrames).toBe(1);
  });
});

describe('UDP relay: robustness', () => {
  it('garbage frames do not crash it or affect another client; text closes the sender only', async () => {
    const logs: string[] = [];
    const { bridge, route } = await relayBridge({ allowLoopback: true }, logs);
    const target = await listener();
    target.socket.on('message', (data, rinfo) => target.socket.send(data, rinfo.port, '127.0.0.1'));
    const good = await rawClient(bridge);
    const bad = await rawClient(bridge);
    const marker = new TextEncoder().encode('PAYLOAD-MARKER-7f3a');
    let seed = 1;
    const rnd = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < 300; i++) {
      const len = rnd() % 40;
      const junk = new Uint8Array(len).map(() => rnd() & 255);
      // Never kind 1 (DATAGRAM): a random valid frame could name a public address, and nothing may leave the host.
      if (len > 0 && junk[0] === 1) junk[0] = 2;
      bad.ws.send(junk);
      if (i % 30 === 0) send(good, '127.0.0.1', target.port, marker);
    }
    await waitFor(() => good.frames.filter((f) => f.kind === 'datagram').length === 10);
    await waitFor(() => route.stats.badFrames === 300);
    expect(route.stats.sent).toBe(10);
    // The garbage sender is still connected and works; a text message closes it with 4400.
    bad.ws.send('text is not allowed');
    expect(await bad.closed).toBe(4400);
    send(good, '127.0.0.1', target.port, marker);
    await waitFor(() => good.frames.filter((f) => f.kind === 'datagram').length === 11);
    good.ws.close();
    await good.closed;
    await settle();
    // Logs: counts and addresses only — never payload bytes.
    const text = logs.join('\n');
    expect(text).toContain('udpSent');
    expect(text).not.toContain('PAYLOAD-MARKER');
    expect(text).not.toContain(Buffer.from(marker).toString('hex'));
    expect(text).not.toContain(Buffer.from(marker).toString('base64'));
  });

  it('a query string on /udp is refused (4400)', async () => {
    const { bridge } = await relayBridge({});
    const ws = new WebSocket(`${bridgeUdpUrl(bridge.url)}?x=1`);
    ws.on('error', () => {});
    const code = await new Promise<number>((r) => ws.once('close', (c) => r(c)));
    expect(code).toBe(4400);
  });
});
