/**
 * The first-contact budget (issue 15 item 1): root datagrams to our id cost an ECDH before anything is
 * authenticated, so they are budgeted per source address and per node, dropped before any crypto beyond that, and
 * nothing for a peer exists until its packet has decrypted and its signature verified.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  keyPairFromSeed,
  randomBytes,
  type AsymmetricPrimitives,
} from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  AdnlNode,
  DEFAULT_ADNL_UDP_LIMITS,
  FirstContactBudget,
  encodePacket,
  sealRootDatagram,
  signPacket,
} from '../../../src/net/adnl/index.ts';
import { adnlId } from '../../../src/net/crypto/index.ts';
import { nativeAsymmetric } from '../../../src/node/native-crypto.ts';
import { CaptureSocket, MemoryNetwork } from './helpers.ts';

const nodes: AdnlNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
});

/** What the audit sent: the site's ADNL id, then a random "sender key" and random bytes, 296 bytes in all. */
function forged(targetId: Uint8Array): Uint8Array {
  const d = randomBytes(296);
  d.set(targetId, 0);
  return d;
}

/** Asymmetric primitives that count the ECDHs and verifications they are asked for. */
function counting(inner: AsymmetricPrimitives) {
  const calls = { sharedSecret: 0, verify: 0 };
  const p: AsymmetricPrimitives = {
    name: `counting ${inner.name}`,
    sharedSecret: (s, k) => (calls.sharedSecret++, inner.sharedSecret(s, k)),
    sign: (m, s) => inner.sign(m, s),
    verify: (sig, m, k) => (calls.verify++, inner.verify(sig, m, k)),
  };
  return { p, calls };
}

describe('FirstContactBudget', () => {
  const make = (over: Partial<ConstructorParameters<typeof FirstContactBudget>[0]> = {}) => {
    let now = 1000;
    const budget = new FirstContactBudget({
      sourceRate: 10,
      sourceBurst: 5,
      globalRate: 100,
      globalBurst: 8,
      maxSources: 3,
      now: () => now,
      ...over,
    });
    return { budget, advance: (ms: number) => (now += ms) };
  };

  it('allows a burst per source, then its rate; sources are separate (host:port)', () => {
    const { budget, advance } = make();
    for (let i = 0; i < 5; i++) expect(budget.take('10.0.0.1', 1)).toBe('ok');
    expect(budget.take('10.0.0.1', 1)).toBe('source');
    expect(budget.take('10.0.0.1', 2)).toBe('ok'); // another port of the same host: its own bucket
    advance(100); // 10/s: one token back
    expect(budget.take('10.0.0.1', 1)).toBe('ok');
    expect(budget.take('10.0.0.1', 1)).toBe('source');
  });

  it('caps the node whatever the sources, and refills at the global rate', () => {
    const { budget, advance } = make({ maxSources: 100 });
    const verdicts = Array.from({ length: 20 }, (_, i) => budget.take('10.0.0.9', 1000 + i));
    expect(verdicts.filter((v) => v === 'ok')).toHaveLength(8);
    expect(verdicts.slice(8).every((v) => v === 'global')).toBe(true);
    advance(50); // 100/s: 5 back
    const after = Array.from({ length: 10 }, (_, i) => budget.take('10.0.0.9', 2000 + i));
    expect(after.filter((v) => v === 'ok')).toHaveLength(5);
  });

  it('holds at most maxSources buckets', () => {
    const { budget } = make({ globalBurst: 1000 });
    for (let port = 1; port <= 50; port++) budget.take('10.0.0.1', port);
    expect(budget.sources).toBe(3);
  });

  it('refuses non-positive settings', () => {
    expect(() => make({ sourceRate: 0 })).toThrow(RangeError);
  });

  it('the defaults let an honest cold start through: a few dozen peers, each a handshake and its resends', () => {
    let now = 0;
    const l = DEFAULT_ADNL_UDP_LIMITS;
    const budget = new FirstContactBudget({
      sourceRate: l.firstContactSourceRate,
      sourceBurst: l.firstContactSourceBurst,
      globalRate: l.firstContactGlobalRate,
      globalBurst: l.firstContactGlobalBurst,
      maxSources: l.firstContactSources,
      now: () => now,
    });
    // 48 peers at once, each 10 root packets within 100 ms (createChannel + queries + resends).
    for (let round = 0; round < 10; round++) {
      for (let peer = 0; peer < 48; peer++) expect(budget.take('127.0.0.1', 30000 + peer)).toBe('ok');
      now += 10;
    }
  });
});

