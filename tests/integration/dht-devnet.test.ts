/**
 * The DHT plugin inside the full devnet (startDevnet): the written global-config file carries the DHT static
 * nodes; a service published through the plugin is found by a client that reads only that file and talks
 * through the devnet's bridge relay, and answers over an ADNL channel.
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../src/devnet/dht/index.ts';
import { AdnlNode } from '../../src/net/adnl/index.ts';
import { adnlId, generateKeyPair } from '../../src/net/crypto/index.ts';
import { DhtClient, parseDhtConfig } from '../../src/net/dht/index.ts';
import { bridgeUdpUrl, openRelaySocket } from '../../src/net/transport/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';

const plugin = devnetDhtPlugin({ count: 3 });
let devnet: Devnet;

beforeAll(async () => {
  devnet = await startDevnet({ plugins: [plugin], blockIntervalMs: 0, demoAccounts: false });
});

afterAll(async () => {
  await devnet?.stop();
});

describe('devnet with the DHT plugin', () => {
  it('writes the DHT nodes into global-config.json and the endpoints', () => {
    const config = JSON.parse(readFileSync(devnet.configPath, 'utf8')) as { dht: unknown };
    const dht = parseDhtConfig(config);
    expect(dht.staticNodes).toHaveLength(3);
    expect(devnet.endpoints.dhtNodes).toHaveLength(3);
    expect(plugin.dht?.nodes.map((n) => n.address)).toEqual(dht.staticNodes.map((n) => n.addresses[0]));
  });

  it('a service published through the plugin is found through the bridge relay and answers', async () => {
    const keyPair = generateKeyPair();
    const udp = await openUdpSocket({ host: '127.0.0.1' });
    const address = { host: '127.0.0.1', port: udp.address().port };
    const service = new AdnlNode({ socket: udp, keyPair, addresses: [address] });
    service.onQuery = async () => new TextEncoder().encode('hi from the devnet site');
    await (await plugin.ready).publishAddress(keyPair, address);

    const config = parseDhtConfig(JSON.parse(readFileSync(devnet.configPath, 'utf8')));
    const socket = await openRelaySocket(bridgeUdpUrl(devnet.endpoints.bridge as string), {
      WebSocket: WebSocket as never,
    });
    const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
    try {
      const dht = new DhtClient({ adnl, config, timeoutMs: 1000, attempts: 1 });
      const found = await dht.resolveAddress(adnlId(keyPair.publicKey));
      expect(found.addresses).toEqual([address]);
      const peer = adnl.addPeer(found.publicKey, found.addresses[0]);
      const answer = await adnl.query(peer, new Uint8Array([1]), 2000);
      expect(new TextDecoder().decode(answer)).toBe('hi from the devnet site');
    } finally {
      adnl.close();
      service.close();
    }
  });
});
