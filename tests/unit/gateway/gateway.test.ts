/**
 * The gateway's logic over in-memory doubles of DNS, DHT, ADNL and RLDP: host kinds, the stage every failure
 * carries, caching of resolutions and connections, per-request timings. The real path (UDP, relay, devnet) is in
 * tests/integration/gateway*.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { AdnlNode, AdnlPeer } from '../../../src/net/adnl/index.ts';
import { adnlId, adnlIdToText, keyPairFromSeed } from '../../../src/net/crypto/index.ts';
import { DnsNotRegisteredError, type DnsResolution, type DnsResolver } from '../../../src/net/dns/index.ts';
import {
  Gateway,
  GatewayError,
  isTonHost,
  parseTonUrl,
  type GatewayRldp,
} from '../../../src/net/gateway/index.ts';
import {
  answerCapabilitiesQuery,
  HttpServer,
  headerValue,
  type HttpHandler,
} from '../../../src/net/http/index.ts';
import { Address } from '@ton/core';
import { MemoryRldp } from '../http/memory-rldp.ts';

const siteKey = keyPairFromSeed(new Uint8Array(32).fill(7));
const siteId = adnlId(siteKey.publicKey);
const siteHost = `${adnlIdToText(siteId)}.adnl`;
const text = (s: string) => new TextEncoder().encode(s);

interface World {
  gateway: Gateway;
  dnsCalls: number;
  dhtCalls: number;
  capsCalls: number;
  versions: [string, number][];
  site: MemoryRldp;
}

/** A site reachable through fake DNS/DHT/ADNL and an in-memory RLDP pair. */
function world(
  handler: HttpHandler,
  opts: {
    siteCaps?: bigint;
    answerCaps?: boolean;
    dnsRecord?: 'adnl' | 'storage' | 'missing';
    dht?: boolean;
    /** Give the DHT entry nodes and ping (as DhtClient has), to see the warm-up. */
    dhtPing?: (node: { id: Uint8Array }) => Promise<void>;
    requestTimeoutMs?: number;
    onRequestLog?: (log: unknown) => void;
  } = {},
): World {
  const w = { dnsCalls: 0, dhtCalls: 0, capsCalls: 0, versions: [] as [string, number][] } as World;
  const me: AdnlPeer = {
    id: new Uint8Array(32).fill(1),
    publicKey: new Uint8Array(32).fill(2),
    address: { host: '0.0.0.0', port: 0 },
  };
  const sitePeer: AdnlPeer = {
    id: siteId,
    publicKey: siteKey.publicKey,
    address: { host: '127.0.0.1', port: 5555 },
  };
  const client = new MemoryRldp(me);
  const site = new MemoryRldp(sitePeer);
  client.other = site;
  site.other = client;
  w.site = site;
  const server = new HttpServer(site, handler);
  site.onQuery = (peer, data, ctx) => server.handleQuery(peer, data, ctx);

  const adnl = {
    onQuery: null,
    addPeer: (publicKey: Uint8Array, address: { host: string; port: number }) => ({
      ...sitePeer,
      publicKey,
      address,
    }),
    query: async (_peer: AdnlPeer, q: Uint8Array) => {
      w.capsCalls++;
      if (opts.answerCaps === false)
        throw Object.assign(new Error('ADNL query timed out'), { kind: 'timeout' });
      return answerCapabilitiesQuery(q, opts.siteCaps ?? 1n)!.answer;
    },
    close: () => {},
  } as unknown as AdnlNode;
  const rldp: GatewayRldp = Object.assign(client, {
    setPeerVersion: (id: Uint8Array, v: 1 | 2) => w.versions.push([Buffer.from(id).toString('hex'), v]),
    close: () => {},
  }) as unknown as GatewayRldp;
  const dns: DnsResolver = {
    resolve: async (name) => {
      w.dnsCalls++;
      await new Promise((r) => setTimeout(r, 5));
      if (opts.dnsRecord === 'missing' || name === 'nobody.ton') {
        throw new DnsNotRegisteredError(name, 'no_contract', new Address(0, Buffer.alloc(32)), 'no item');
      }
      const record =
        opts.dnsRecord === 'storage'
          ? { type: 'storage' as const, bagId: new Uint8Array(32).fill(0xba) }
          : { type: 'adnl' as const, adnl: siteId, protocols: null };
      return {
        name,
        category: 0n,
        answer: { kind: 'record', record },
        hops: [],
        sources: [],
        expiresAt: null,
        resolvedAt: 0,
        cached: false,
      } as DnsResolution;
    },
  };
  w.gateway = new Gateway({
    adnl,
    http: { requestTimeoutMs: opts.requestTimeoutMs },
    onRequestLog: opts.onRequestLog,
    rldp: () => rldp,
    dns,
    dht:
      opts.dht === false
        ? {
            resolveAddress: async () => {
              w.dhtCalls++;
              throw new Error('value not found');
            },
          }
        : {
            resolveAddress: async () => {
              w.dhtCalls++;
              return { publicKey: siteKey.publicKey, addresses: [{ host: '127.0.0.1', port: 5555 }] };
            },
            ...(opts.dhtPing && {
              config: {
                staticNodes: Array.from({ length: 9 }, (_, i) => ({
                  id: new Uint8Array(32).fill(i),
                })) as never[],
              },
              ping: opts.dhtPing,
            }),
          },
  });
  return w;
}

