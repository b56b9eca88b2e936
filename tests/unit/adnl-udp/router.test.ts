/**
 * MessageRouter (src/net/adnl/router.ts) and the nodes that route with it: dispatch by TL constructor and by
 * overlay id, duplicates refused, unregistering, and the onQuery/onCustom slots as the fallback for the rest.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { AdnlNode, MessageRouter, RouterError, routerInSlot, tlIdOf } from '../../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../../src/net/crypto/index.ts';
import { RldpNode } from '../../../src/net/rldp/index.ts';
import { tlEncode, tlId } from '../../../src/net/tl/index.ts';
import { MemoryNetwork } from './helpers.ts';

const closers: { close(): void }[] = [];
afterEach(() => {
  for (const c of closers.splice(0).reverse()) c.close();
});

const ping = (value: bigint) => tlEncode({ _: 'adnl.ping', value });
const PING_ID = tlId('adnl.ping');
const OVERLAY_A = new Uint8Array(32).fill(0xaa);
const OVERLAY_B = new Uint8Array(32).fill(0xbb);

function prefixed(
  name: 'overlay.query' | 'overlay.message',
  overlay: Uint8Array,
  inner: Uint8Array,
): Uint8Array {
  const head = tlEncode({ _: name, overlay });
  const out = new Uint8Array(head.length + inner.length);
  out.set(head);
  out.set(inner, head.length);
  return out;
}

describe('MessageRouter', () => {
  it('dispatches by the boxed TL constructor id of the message', () => {
    const r = new MessageRouter<string>();
    r.register({ tlId: PING_ID }, 'ping');
    r.register([{ tlId: 1 }, { tlId: 0xffffffff }], 'both');
    expect(tlIdOf(ping(1n))).toBe(PING_ID);
    expect(r.route(ping(1n))).toBe('ping');
    expect(r.route(Uint8Array.of(1, 0, 0, 0))).toBe('both');
    expect(r.route(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 9))).toBe('both');
    expect(r.route(Uint8Array.of(2, 0, 0, 0))).toBeNull();
    expect(r.route(Uint8Array.of(1, 0, 0))).toBeNull(); // shorter than an id
  });

  it('dispatches overlay.query and overlay.message prefixed messages by overlay id first', () => {
    const r = new MessageRouter<string>();
    r.register({ overlay: OVERLAY_A }, 'a');
    r.register({ tlId: PING_ID }, 'ping');
    expect(r.route(prefixed('overlay.query', OVERLAY_A, ping(1n)))).toBe('a');
    expect(r.route(prefixed('overlay.message', OVERLAY_A, ping(1n)))).toBe('a');
    // Another overlay: nobody, unless a handler took the prefix constructor itself.
    expect(r.route(prefixed('overlay.query', OVERLAY_B, ping(1n)))).toBeNull();
    r.register({ tlId: tlId('overlay.query') }, 'any overlay');
    expect(r.route(prefixed('overlay.query', OVERLAY_B, ping(1n)))).toBe('any overlay');
    expect(r.route(prefixed('overlay.query', OVERLAY_A, ping(1n)))).toBe('a');
    // A prefix cut short is routed by its constructor only.
    expect(r.route(prefixed('overlay.query', OVERLAY_A, ping(1n)).subarray(0, 20))).toBe('any overlay');
  });

  it('refuses a second handler for a taken key, and registers all keys of a call or none', () => {
    const r = new MessageRouter<string>();
    r.register([{ tlId: 7 }, { overlay: OVERLAY_A }], 'first');
    for (const key of [{ tlId: 7 }, { overlay: OVERLAY_A.slice() }]) {
      const error = (() => {
        try {
          r.register(key, 'second');
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(RouterError);
      expect((error as RouterError).kind).toBe('duplicate');
    }
    expect(() => r.register([{ tlId: 8 }, { tlId: 7 }], 'second')).toThrow(RouterError);
    expect(r.has({ tlId: 8 })).toBe(false);
    expect(() => r.register([{ tlId: 9 }, { tlId: 9 }], 'twice')).toThrow(RouterError);
    expect(r.has({ tlId: 9 })).toBe(false);
    expect(r.route(Uint8Array.of(7, 0, 0, 0))).toBe('first');
  });

  it('refuses keys that are not a u32 TL id or a 32-byte overlay id', () => {
    const r = new MessageRouter<string>();
    for (const key of [{ tlId: -1 }, { tlId: 2 ** 32 }, { tlId: 1.5 }, { overlay: new Uint8Array(31) }]) {
      expect(() => r.register(key, 'x')).toThrow(expect.objectContaining({ kind: 'bad-key' }));
    }
  });

  it('unregisters: the returned function removes its keys once; unregister() frees a key for another', () => {
    const r = new MessageRouter<string>();
    const off = r.register([{ tlId: 1 }, { tlId: 2 }], 'first');
    off();
    expect(r.route(Uint8Array.of(1, 0, 0, 0))).toBeNull();
    expect(r.route(Uint8Array.of(2, 0, 0, 0))).toBeNull();
    r.register({ tlId: 1 }, 'second');
    off(); // a stale unregister does not remove the newer handler
    expect(r.route(Uint8Array.of(1, 0, 0, 0))).toBe('second');
    r.unregister({ tlId: 1 });
    expect(r.has({ tlId: 1 })).toBe(false);
    r.register({ tlId: 1 }, 'third');
    expect(r.route(Uint8Array.of(1, 0, 0, 0))).toBe('third');
  });

  it('routerInSlot puts a router in front of the handler that was in the slot', async () => {
    const node: { onQuery: ((peer: string, data: Uint8Array) => Promise<string>) | null } = {
      onQuery: async () => 'before',
    };
    const r = routerInSlot(node);
    r.register({ tlId: PING_ID }, async (peer) => `routed for ${peer}`);
    expect(await node.onQuery!('p', ping(1n))).toBe('routed for p');
    expect(await node.onQuery!('p', Uint8Array.of(1, 0, 0, 0))).toBe('before');
    const empty: { onQuery: ((peer: string, data: Uint8Array) => Promise<string>) | null } = {
      onQuery: null,
    };
    routerInSlot(empty);
    expect(empty.onQuery!('p', ping(1n))).toBeNull();
  });
});

function node(net: MemoryNetwork) {
  const socket = net.socket();
  const keyPair = generateKeyPair();
  const n = new AdnlNode({ socket, keyPair, addresses: [{ host: socket.host, port: socket.port }] });
  closers.push(n);
  return { node: n, socket, keyPair };
}

function pair() {
  const net = new MemoryNetwork();
  const server = node(net);
  const client = node(net);
  const peer = client.node.addPeer(server.keyPair.publicKey, {
    host: server.socket.host,
    port: server.socket.port,
  });
  return { server: server.node, client: client.node, peer, serverKey: server.keyPair };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('AdnlNode routers', () => {
  it('answers a routed query, and leaves the others to onQuery', async () => {
    const { server, client, peer } = pair();
    server.queryRoutes.register({ tlId: PING_ID }, async () => Uint8Array.of(1));
    server.onQuery = async () => Uint8Array.of(2);
    expect(await client.query(peer, ping(1n), 2000)).toEqual(Uint8Array.of(1));
    expect(await client.query(peer, Uint8Array.of(9, 9, 9, 9), 2000)).toEqual(Uint8Array.of(2));
  });

  it('drops a query nobody claims, as without routers', async () => {
    const { server, client, peer } = pair();
    server.queryRoutes.register({ tlId: PING_ID }, async () => null); // claimed, no answer
    await expect(client.query(peer, ping(1n), 50)).rejects.toMatchObject({ kind: 'timeout' });
    await expect(client.query(peer, Uint8Array.of(9, 9, 9, 9), 50)).rejects.toMatchObject({
      kind: 'timeout',
    });
    expect(server.stats.dropped['query-unhandled']).toBe(1);
  });

  it('routes custom messages by constructor and overlay, the rest to onCustom', async () => {
    const { server, client, peer } = pair();
    const got: string[] = [];
    server.customRoutes.register({ tlId: PING_ID }, () => got.push('ping'));
    server.customRoutes.register({ overlay: OVERLAY_A }, () => got.push('overlay'));
    server.onCustom = () => got.push('fallback');
    client.sendCustom(peer, ping(1n));
    client.sendCustom(peer, prefixed('overlay.message', OVERLAY_A, Uint8Array.of(1, 2, 3, 4)));
    client.sendCustom(peer, prefixed('overlay.message', OVERLAY_B, Uint8Array.of(1, 2, 3, 4)));
    await settle();
    expect(got).toEqual(['ping', 'overlay', 'fallback']);
  });
});

describe('RldpNode on an AdnlNode', () => {
  const RLDP_IDS = {
    1: ['rldp.messagePart', 'rldp.confirm', 'rldp.complete'],
    2: ['rldp2.messagePart', 'rldp2.confirm', 'rldp2.complete'],
  } as const;

  it('registers the rldp.* and rldp2.* constructors of its versions, refuses a second node, frees them on close', () => {
    const { server } = pair();
    server.onCustom = () => {};
    const rldp = new RldpNode(server, { versions: [2] });
    for (const name of RLDP_IDS[2]) expect(server.customRoutes.has({ tlId: tlId(name) })).toBe(true);
    for (const name of RLDP_IDS[1]) expect(server.customRoutes.has({ tlId: tlId(name) })).toBe(false);
    expect(() => new RldpNode(server)).toThrow(RouterError);
    const v1 = new RldpNode(server, { versions: [1] }); // the other version's constructors are free
    rldp.close();
    v1.close();
    for (const name of [...RLDP_IDS[1], ...RLDP_IDS[2]])
      expect(server.customRoutes.has({ tlId: tlId(name) })).toBe(false);
    expect(server.onCustom).not.toBeNull(); // the slot is not touched
  });

  it('routes RLDP queries by constructor, the rest to onQuery; other custom messages stay with onCustom', async () => {
    const { server, client, peer } = pair();
    const serverRldp = new RldpNode(server);
    const clientRldp = new RldpNode(client);
    closers.push(clientRldp, serverRldp);
    serverRldp.queryRoutes.register({ tlId: PING_ID }, async () => Uint8Array.of(1));
    serverRldp.onQuery = async () => Uint8Array.of(2);
    const other: Uint8Array[] = [];
    server.onCustom = (_peer, data) => other.push(data);
    const opts = { maxAnswerSize: 100, timeoutMs: 2000 };
    expect(await clientRldp.query(peer, ping(1n), opts)).toEqual(Uint8Array.of(1));
    expect(await clientRldp.query(peer, Uint8Array.of(9, 9, 9, 9), opts)).toEqual(Uint8Array.of(2));
    client.sendCustom(peer, Uint8Array.of(42, 0, 0, 0, 1));
    await settle();
    expect(other).toEqual([Uint8Array.of(42, 0, 0, 0, 1)]);
  });
});
