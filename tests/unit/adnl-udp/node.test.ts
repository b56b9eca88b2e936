/** AdnlNode behaviour between two in-memory nodes: channel, queries, custom messages, parts, packing, reinit. */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair, keyPairFromSeed, type KeyPair } from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  ADNL_MAX_DATAGRAM,
  AdnlError,
  AdnlNode,
  decodePacket,
  openRootDatagram,
  type AdnlNodeOptions,
  type AdnlPeer,
} from '../../../src/net/adnl/index.ts';
import { CaptureSocket, MemoryNetwork, type MemorySocket } from './helpers.ts';

const nodes: AdnlNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
});

function makeNode(
  net: MemoryNetwork,
  extra: Partial<AdnlNodeOptions> = {},
  keyPair: KeyPair = generateKeyPair(),
) {
  const socket = net.socket();
  const node = new AdnlNode({
    socket,
    keyPair,
    addresses: [{ host: socket.host, port: socket.port }],
    ...extra,
  });
  nodes.push(node);
  return { node, socket, keyPair };
}

/** A client and an echo server (answers `query` with `query` reversed); returns the client's view of the server. */
function pair(net = new MemoryNetwork(), serverExtra: Partial<AdnlNodeOptions> = {}) {
  const server = makeNode(net, serverExtra);
  server.node.onQuery = async (_peer, q) => q.slice().reverse();
  const client = makeNode(net, { addresses: [] });
  const peer = client.node.addPeer(server.keyPair.publicKey, {
    host: server.socket.host,
    port: server.socket.port,
  });
  return { net, server, client, peer };
}

const ping = (value: bigint) => tlEncode({ _: 'adnl.ping', value });