/** Records the order of capabilities queries (answered after `delayMs`) and RLDP queries with their version. */
async function traceQueries(w: World, delayMs: number): Promise<string[]> {
  const events: string[] = [];
  const stack = (w.gateway as unknown as { stack(): Promise<{ rldp: GatewayRldp; adnl: AdnlNode }> }).stack();
  const { rldp, adnl } = await stack;
  const query = rldp.query.bind(rldp);
  rldp.query = (peer, data, opts) => {
    events.push(`rldp v${opts.version ?? 'peer'}`);
    return query(peer, data, opts);
  };
  const caps = adnl.query.bind(adnl);
  adnl.query = async (...args: Parameters<AdnlNode['query']>) => {
    events.push('caps asked');
    await new Promise((done) => setTimeout(done, delayMs));
    events.push('caps answered');
    return caps(...args);
  };
  return events;
}

/** Makes the site's RLDP drop rldp2 transfers (RldpNode `versions: [1]`, an old rldp-http-proxy). */
async function dropRldp2(w: World): Promise<void> {
  const stack = (w.gateway as unknown as { stack(): Promise<{ rldp: GatewayRldp }> }).stack();
  const { rldp } = await stack;
  const query = rldp.query.bind(rldp);
  rldp.query = (peer, data, opts) => {
    const version = opts.version ?? w.versions.at(-1)?.[1] ?? 2;
    return version === 2 ? new Promise<Uint8Array>(() => {}) : query(peer, data, opts);
  };
}

const hello: HttpHandler = (req) => ({
  status: 200,
  headers: [
    ['Content-Type', 'text/plain'],
    ['X-Host', headerValue(req.headers, 'host') ?? ''],
  ],
  body: text('hello'),
});

describe('URLs', () => {
  it('knows TON hosts', () => {
    expect(isTonHost('alice.ton')).toBe(true);
    expect(isTonHost('gateway.t.me')).toBe(true);
    expect(isTonHost('x.adnl')).toBe(true);
    expect(isTonHost('ton')).toBe(false);
    expect(isTonHost('example.com')).toBe(false);
  });

  it('decodes .adnl hosts (TonLib.NET text form vector) and .bag hosts', () => {
    const { target } = parseTonUrl('http://viwmggpns7jabhwra7hile2fy6kkpwqfy7dn5go6yvjr3q6isixjwkf.adnl/');
    expect(target.kind).toBe('adnl');
    expect(Buffer.from((target as { adnlId: Uint8Array }).adnlId).toString('base64')).toBe(
      'UWYYz2y+kAT2iD50LJouPKU+0C4+NvTO9iqY7h5EkXQ=',
    );
    expect(parseTonUrl(`http://${'ab'.repeat(32)}.bag/index.html`).target.kind).toBe('bag');
    expect(parseTonUrl('http://Alice.TON:8080/x').target).toEqual({
      kind: 'dns',
      host: 'alice.ton',
      name: 'alice.ton',
    });
  });

  it('refuses what it cannot open with stage url', () => {
    for (const bad of [
      'https://alice.ton/',
      'http://example.com/',
      'http://abc.adnl/',
      'http://12.bag/',
      'nonsense',
    ]) {
      expect(() => parseTonUrl(bad)).toThrow(expect.objectContaining({ stage: 'url' }));
    }
  });
});

