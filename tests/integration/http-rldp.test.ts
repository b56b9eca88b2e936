/**
 * HTTP over RLDP over ADNL-UDP on loopback, both ends our own code (HttpClient ↔ HttpServer on RldpNodes),
 * without the devnet: concurrency, backpressure across the real transport, request bodies in RLDP v1 and v2,
 * cancellation, and the 20 MiB demo file under 10% and 30% injected datagram loss.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { bigFileBytes } from '../../src/devnet/sites/index.ts';
import { AdnlNode, type AdnlPeer } from '../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { headerValue, HttpClient, HttpServer, type HttpHandler } from '../../src/net/http/index.ts';
import { RldpNode } from '../../src/net/rldp/index.ts';
import { FaultySocket, type DatagramSocket } from '../../src/net/transport/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const closers: (() => void)[] = [];

afterEach(() => {
  for (const c of closers.splice(0)) c();
});

async function pair(
  handler: HttpHandler,
  opts: { version?: 1 | 2; chunk?: number; loss?: number; idleMs?: number } = {},
): Promise<{ http: HttpClient; peer: AdnlPeer; server: HttpServer; faults: FaultySocket | null }> {
  const serverUdp = await openUdpSocket({ host: '127.0.0.1' });
  const address = { host: '127.0.0.1', port: serverUdp.address().port };
  const serverKey = generateKeyPair();
  const serverAdnl = new AdnlNode({ socket: serverUdp, keyPair: serverKey, addresses: [address] });
  const serverRldp = new RldpNode(serverAdnl, { defaultVersion: opts.version ?? 2 });
  const server = new HttpServer(serverRldp, handler, { idleMs: opts.idleMs });
  serverRldp.onQuery = (peer, data, ctx) =>
    server.handleQuery(peer, data, ctx) ?? Promise.reject(new Error('?'));

  let clientSocket: DatagramSocket = await openUdpSocket({ host: '127.0.0.1' });
  let faults: FaultySocket | null = null;
  if (opts.loss)
    clientSocket = faults = new FaultySocket(clientSocket, { loss: opts.loss, direction: 'both' });
  const clientAdnl = new AdnlNode({ socket: clientSocket, keyPair: generateKeyPair() });
  const clientRldp = new RldpNode(clientAdnl, { defaultVersion: opts.version ?? 2 });
  const http = new HttpClient(clientRldp, { chunkSize: opts.chunk });
  clientRldp.onQuery = (peer, data, ctx) =>
    http.handleQuery(peer, data, ctx) ?? Promise.reject(new Error('?'));
  const peer = clientAdnl.addPeer(serverKey.publicKey, address);
  closers.push(() => {
    http.close();
    clientRldp.close();
    clientAdnl.close();
    server.close();
    serverRldp.close();
    serverAdnl.close();
  });
  return { http, peer, server, faults };
}

async function readAll(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  return new Uint8Array(await new Response(body).arrayBuffer());
}

describe('HTTP over RLDP over UDP', () => {
  it('serves many concurrent requests correctly', async () => {
    const bodyOf = (n: number) => new Uint8Array(n * 977).map((_, i) => (i ^ n) & 0xff);
    const { http, peer } = await pair((req) => {
      const n = Number(req.path.slice(1));
      return { status: 200, headers: [['X-N', String(n)]], body: bodyOf(n) };
    });
    const results = await Promise.all(
      Array.from({ length: 24 }, async (_, n) => {
        const res = await http.request(peer, { url: `http://site.adnl/${n}` });
        return { n, header: headerValue(res.headers, 'x-n'), body: await readAll(res.body) };
      }),
    );
    for (const r of results) {
      expect(r.header).toBe(String(r.n));
      expect(sha(r.body)).toBe(sha(bodyOf(r.n)));
    }
  });

  it('keeps backpressure across the transport: the site is read only a few chunks ahead of the reader', async () => {
    const chunk = 64 * 1024;
    const total = 40 * chunk;
    let produced = 0;
    let consumed = 0;
    let maxAhead = 0;
    const { http, peer } = await pair(
      () => ({
        status: 200,
        headers: [['Content-Length', String(total)]],
        body: new ReadableStream<Uint8Array>(
          {
            pull(c) {
              const n = Math.min(16 * 1024, total - produced);
              c.enqueue(new Uint8Array(n).fill(produced & 0xff));
              produced += n;
              maxAhead = Math.max(maxAhead, produced - consumed);
              if (produced === total) c.close();
            },
          },
          { highWaterMark: 0 },
        ),
      }),
      { chunk },
    );
    const res = await http.request(peer, { url: 'http://site.adnl/slow' });
    const reader = res.body!.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      consumed += r.value.length;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(consumed).toBe(total);
    // The part being read, one part fetched ahead, and one being prepared by the site.
    expect(maxAhead).toBeLessThanOrEqual(3 * chunk + 16 * 1024);
  });

  it.each([1, 2] as const)('uploads a request body the site pulls (RLDP v%i)', async (version) => {
    const upload = new Uint8Array(3_000_000).map((_, i) => (i * 13) & 0xff);
    const { http, peer } = await pair(
      async (req) => {
        const got = await readAll(req.body);
        return { status: 201, headers: [['X-Sha', sha(got)]], body: null };
      },
      { version },
    );
    const res = await http.request(peer, { url: 'http://site.adnl/up', method: 'PUT', body: upload });
    expect(res.status).toBe(201);
    expect(headerValue(res.headers, 'x-sha')).toBe(sha(upload));
    expect(http.bodies.size).toBe(0);
  });

  it('a cancelled body stops pulling; the site drops it after its idle time', async () => {
    const { http, peer, server } = await pair(() => ({ status: 200, body: new Uint8Array(4_000_000) }), {
      chunk: 100_000,
      idleMs: 300,
    });
    const res = await http.request(peer, { url: 'http://site.adnl/big' });
    const reader = res.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(server.stats.active).toBe(1);
    await new Promise((r) => setTimeout(r, 600));
    expect(server.stats.active).toBe(0);
  });

  it.each([0.1, 0.3])('the 20 MiB file arrives intact with %s datagram loss', async (loss) => {
    const file = bigFileBytes();
    const { http, peer, faults } = await pair(() => ({ status: 200, body: file }), { loss });
    const res = await http.request(peer, { url: 'http://site.adnl/big.bin' });
    const got = await readAll(res.body);
    expect(got.length).toBe(file.length);
    expect(sha(got)).toBe(sha(file));
    expect(faults!.stats.lost).toBeGreaterThan(0);
  });
});