describe('AdnlNode', () => {
  it('establishes a channel with the first query and answers through it afterwards', async () => {
    const { net, client, server, peer } = pair();
    const q = ping(7n);
    expect(await client.node.query(peer, q, 2000)).toEqual(q.slice().reverse());
    // Client got confirmChannel → ready; the server becomes ready on the first channel packet.
    expect(client.node.isChannelReady(peer)).toBe(true);
    const before = net.log.length;
    expect(await client.node.query(peer, ping(8n), 2000)).toEqual(ping(8n).reverse());
    const serverView = server.node.getPeer(client.node.id) as AdnlPeer;
    expect(server.node.isChannelReady(serverView)).toBe(true);
    // Channel datagrams: 32 (id) + 32 (digest) + a small packet, far smaller than signed root packets.
    for (const d of net.log.slice(before)) expect(d.size).toBeLessThan(200);
    expect(client.node.stats.dropped).toEqual({});
    expect(server.node.stats.dropped).toEqual({});
  });

  it('is idempotent per peer id in addPeer and updates the address', () => {
    const net = new MemoryNetwork();
    const a = makeNode(net);
    const key = generateKeyPair().publicKey;
    const p1 = a.node.addPeer(key, { host: '127.0.0.1', port: 1000 });
    const p2 = a.node.addPeer(key, { host: '127.0.0.1', port: 2000 });
    expect(p2).toBe(p1);
    expect(p1.address.port).toBe(2000);
    expect(a.node.peerCount).toBe(1);
    expect(() => a.node.addPeer(key, { host: 'example.com', port: 1 })).toThrow(AdnlError);
    expect(() => a.node.addPeer(key, { host: '1.2.3.4', port: 0 })).toThrow(AdnlError);
    expect(() => a.node.addPeer(new Uint8Array(31), { host: '1.2.3.4', port: 1 })).toThrow(AdnlError);
  });

  it('delivers custom messages both ways and serves many concurrent queries', async () => {
    const { client, server, peer } = pair();
    const got: Uint8Array[] = [];
    server.node.onCustom = (from, data) => {
      got.push(data);
      server.node.sendCustom(from, data.slice().reverse());
    };
    const back: Uint8Array[] = [];
    client.node.onCustom = (_from, data) => back.push(data);
    await client.node.query(peer, ping(1n), 2000);
    for (let i = 0; i < 10; i++) client.node.sendCustom(peer, new Uint8Array([i, 1, 2, 3]));
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => client.node.query(peer, ping(BigInt(i)), 2000)),
    );
    answers.forEach((a, i) => expect(a).toEqual(ping(BigInt(i)).reverse()));
    await new Promise((r) => setTimeout(r, 20));
    expect(got.map((d) => d[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(back.map((d) => d[3])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('packs several messages per datagram, never above 1440 bytes', async () => {
    const { net, client, peer } = pair();
    await client.node.query(peer, ping(1n), 2000);
    const before = client.node.stats.datagramsOut;
    // 30 queries of ~100 bytes in one tick: they share datagrams.
    const qs = Array.from({ length: 30 }, (_, i) => new Uint8Array(100).fill(i));
    const answers = await Promise.all(qs.map((q) => client.node.query(peer, q, 2000)));
    answers.forEach((a, i) => expect(a).toEqual(qs[i]));
    expect(client.node.stats.datagramsOut - before).toBeLessThan(5);
    for (const d of net.log) expect(d.size).toBeLessThanOrEqual(ADNL_MAX_DATAGRAM);
  });

  it('keeps every datagram within 1440 bytes for any mix of message sizes, root and channel', async () => {
    const { net, client, server, peer } = pair();
    const fresh = makeNode(net, {
      addresses: Array.from({ length: 8 }, (_, i) => ({ host: '1.2.3.4', port: 1000 + i })),
    });
    const freshPeer = fresh.node.addPeer(server.keyPair.publicKey, {
      host: server.socket.host,
      port: server.socket.port,
    });
    await client.node.query(peer, ping(1n), 2000);
    expect(client.node.isChannelReady(peer)).toBe(true);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 8000 }), { minLength: 1, maxLength: 3 }),
        async (sizes) => {
          net.log.length = 0;
          for (const n of sizes) {
            client.node.sendCustom(peer, new Uint8Array(n)); // channel packets
            fresh.node.sendCustom(freshPeer, new Uint8Array(n)); // root packets (its channel never completes here)
          }
          await new Promise((r) => setTimeout(r, 0));
          for (const d of net.log) expect(d.size).toBeLessThanOrEqual(ADNL_MAX_DATAGRAM);
        },
      ),
      { numRuns: 10 },
    );
  });

  it('splits large queries and answers into parts and reassembles them (root and channel)', async () => {
    const { net, client, peer } = pair();
    const big = new Uint8Array(7000).map((_, i) => (i * 7) & 255);
    // First query goes in root packets (no channel yet), carrying createChannel as well.
    expect(await client.node.query(peer, big, 2000)).toEqual(big.slice().reverse());
    expect(client.node.isChannelReady(peer)).toBe(true);
    const big2 = new Uint8Array(3000).fill(9);
    expect(await client.node.query(peer, big2, 2000)).toEqual(big2);
    for (const d of net.log) expect(d.size).toBeLessThanOrEqual(ADNL_MAX_DATAGRAM);
  });

  it('refuses queries and custom messages above the huge-message limit', async () => {
    const { client, peer } = pair();
    await expect(client.node.query(peer, new Uint8Array(9000), 1000)).rejects.toBeInstanceOf(AdnlError);
    expect(() => client.node.sendCustom(peer, new Uint8Array(9000))).toThrow(AdnlError);
  });

  it('times out without an answer, and retries when asked to (same query id, first answer wins)', async () => {
    const { net, client, peer } = pair();
    net.filter = () => true; // everything lost
    const err = await client.node.query(peer, ping(1n), 30).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdnlError);
    expect((err as AdnlError).kind).toBe('timeout');
    let dropped = 0;
    net.filter = () => dropped++ < 3; // the first three datagrams are lost
    expect(await client.node.query(peer, ping(2n), 40, { attempts: 6 })).toEqual(ping(2n).reverse());
  });

  it('drops replayed datagrams (duplicate seqno) and counts them', async () => {
    const net = new MemoryNetwork();
    const server = makeNode(net);
    let served = 0;
    server.node.onQuery = async (_p, q) => {
      served++;
      return q;
    };
    const captured: Uint8Array[] = [];
    const clientSocket = net.socket();
    const realSend = clientSocket.send.bind(clientSocket);
    clientSocket.send = (data, host, port) => {
      captured.push(data.slice());
      realSend(data, host, port);
    };
    const client = new AdnlNode({ socket: clientSocket, keyPair: generateKeyPair() });
    nodes.push(client);
    const peer = client.addPeer(server.keyPair.publicKey, {
      host: server.socket.host,
      port: server.socket.port,
    });
    await client.query(peer, ping(5n), 2000);
    expect(served).toBe(1);
    // Replay the first datagram at the server.
    (server.socket as MemorySocket).onMessage?.(captured[0], clientSocket.host, clientSocket.port);
    await new Promise((r) => setTimeout(r, 10));
    expect(served).toBe(1);
    expect(server.node.stats.dropped.duplicate).toBe(1);
  });

  it('rejects root packets with a bad signature or from unknown peers when configured so', () => {
    const socket = new CaptureSocket();
    const me = keyPairFromSeed(new Uint8Array(32).fill(5));
    const node = new AdnlNode({ socket, keyPair: me, acceptUnknownPeers: false });
    nodes.push(node);
    const otherSocket = new CaptureSocket();
    const other = new AdnlNode({ socket: otherSocket, keyPair: generateKeyPair() });
    nodes.push(other);
    other.sendCustom(other.addPeer(me.publicKey, { host: '127.0.0.1', port: 9 }), new Uint8Array([1]));
    return Promise.resolve().then(() => {
      const datagram = otherSocket.sent[0].data;
      node.onCustom = () => {
        throw new Error('must not be delivered');
      };
      socket.inject(datagram, '127.0.0.1', 10);
      expect(node.stats.dropped['unknown-peer']).toBe(1);
      // Tamper with one ciphertext byte: the digest check fails.
      const bad = datagram.slice();
      bad[bad.length - 1] ^= 1;
      socket.inject(bad, '127.0.0.1', 10);
      expect(node.stats.dropped.decrypt).toBe(1);
      // The plaintext is what we expect it to be: signed, with our full key.
      const p = decodePacket(openRootDatagram(me.secretKey, datagram));
      expect(p.signature?.length).toBe(64);
    });
  });

  it('resynchronizes after the server restarts (new reinit date, channel lost)', async () => {
    const net = new MemoryNetwork();
    let now = 1_800_000_000_000;
    const clock = () => now;
    const serverKey = generateKeyPair();
    const server1 = makeNode(net, { clock }, serverKey);
    server1.node.onQuery = async (_p, q) => q;
    const client = makeNode(net, { clock, addresses: [], limits: { channelSilenceMs: 1000 } });
    const peer = client.node.addPeer(serverKey.publicKey, {
      host: server1.socket.host,
      port: server1.socket.port,
    });
    expect(await client.node.query(peer, ping(1n), 1000)).toEqual(ping(1n));
    expect(await client.node.query(peer, ping(2n), 1000)).toEqual(ping(2n));
    // Restart: same key and port, later session. The old channel is unknown to it.
    server1.node.close();
    now += 5000;
    const socket2 = net.socket();
    const server2 = new AdnlNode({ socket: socket2, keyPair: serverKey, clock });
    nodes.push(server2);
    server2.onQuery = async (_p, q) => q;
    client.node.addPeer(serverKey.publicKey, { host: socket2.host, port: socket2.port });
    // Channel packets are dropped by the new session; after the silence the client falls back to root packets.
    const answer = await client.node.query(peer, ping(3n), 300, { attempts: 10 });
    expect(answer).toEqual(ping(3n));
    // The first root packet named the old session (dst_reinit_date): dropped and answered with a nop.
    expect(server2.stats.dropped['dst-reinit-old']).toBeGreaterThanOrEqual(1);
    expect(await client.node.query(peer, ping(4n), 1000)).toEqual(ping(4n));
    expect(client.node.isChannelReady(peer)).toBe(true);
  });

  it('fails pending queries with AdnlError(closed) on close', async () => {
    const { net, client, peer } = pair();
    net.filter = () => true;
    const p = client.node.query(peer, ping(1n), 5000);
    client.node.close();
    const err = await p.catch((e: unknown) => e);
    expect((err as AdnlError).kind).toBe('closed');
  });

  it('bounds the peer table', async () => {
    const net = new MemoryNetwork();
    const server = makeNode(net, { limits: { maxPeers: 3 } });
    server.node.onQuery = async (_p, q) => q;
    for (let i = 0; i < 6; i++) {
      const c = makeNode(net, { addresses: [] });
      const p = c.node.addPeer(server.keyPair.publicKey, {
        host: server.socket.host,
        port: server.socket.port,
      });
      expect(await c.node.query(p, ping(BigInt(i)), 1000)).toEqual(ping(BigInt(i)));
    }
    expect(server.node.peerCount).toBe(3);
  });
});