describe('Gateway', () => {
  it('fetches an .adnl site: DHT, handshake, request; then reuses the connection', async () => {
    const w = world(hello);
    const res = await w.gateway.fetch(`http://${siteHost}/`);
    expect(res.status).toBe(200);
    expect(headerValue(res.headers, 'x-host')).toBe(siteHost);
    expect(await new Response(res.body).text()).toBe('hello');
    const log = await res.done;
    expect(log.stages.map((s) => s.stage)).toEqual(['dht', 'handshake', 'request', 'body']);
    expect(log.rldpVersion).toBe(2);
    expect(log.bytes).toBe(5);
    expect(w.versions).toEqual([[Buffer.from(siteId).toString('hex'), 2]]);

    const again = await w.gateway.fetch(`http://${siteHost}/x`);
    await new Response(again.body).text();
    expect((await again.done).stages.map((s) => [s.stage, s.cached ?? false])).toEqual([
      ['connect', true],
      ['request', false],
      ['body', false],
    ]);
    expect([w.dhtCalls, w.capsCalls]).toEqual([1, 1]);
  });

  it('sends the request that opens a connection with the capabilities query, in RLDP2', async () => {
    const w = world(hello);
    const events = await traceQueries(w, 20); // the capabilities answer is a round trip away
    const res = await w.gateway.fetch(`http://${siteHost}/`);
    expect(await new Response(res.body).text()).toBe('hello');
    // The request went out before the capabilities answer; the body's parts after it, in the peer's version.
    expect(events.slice(0, 3)).toEqual(['caps asked', 'rldp v2', 'caps answered']);
    expect(events.slice(3).every((e) => e === 'rldp vpeer')).toBe(true);
    expect((await res.done).stages.map((s) => s.stage)).toEqual(['dht', 'handshake', 'request', 'body']);
    // A second request on the open connection uses the negotiated version.
    events.length = 0;
    await new Response((await w.gateway.fetch(`http://${siteHost}/x`)).body).text();
    expect(events[0]).toBe('rldp vpeer');
  });

  it('a site without RLDP2 that drops rldp2 (old C++ or v1-only): asked again in v1 at once', async () => {
    let served = 0;
    const w = world(
      (req) => {
        served++;
        return hello(req);
      },
      { siteCaps: 0n, requestTimeoutMs: 2000 },
    );
    await dropRldp2(w);
    const events = await traceQueries(w, 20);
    const res = await w.gateway.fetch(`http://${siteHost}/`);
    expect(await new Response(res.body).text()).toBe('hello');
    expect(events.slice(0, 4)).toEqual(['caps asked', 'rldp v2', 'caps answered', 'rldp vpeer']);
    expect(res.site.rldpVersion).toBe(1);
    expect(served).toBe(1);
    const log = await res.done;
    expect([log.bytes, log.error, log.stages.map((s) => s.stage)]).toEqual([
      5,
      undefined,
      ['dht', 'handshake', 'request', 'body'],
    ]);
  });

  it('a site answering capabilities 0 that takes rldp2 anyway (tonutils-go): the first head wins', async () => {
    let served = 0;
    const logs: unknown[] = [];
    const w = world(
      (req) => {
        served++;
        return { ...hello(req), body: text(`hello ${served}`) };
      },
      { siteCaps: 0n, onRequestLog: (l) => logs.push(l) },
    );
    w.site.delayMs = 5;
    const res = await w.gateway.fetch(`http://${siteHost}/`);
    // The early (RLDP2) request was answered first; the v1 one sent after the capabilities is cancelled.
    expect(await new Response(res.body).text()).toBe('hello 1');
    expect(served).toBeLessThanOrEqual(2); // the site may see the request twice: only safe methods go early
    const log = await res.done;
    expect([log.bytes, log.error]).toEqual([7, undefined]);
    await new Promise((r) => setTimeout(r, 30));
    expect(logs).toHaveLength(1);
  });

  it('unsafe methods without a body wait for the handshake too (they would not be sent twice)', async () => {
    const w = world(hello);
    const events = await traceQueries(w, 0);
    const res = await w.gateway.fetch(`http://${siteHost}/`, { method: 'DELETE' });
    await new Response(res.body).text();
    expect(events.slice(0, 3)).toEqual(['caps asked', 'caps answered', 'rldp vpeer']);
  });

  it('a request with a body waits for the handshake (nothing to replay if it fails)', async () => {
    const w = world(hello);
    const events = await traceQueries(w, 0);
    const res = await w.gateway.fetch(`http://${siteHost}/`, { method: 'POST', body: text('x') });
    await new Response(res.body).text();
    expect(events.slice(0, 2)).toEqual(['caps asked', 'caps answered']);
  });

  it('a failed handshake cancels the early request and fails at stage handshake', async () => {
    const w = world(hello, { answerCaps: false });
    const error = await w.gateway.fetch(`http://${siteHost}/`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).stage).toBe('handshake');
  });

  it('uses RLDP v1 with a site whose capabilities lack RLDP2', async () => {
    const w = world(hello, { siteCaps: 0n });
    const res = await w.gateway.fetch(`http://${siteHost}/`);
    expect(res.site.rldpVersion).toBe(1);
    expect(w.versions[0][1]).toBe(1);
  });

  it('resolves .ton names once for concurrent requests and caches them', async () => {
    const w = world(hello);
    const [a, b] = await Promise.all([
      w.gateway.fetch('http://alice.ton/'),
      w.gateway.fetch('http://alice.ton/b'),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(headerValue(a.headers, 'x-host')).toBe('alice.ton');
    const c = await w.gateway.fetch('http://alice.ton/c');
    expect(c.log.stages[0]).toMatchObject({ stage: 'dns', cached: true });
    expect(w.dnsCalls).toBe(1);
    expect(w.dhtCalls).toBe(1);
  });

  it('pings a few DHT entry nodes while the first .ton name resolves (not for .adnl, not twice)', async () => {
    const pinged: number[] = [];
    let dnsCallsAtPing = -1;
    const w: World = world(hello, {
      dhtPing: async (node) => {
        pinged.push(node.id[0]);
        dnsCallsAtPing = w.dnsCalls;
      },
    });
    await (
      await w.gateway.fetch(`http://${siteHost}/`)
    ).done;
    expect(pinged).toEqual([]); // an .adnl host starts its lookup at once
    const res = await w.gateway.fetch('http://alice.ton/');
    expect(res.status).toBe(200);
    expect(pinged).toEqual([0, 1, 2, 3, 4, 5]);
    expect(dnsCallsAtPing).toBe(1); // while the name was being resolved
    expect(res.log.stages.map((s) => s.stage)).toEqual(['dns', 'connect', 'request']);
    await (
      await w.gateway.fetch('http://bob.ton/')
    ).done;
    expect(pinged).toHaveLength(6);

    // A failing warm-up changes nothing.
    const failing = world(hello, { dhtPing: async () => Promise.reject(new Error('no pong')) });
    expect((await failing.gateway.fetch('http://alice.ton/')).status).toBe(200);
  });

  it('every failure names its stage', async () => {
    const cases: [World, string, string, string?][] = [
      [world(hello), 'http://nobody.ton/', 'dns', 'not_registered'],
      [world(hello, { dnsRecord: 'storage' }), 'http://static.ton/', 'storage', 'storage_not_supported'],
      [world(hello), `http://${'cd'.repeat(32)}.bag/`, 'storage'],
      [world(hello, { dht: false }), `http://${siteHost}/`, 'dht'],
      [world(hello, { answerCaps: false }), `http://${siteHost}/`, 'handshake'],
      [world(hello), 'https://alice.ton/', 'url'],
    ];
    for (const [w, url, stage, code] of cases) {
      const error = await w.gateway.fetch(url).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).stage, url).toBe(stage);
      if (code) expect((error as GatewayError).code).toBe(code);
    }
  });

  it('a failed stage is in the log with its duration and reason', async () => {
    const logs: { stages: { stage: string; failed?: boolean; detail?: string }[] }[] = [];
    const w = world(hello, { onRequestLog: (l) => logs.push(l as (typeof logs)[0]) });
    await w.gateway.fetch('http://nobody.ton/').catch(() => {});
    expect(logs[0].stages).toMatchObject([{ stage: 'dns', failed: true }]);
    expect(logs[0].stages[0].detail).toContain('not registered');
  });

  it('a site that never answers the request fails at stage rldp-timeout, and the log says so', async () => {
    const logs: unknown[] = [];
    const w = world(() => new Promise(() => {}), { requestTimeoutMs: 50, onRequestLog: (l) => logs.push(l) });
    const error = await w.gateway.fetch(`http://${siteHost}/`).catch((e: unknown) => e);
    expect(error).toMatchObject({ stage: 'rldp-timeout' });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ done: true, error: { stage: 'rldp-timeout' } });
    const stages = (logs[0] as { stages: { stage: string; failed?: boolean }[] }).stages;
    expect(stages.map((s) => [s.stage, s.failed ?? false])).toEqual([
      ['dht', false],
      ['handshake', false],
      ['request', true],
    ]);
  });

  it('--peer: a forced peer skips DNS and the DHT', async () => {
    const w = world(hello);
    const res = await w.gateway.fetch('http://whatever.ton/', {
      peer: { publicKey: siteKey.publicKey, address: { host: '127.0.0.1', port: 5555 } },
    });
    expect(res.status).toBe(200);
    expect([w.dnsCalls, w.dhtCalls]).toEqual([0, 0]);
    const wrong = await w.gateway
      .fetch(`http://${siteHost}/`, {
        peer: { publicKey: new Uint8Array(32).fill(9), address: { host: '1.2.3.4', port: 1 } },
      })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ stage: 'url' });
  });
});

describe('Gateway aborts', () => {
  it('an aborted request fails at stage aborted, before or during resolution', async () => {
    const w = world(hello);
    const before = new AbortController();
    before.abort();
    await expect(w.gateway.fetch('http://alice.ton/', { signal: before.signal })).rejects.toMatchObject({
      stage: 'aborted',
    });
    const during = new AbortController();
    const p = w.gateway.fetch('http://alice.ton/', { signal: during.signal });
    during.abort();
    await expect(p).rejects.toMatchObject({ stage: 'aborted' });
  });
});
