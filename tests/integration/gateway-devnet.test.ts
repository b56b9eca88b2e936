/**
 * The gateway end to end over the devnet: DNS through the liteservers, site addresses from the devnet DHT,
 * ADNL-UDP and RLDP to the demo sites, over direct UDP and through the bridge's /udp relay, with an RLDP v2
 * site (alice.ton) and an RLDP v1-only one (the same content by its .adnl name). Every demo resource must be
 * byte-identical (sha256) to the file served; POST bodies, several Set-Cookie headers, redirects and Range
 * requests must come through as the site sent them; failures carry their stage. Last, a site that drops the
 * queries and custom messages of a new peer's first packet (tonutils-go's first-contact race, reproduced with
 * AdnlNode's dropFirstContactQueries) costs a cold fetch no retransmission timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIG_FILE_PATH, DEMO_COOKIES, bigFileBytes } from '../../src/devnet/sites/index.ts';
import { AdnlNode } from '../../src/net/adnl/index.ts';
import { adnlIdToText, generateKeyPair } from '../../src/net/crypto/index.ts';
import { Gateway } from '../../src/net/gateway/index.ts';
import {
  answerCapabilitiesQuery,
  capabilitiesOf,
  headerValue,
  headerValues,
  HttpError,
  HttpServer,
} from '../../src/net/http/index.ts';
import { RldpNode } from '../../src/net/rldp/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';
import { createNodeGateway, type NodeGateway } from '../../src/node/proxy/node-gateway.ts';
import { readBody, sha256Hex, startSiteDevnet, type SiteDevnet } from './helpers/site-devnet.ts';

let net: SiteDevnet;
const clients: Record<'direct' | 'relay', NodeGateway> = {} as never;

beforeAll(async () => {
  net = await startSiteDevnet();
  clients.direct = await createNodeGateway({ configFile: net.configPath });
  clients.relay = await createNodeGateway({ configFile: net.configPath, bridge: net.bridge });
});

afterAll(async () => {
  await clients.direct?.close();
  await clients.relay?.close();
  await net?.stop();
});

const hosts = (): Record<'v2' | 'v1', string> => ({ v2: 'alice.ton', v1: `${net.aliceV1.adnl}.adnl` });

describe.each(['direct', 'relay'] as const)('over %s UDP', (via) => {
  const gw = (): Gateway => clients[via].gateway;

  describe.each(['v2', 'v1'] as const)('RLDP %s site', (version) => {
    it('serves every small demo resource byte-identical, with its type', async () => {
      const host = hosts()[version];
      for (const [path, file] of net.aliceFiles) {
        if (path === BIG_FILE_PATH) continue;
        const res = await gw().fetch(`http://${host}${path}`);
        expect(res.status, path).toBe(200);
        expect(headerValue(res.headers, 'content-type'), path).toBe(file.type);
        expect(sha256Hex(await readBody(res.body)), path).toBe(file.sha256);
        expect(res.site.rldpVersion).toBe(version === 'v2' ? 2 : 1);
      }
      const root = await gw().fetch(`http://${host}/`);
      expect(sha256Hex(await readBody(root.body))).toBe(net.aliceFiles.get('/index.html')!.sha256);
      const stats = await gw().rldpStats(root.site.adnlId);
      expect(stats?.version).toBe(version === 'v2' ? 2 : 1);
    });

    it('serves the 20 MiB file byte-identical', async () => {
      const res = await gw().fetch(`http://${hosts()[version]}${BIG_FILE_PATH}`);
      expect(headerValue(res.headers, 'content-length')).toBe(String(bigFileBytes().length));
      const got = await readBody(res.body);
      expect(got.length).toBe(bigFileBytes().length);
      expect(sha256Hex(got)).toBe(net.aliceFiles.get(BIG_FILE_PATH)!.sha256);
      expect((await res.done).error).toBeUndefined();
    });

    it('round-trips a POST body (pulled by the site from us)', async () => {
      const body = new Uint8Array(300_000).map((_, i) => (i * 31 + 7) & 0xff);
      const res = await gw().fetch(`http://${hosts()[version]}/echo`, {
        method: 'POST',
        headers: [['Content-Type', 'application/x-test']],
        body,
      });
      expect(res.status).toBe(200);
      expect(headerValue(res.headers, 'x-body-sha256')).toBe(sha256Hex(body));
      expect(headerValue(res.headers, 'content-type')).toBe('application/x-test');
      expect(sha256Hex(await readBody(res.body))).toBe(sha256Hex(body));
    });
  });

  it('keeps several Set-Cookie headers intact', async () => {
    const res = await gw().fetch('http://alice.ton/cookies');
    expect(headerValues(res.headers, 'set-cookie')).toEqual(DEMO_COOKIES);
    await readBody(res.body);
  });

  it('passes redirects through untouched', async () => {
    const res = await gw().fetch('http://alice.ton/old');
    expect([res.status, res.statusText, headerValue(res.headers, 'location')]).toEqual([
      302,
      'Found',
      '/about.html',
    ]);
    expect(res.body).toBeNull();
    const cross = await gw().fetch('http://alice.ton/docs');
    expect([cross.status, headerValue(cross.headers, 'location')]).toEqual([301, 'http://docs.alice.ton/']);
  });

  it('answers Range requests with the right bytes (206), and 416 past the end', async () => {
    const big = bigFileBytes();
    const res = await gw().fetch(`http://alice.ton${BIG_FILE_PATH}`, {
      headers: [['Range', 'bytes=1000000-1065535']],
    });
    expect(res.status).toBe(206);
    expect(headerValue(res.headers, 'content-range')).toBe(`bytes 1000000-1065535/${big.length}`);
    expect(await readBody(res.body)).toEqual(big.subarray(1_000_000, 1_065_536));
    const tail = await gw().fetch(`http://alice.ton${BIG_FILE_PATH}`, { headers: [['Range', 'bytes=-100']] });
    expect(await readBody(tail.body)).toEqual(big.subarray(big.length - 100));
    const past = await gw().fetch(`http://alice.ton${BIG_FILE_PATH}`, {
      headers: [['Range', `bytes=${big.length}-`]],
    });
    expect(past.status).toBe(416);
  });

  it('HEAD and 304 have no body but the right headers', async () => {
    const head = await gw().fetch('http://alice.ton/logo.png', { method: 'HEAD' });
    expect(head.body).toBeNull();
    const file = net.aliceFiles.get('/logo.png')!;
    expect(headerValue(head.headers, 'content-length')).toBe(String(file.size));
    const etag = headerValue(head.headers, 'etag')!;
    const again = await gw().fetch('http://alice.ton/logo.png', { headers: [['If-None-Match', etag]] });
    expect([again.status, again.body]).toEqual([304, null]);
  });

  it('serves the second site (RLDP v1) by its .ton and .t.me names', async () => {
    for (const host of ['docs.alice.ton', 'gateway.t.me']) {
      const res = await gw().fetch(`http://${host}/`);
      expect(res.status).toBe(200);
      expect(new TextDecoder().decode(await readBody(res.body))).toContain("Alice's docs");
      expect(res.site.rldpVersion).toBe(1);
    }
  });
});

describe('failures name their stage', () => {
  it.each([
    ['http://nobody.ton/', 'dns', 'not_registered'],
    ['http://oldsite.ton/', 'dns', 'expired'],
    ['http://wallet-only.ton/', 'dns', 'no_record'],
    ['http://static.ton/', 'storage', 'no_peers'], // this devnet has no storage seeders
    ['http://blog.docs.alice.ton/', 'dht', undefined],
    ['http://example.com/', 'url', undefined],
  ])('%s → %s', async (url, stage, code) => {
    const error = await clients.direct.gateway.fetch(url).catch((e: unknown) => e);
    expect(error).toMatchObject({ stage });
    if (code) expect(error).toMatchObject({ code });
  });

  it('logs the stages of each request with durations', async () => {
    const res = await clients.direct.gateway.fetch('http://alice.ton/about.html');
    await readBody(res.body);
    const log = await res.done;
    expect(log.stages.map((s) => s.stage)).toEqual(['dns', 'connect', 'request', 'body']);
    expect(log.stages.every((s) => s.ms >= 0)).toBe(true);
    expect(log.status).toBe(200);
  });
});

describe("a site that drops the queries of a new peer's first packet (tonutils-go first-contact race)", () => {
  async function racySite() {
    const socket = await openUdpSocket({ host: '127.0.0.1' });
    const address = { host: '127.0.0.1', port: socket.address().port };
    const keyPair = generateKeyPair();
    let dropped = 0;
    const adnl = new AdnlNode({
      socket,
      keyPair,
      addresses: [address],
      dropFirstContactQueries: () => ++dropped > 0, // every new peer loses its first packet's queries
    });
    const rldp = new RldpNode(adnl);
    const http = new HttpServer(rldp, () => ({
      status: 200,
      headers: [['Content-Type', 'text/plain']],
      body: new TextEncoder().encode('first contact'),
    }));
    rldp.onQuery = (peer, data, ctx) =>
      http.handleQuery(peer, data, ctx) ?? Promise.reject(new HttpError('protocol', 'not HTTP'));
    adnl.onQuery = async (_peer, query) =>
      answerCapabilitiesQuery(query, capabilitiesOf(true))?.answer ?? null;
    return {
      peer: { publicKey: keyPair.publicKey, address },
      host: `${adnlIdToText(adnl.id)}.adnl`,
      adnl,
      close() {
        http.close();
        rldp.close();
        adnl.close();
      },
    };
  }

  it("a cold .adnl fetch resends the capabilities query on the site's first packet, not after a timeout", async () => {
    const site = await racySite();
    // Resends by timer would come only after the caller's 1.5 s (initial RTO far above it): any resend that
    // happens is the first-packet trigger's.
    const client = new AdnlNode({
      socket: await openUdpSocket({ host: '127.0.0.1' }),
      keyPair: generateKeyPair(),
      limits: { initialRtoMs: 60_000 },
    });
    const gateway = new Gateway({ adnl: client, peers: [site.peer], dht: null });
    try {
      const res = await gateway.fetch(`http://${site.host}/`);
      expect(res.status).toBe(200);
      expect(new TextDecoder().decode(await readBody(res.body))).toBe('first contact');
      expect(res.site.rldpVersion).toBe(2);
      expect(site.adnl.stats.dropped['first-contact']).toBe(1);
      expect([client.stats.queryResends, client.stats.firstContactResends]).toEqual([0, 1]);
    } finally {
      await gateway.close();
      client.close();
      site.close();
    }
  });
});
