/**
 * Query retransmission in AdnlNode: the RFC 6298 estimator (rtt.ts), Karn's rule, backoff within the caller's
 * budget, the resend when a peer's first packet arrives, and the dropFirstContactQueries knob that reproduces
 * tonutils-go's first-contact race on the serving side. Assertions are on counts, never on wall time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import { AdnlError, AdnlNode, RttEstimator, type AdnlNodeOptions } from '../../../src/net/adnl/index.ts';
import { MemoryNetwork } from './helpers.ts';

const nodes: AdnlNode[] = [];
afterEach(() => {
  for (const n of nodes.splice(0)) n.close();
});

function makeNode(net: MemoryNetwork, extra: Partial<AdnlNodeOptions> = {}) {
  const socket = net.socket();
  const keyPair = generateKeyPair();
  const node = new AdnlNode({
    socket,
    keyPair,
    addresses: [{ host: socket.host, port: socket.port }],
    ...extra,
  });
  nodes.push(node);
  return { node, socket, keyPair };
}

function pair(serverExtra: Partial<AdnlNodeOptions> = {}, clientExtra: Partial<AdnlNodeOptions> = {}) {
  const net = new MemoryNetwork();
  const server = makeNode(net, serverExtra);
  let served = 0;
  server.node.onQuery = async (_peer, q) => {
    served++;
    return q.slice().reverse();
  };
  const client = makeNode(net, { addresses: [], ...clientExtra });
  const peer = client.node.addPeer(server.keyPair.publicKey, {
    host: server.socket.host,
    port: server.socket.port,
  });
  return { net, server, client, peer, served: () => served };
}

const ping = (value: bigint) => tlEncode({ _: 'adnl.ping', value });
const bounds = { initialRtoMs: 250, minRtoMs: 50, maxRtoMs: 10_000, granularityMs: 10 };

describe('RttEstimator (RFC 6298)', () => {
  it('starts from the given estimate, takes SRTT = R, RTTVAR = R/2 from the first sample, then smooths', () => {
    const e = new RttEstimator(bounds);
    expect(e.rto).toBe(250);
    e.sample(100);
    expect(e.figures()).toEqual({ srttMs: 100, rttvarMs: 50, rtoMs: 300, samples: 1 });
    e.sample(60); // RTTVAR = 3/4·50 + 1/4·40 = 47.5; SRTT = 7/8·100 + 1/8·60 = 95
    expect(e.rttvar).toBeCloseTo(47.5);
    expect(e.srtt).toBeCloseTo(95);
    expect(e.rto).toBeCloseTo(95 + 4 * 47.5);
  });

  it('keeps RTO within its bounds and at least SRTT + G', () => {
    const e = new RttEstimator(bounds, 5);
    expect(e.rto).toBe(50); // clamped up
    for (let i = 0; i < 200; i++) e.sample(100);
    expect(e.rttvar).toBeLessThan(1);
    expect(e.rto).toBeGreaterThanOrEqual(110); // SRTT + G
    e.sample(1e9);
    expect(e.rto).toBe(10_000);
  });

  it('doubles on backoff until the next sample', () => {
    const e = new RttEstimator(bounds, 100);
    e.backoff();
    e.backoff();
    expect(e.rto).toBe(400);
    e.sample(20);
    expect(e.rto).toBe(60); // SRTT 20 + 4 × RTTVAR 10
  });
});

describe('AdnlNode query retransmission', () => {
  it('measures round trips only from queries answered without a resend (Karn)', async () => {
    const { net, client, peer } = pair();
    expect(client.node.rttOf(peer)).toBeNull();
    await client.node.query(peer, ping(1n), 2000, { attempts: 3 });
    expect(client.node.rttOf(peer)?.samples).toBe(1);
    // The estimate over all peers has this one sample too (the resent query below adds none).
    const measuredRto = client.node.rttOf(peer)!.rtoMs;
    let lost = 0;
    net.filter = (_d, from) => from !== `${peer.address.host}:${peer.address.port}` && lost++ < 1;
    await client.node.query(peer, ping(2n), 2000, { attempts: 3 });
    expect(client.node.stats.queryResends).toBe(1);
    expect(client.node.rttOf(peer)?.samples).toBe(1); // the resent query gave no sample
    // A peer never measured starts from the estimate over all peers (no longer the initial 250 ms): exactly the
    // RTO of the one round trip measured (compared with it, not with 250 ms: on a loaded machine it may be longer).
    const other = client.node.addPeer(generateKeyPair().publicKey, { host: '127.0.0.1', port: 1 });
    expect(client.node.retransmitTimeoutOf(other)).toBe(measuredRto);
  });

  it('backs off ×2 per resend, never waits longer than timeoutMs, and keeps the caller budget', async () => {
    const { net, client, peer } = pair({}, { limits: { initialRtoMs: 10, minRtoMs: 10 } });
    net.filter = () => true; // everything lost
    const error = await client.node.query(peer, ping(3n), 100, { attempts: 4 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdnlError);
    expect((error as AdnlError).message).toContain('400 ms');
    // Waits 10, 20, 40, 80, then 100 (the cap) twice and the last 50 of the 400 ms budget: 6 resends.
    expect(client.node.stats.queryResends).toBe(6);
    expect(client.node.rttOf(peer)?.samples).toBe(0);
  });

  it('sends once without attempts, whatever the RTO', async () => {
    const { net, client, peer } = pair({}, { limits: { initialRtoMs: 10, minRtoMs: 10 } });
    net.filter = () => true;
    await expect(client.node.query(peer, ping(4n), 60)).rejects.toBeInstanceOf(AdnlError);
    expect(client.node.stats.queryResends).toBe(0);
    expect(net.log.length).toBe(1);
  });
});

describe('first contact', () => {
  it('dropFirstContactQueries drops the first packet’s queries once per peer; the RTO resend gets through', async () => {
    let consulted = 0;
    const { server, client, peer, served } = pair({
      dropFirstContactQueries: () => {
        consulted++;
        return true;
      },
    });
    const answer = await client.node.query(peer, ping(5n), 1500, { attempts: 4 });
    expect(answer).toEqual(ping(5n).reverse());
    expect(server.node.stats.dropped['first-contact']).toBe(1);
    expect(served()).toBe(1);
    // One resend, at the first-contact RTO (250 ms before anything was measured), not after the 1.5 s timeout.
    expect(client.node.stats.queryResends).toBe(1);
    expect(client.node.retransmitTimeoutOf(peer)).toBeLessThan(1500);
    // The createChannel of that first packet was processed: the answer came through a ready channel.
    expect(client.node.isChannelReady(peer)).toBe(true);
    await client.node.query(peer, ping(6n), 1500, { attempts: 4 });
    expect(consulted).toBe(1);
    expect(server.node.stats.dropped['first-contact']).toBe(1);
  });

  it('drops custom messages of the first packet too, and nothing of later ones', async () => {
    const { server, client, peer } = pair({ dropFirstContactQueries: () => true });
    const got: number[] = [];
    server.node.onCustom = (_p, data) => got.push(data[0]);
    client.node.sendCustom(peer, Uint8Array.of(1));
    await new Promise((r) => setTimeout(r, 20));
    client.node.sendCustom(peer, Uint8Array.of(2));
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toEqual([2]);
    expect(server.node.stats.dropped['first-contact']).toBe(1);
  });

  it('resends an unanswered query at once when the peer’s first packet arrives (no timeout waited)', async () => {
    // An RTO far beyond the test: only the first-contact trigger can resend.
    const { server, client, peer, served } = pair(
      { dropFirstContactQueries: () => true },
      { limits: { initialRtoMs: 60_000 } },
    );
    const asked = client.node.query(peer, ping(7n), 60_000, { attempts: 2 });
    await new Promise((r) => setTimeout(r, 20));
    expect(served()).toBe(0); // dropped by the race
    // The server's first packet to the client (as a site's RLDP answer or a channel confirm would be).
    const back = server.node.getPeer(client.node.id)!;
    server.node.sendCustom(back, Uint8Array.of(9));
    expect(await asked).toEqual(ping(7n).reverse());
    expect(client.node.stats.firstContactResends).toBe(1);
    expect(client.node.stats.queryResends).toBe(0);
  });

  it('does not resend on first contact what the caller sent once', async () => {
    const { server, client, peer } = pair({ dropFirstContactQueries: () => true });
    const asked = client.node.query(peer, ping(8n), 200).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    server.node.sendCustom(server.node.getPeer(client.node.id)!, Uint8Array.of(9));
    expect(await asked).toBeInstanceOf(AdnlError);
    expect(client.node.stats.firstContactResends).toBe(0);
  });
});
