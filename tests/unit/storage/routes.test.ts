/** StorageServer / StorageClient routeOn: the overlays of the bags held, registered on a node's query routers. */
import { describe, expect, it } from 'vitest';
import { MessageRouter, RouterError } from '../../../src/net/adnl/index.ts';
import { bagOverlayId, wrapOverlayQuery } from '../../../src/net/storage/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import { demoBag, startClient, startSeeder } from './helpers.ts';
import { MemoryNet } from './memory-net.ts';

type AdnlHandler = (peer: never, q: Uint8Array) => Promise<Uint8Array | null>;
type RldpHandler = (peer: never, q: Uint8Array, ctx: never) => Promise<Uint8Array>;

function routers() {
  return { adnl: new MessageRouter<AdnlHandler>(), rldp: new MessageRouter<RldpHandler>() };
}

const infoQuery = (overlayId: Uint8Array) =>
  wrapOverlayQuery(overlayId, tlEncode({ _: 'storage.getTorrentInfo' }));

describe('storage routes', () => {
  it('a server registers the overlay of each bag it seeds, now and later, until removed or closed', () => {
    const net = new MemoryNet();
    const first = demoBag(4096);
    const second = demoBag(2048);
    const { server } = startSeeder(net, [first]);
    const r = routers();
    server.routeOn(r);
    const o1 = bagOverlayId(first.info.bagId);
    const o2 = bagOverlayId(second.info.bagId);
    expect(r.rldp.route(infoQuery(o1))).not.toBeNull();
    expect(r.adnl.route(infoQuery(o1))).not.toBeNull();
    expect(r.rldp.route(infoQuery(o2))).toBeNull();
    server.addBag(second);
    expect(r.rldp.route(infoQuery(o2))).not.toBeNull();
    server.removeBag(first.info.bagId);
    expect(r.rldp.route(infoQuery(o1))).toBeNull();
    expect(r.adnl.route(infoQuery(o1))).toBeNull();
    expect(() => server.routeOn(r)).toThrow();
    server.close();
    expect(r.rldp.route(infoQuery(o2))).toBeNull();
  });

  it('the routed handler answers as handleRldpQuery does', async () => {
    const net = new MemoryNet();
    const bag = demoBag(4096);
    const { server, node } = startSeeder(net, [bag]);
    const r = routers();
    server.routeOn(r);
    const q = infoQuery(bagOverlayId(bag.info.bagId));
    const ctx = { maxAnswerSize: 1 << 20, deadline: Date.now() + 1000, version: 2 };
    const routed = await r.rldp.route(q)!(node.self as never, q, ctx as never);
    expect(routed).toEqual(await server.handleRldpQuery(node.self, q, ctx));
  });

  it('two holders of one overlay on one node are refused', () => {
    const net = new MemoryNet();
    const bag = demoBag(4096);
    const r = routers();
    startSeeder(net, [bag]).server.routeOn(r);
    const other = startSeeder(net, [bag]).server;
    expect(() => other.routeOn(r)).toThrow(RouterError);
  });

  it('a client registers the overlays of the bags it holds and removes them on close', () => {
    const net = new MemoryNet();
    const bag = demoBag(4096);
    const { client } = startClient(net);
    const r = routers();
    client.routeOn(r);
    const o = bagOverlayId(bag.info.bagId);
    void client.open(bag.info.bagId).catch(() => null); // no peers: fails, the bag stays held
    expect(r.rldp.route(infoQuery(o))).not.toBeNull();
    client.close();
    expect(r.rldp.route(infoQuery(o))).toBeNull();
  });
});
