/** DhtServer.attach: the dht.* queries registered on an ADNL node's query router (src/net/adnl/router.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { AdnlNode, RouterError } from '../../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../../src/net/crypto/index.ts';
import { DhtServer } from '../../../src/net/dht/index.ts';
import { tlDecode, tlEncode } from '../../../src/net/tl/index.ts';
import { MemoryNetwork } from '../adnl-udp/helpers.ts';

const nodes: AdnlNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
});

function node(net: MemoryNetwork) {
  const socket = net.socket();
  const keyPair = generateKeyPair();
  const n = new AdnlNode({ socket, keyPair, addresses: [{ host: socket.host, port: socket.port }] });
  nodes.push(n);
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

describe('DhtServer.attach', () => {
  it('serves the dht.* queries through the router and leaves other queries to onQuery', async () => {
    const { server, client, peer, serverKey } = pair();
    const dht = new DhtServer({ keyPair: serverKey, addresses: [{ host: '127.0.0.1', port: 1 }] });
    server.onQuery = async () => Uint8Array.of(2);
    const off = dht.attach(server);
    const random_id = 5n;
    const pong = await client.query(peer, tlEncode({ _: 'dht.ping', random_id }), 2000);
    expect(tlDecode('dht.Pong', pong)).toEqual({ _: 'dht.pong', random_id });
    expect(await client.query(peer, Uint8Array.of(9, 9, 9, 9), 2000)).toEqual(Uint8Array.of(2));
    expect(() => dht.attach(server)).toThrow(RouterError);
    off();
    expect(await client.query(peer, tlEncode({ _: 'dht.ping', random_id }), 2000)).toEqual(Uint8Array.of(2));
  });
});