describe('AdnlNode under forged first contacts', () => {
  it('drops datagrams over the budget before any ECDH, counts them, and creates no peer', () => {
    const socket = new CaptureSocket();
    let now = 0;
    const { p, calls } = counting(nativeAsymmetric);
    const node = new AdnlNode({
      socket,
      keyPair: generateKeyPair(),
      asymmetric: p,
      now: () => now,
      limits: { firstContactSourceBurst: 20, firstContactSourceRate: 10, firstContactGlobalBurst: 50 },
    });
    nodes.push(node);
    for (let i = 0; i < 2000; i++) socket.inject(forged(node.id), '10.1.1.1', 5555);
    expect(calls.sharedSecret).toBe(20);
    expect(node.stats.firstContactsRefused).toBe(1980);
    expect(node.stats.dropped['first-contact-source-budget']).toBe(1980);
    expect(node.stats.dropped.decrypt).toBe(20);
    expect(node.peerCount).toBe(0);
    // Many ports (or spoofed sources): the node-wide bucket.
    for (let i = 0; i < 2000; i++) socket.inject(forged(node.id), '10.1.1.2', 10000 + i);
    expect(calls.sharedSecret).toBe(50);
    expect(node.stats.dropped['first-contact-global-budget']).toBe(2000 - 30);
    // A second later, the source has 10 tokens again.
    now += 1000;
    for (let i = 0; i < 100; i++) socket.inject(forged(node.id), '10.1.1.1', 5555);
    expect(calls.sharedSecret).toBe(60);
    expect(node.stats.dropped.internal).toBeUndefined();
    expect(node.peerCount).toBe(0);
  });

  it('a packet that decrypts but is not signed by its sender key leaves nothing behind', () => {
    const socket = new CaptureSocket();
    const node = new AdnlNode({ socket, keyPair: generateKeyPair() });
    nodes.push(node);
    const claimed = generateKeyPair();
    const fields = {
      rand1: new Uint8Array(7),
      rand2: new Uint8Array(7),
      from: { _: 'pub.ed25519' as const, key: claimed.publicKey },
      message: {
        _: 'adnl.message.createChannel' as const,
        key: generateKeyPair().publicKey,
        date: 1,
      },
      seqno: 1n,
      confirm_seqno: 0n,
    };
    const wrongSigner = signPacket(fields, generateKeyPair().secretKey);
    const datagram = sealRootDatagram(
      node.publicKey,
      node.id,
      encodePacket(wrongSigner),
      keyPairFromSeed(randomBytes(32)),
    );
    socket.inject(datagram, '10.2.2.2', 7);
    expect(node.stats.dropped.signature).toBe(1);
    expect(node.peerCount).toBe(0);
    expect(node.getPeer(adnlId(claimed.publicKey))).toBeUndefined();
    expect(socket.sent).toHaveLength(0);
  });

  it('an honest client from its own address handshakes and is answered during a flood', async () => {
    const net = new MemoryNetwork();
    const serverSocket = net.socket();
    const serverKeys = generateKeyPair();
    const server = new AdnlNode({
      socket: serverSocket,
      keyPair: serverKeys,
      addresses: [{ host: serverSocket.host, port: serverSocket.port }],
      asymmetric: nativeAsymmetric,
    });
    nodes.push(server);
    server.onQuery = async (_peer, q) => q.slice().reverse();
    // The forger floods through the same in-memory network from one port; its budget runs out.
    const forger = net.socket();
    for (let i = 0; i < 1500; i++) forger.send(forged(server.id), serverSocket.host, serverSocket.port);
    const client = new AdnlNode({
      socket: net.socket(),
      keyPair: generateKeyPair(),
      asymmetric: nativeAsymmetric,
    });
    nodes.push(client);
    const peer = client.addPeer(serverKeys.publicKey, { host: serverSocket.host, port: serverSocket.port });
    const q = tlEncode({ _: 'adnl.ping', value: 5n });
    expect(await client.query(peer, q, 3000)).toEqual(q.slice().reverse());
    expect(server.stats.firstContactsRefused).toBeGreaterThan(1000);
    expect(server.peerCount).toBe(1);
    expect(client.isChannelReady(peer)).toBe(true);
  });
});
