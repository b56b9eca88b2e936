/**
 * HttpClient ↔ HttpServer over an in-memory RLDP double: heads, streamed bodies with backpressure, request bodies
 * pulled by the server, HTTP semantics (Set-Cookie, redirects, HEAD/204/304, length checks) and misbehaving peers.
 */
import { describe, expect, it } from 'vitest';
import {
  ChunkReader,
  encodeGetNextPayloadPart,
  encodeHttpResponse,
  encodePayloadPart,
  headerValue,
  headerValues,
  HttpClient,
  HttpError,
  HttpServer,
  type HttpHandler,
} from '../../../src/net/http/index.ts';
import { sha256 } from '../../../src/net/crypto/index.ts';
import { memoryPair, peerOf } from './memory-rldp.ts';

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!stream) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  for await (const p of stream as unknown as AsyncIterable<Uint8Array>) parts.push(p);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function setup(handler: HttpHandler, opts: { chunk?: number } = {}) {
  const { client, server } = memoryPair();
  const http = new HttpClient(client, { chunkSize: opts.chunk ?? 1000 });
  const site = new HttpServer(server, handler);
  client.onQuery = (peer, data, ctx) => http.handleQuery(peer, data, ctx);
  server.onQuery = (peer, data, ctx) => site.handleQuery(peer, data, ctx);
  return { http, site, client, server, sitePeer: server.self };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('HTTP over an RLDP double', () => {
  it('GET: head, several Set-Cookie kept, body bytes and Content-Length', async () => {
    const page = text('<h1>hello</h1>'.repeat(200));
    const { http, sitePeer } = setup((req) => ({
      status: 200,
      headers: [
        ['Content-Type', 'text/html'],
        ['Set-Cookie', 'a=1; Path=/'],
        ['Set-Cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly'],
        ['X-Host', headerValue(req.headers, 'host') ?? ''],
        ['X-Path', req.path],
      ],
      body: page,
    }));
    const res = await http.request(sitePeer, { url: 'http://alice.ton/index.html?x=1' });
    expect(res.status).toBe(200);
    expect(res.reason).toBe('OK');
    expect(headerValues(res.headers, 'set-cookie')).toEqual([
      'a=1; Path=/',
      'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly',
    ]);
    expect(headerValue(res.headers, 'x-host')).toBe('alice.ton');
    expect(headerValue(res.headers, 'x-path')).toBe('/index.html?x=1');
    expect(headerValue(res.headers, 'content-length')).toBe(String(page.length));
    expect(await readAll(res.body)).toEqual(page);
  });

  it('streams a large body with backpressure: the server is never read far ahead', async () => {
    const total = 50_000;
    let produced = 0;
    let maxAhead = 0;
    let consumed = 0;
    const { http, sitePeer } = setup(() => ({
      status: 200,
      headers: [['Content-Length', String(total)]],
      body: new ReadableStream<Uint8Array>({
        pull(c) {
          const n = Math.min(500, total - produced);
          c.enqueue(new Uint8Array(n).fill(produced % 251));
          produced += n;
          maxAhead = Math.max(maxAhead, produced - consumed);
          if (produced === total) c.close();
        },
      }),
    }));
    const res = await http.request(sitePeer, { url: 'http://alice.ton/big' });
    const reader = res.body!.getReader();
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      consumed += r.value.length;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(consumed).toBe(total);
    // One part in the reader's hands, one read ahead, plus the server's one-chunk stream buffer.
    expect(maxAhead).toBeLessThanOrEqual(3 * 1000 + 500);
  });

  it('POST: the server pulls the request body from the client and echoes it', async () => {
    const body = new Uint8Array(12_345).map((_, i) => (i * 7) % 256);
    const { http, sitePeer, client } = setup(async (req) => {
      const got = new Uint8Array(await new Response(req.body).arrayBuffer());
      return { status: 200, headers: [['X-Sha256', Buffer.from(sha256(got)).toString('hex')]], body: got };
    });
    const res = await http.request(sitePeer, { url: 'http://alice.ton/echo', method: 'POST', body });
    expect(headerValue(res.headers, 'x-sha256')).toBe(Buffer.from(sha256(body)).toString('hex'));
    expect(await readAll(res.body)).toEqual(body);
    expect(client.queries).toBeGreaterThan(1);
    expect(http.bodies.size).toBe(0);
  });

  it('POST of a stream of unknown length goes as Transfer-Encoding: chunked', async () => {
    let seen: string | null = null;
    const { http, sitePeer } = setup(async (req) => {
      seen = headerValue(req.headers, 'transfer-encoding');
      return { status: 200, body: new Uint8Array(await new Response(req.body).arrayBuffer()) };
    });
    const chunks = [text('one,'), text('two,'), text('three')];
    async function* gen() {
      for (const c of chunks) yield c;
    }
    const res = await http.request(sitePeer, { url: 'http://alice.ton/echo', method: 'PUT', body: gen() });
    expect(seen).toBe('chunked');
    expect(new TextDecoder().decode(await readAll(res.body))).toBe('one,two,three');
  });

  it('redirects are passed through untouched', async () => {
    const { http, sitePeer } = setup(() => ({ status: 302, headers: [['Location', '/new.html']] }));
    const res = await http.request(sitePeer, { url: 'http://alice.ton/old' });
    expect(res.status).toBe(302);
    expect(res.reason).toBe('Found');
    expect(headerValue(res.headers, 'location')).toBe('/new.html');
    expect(res.body).toBeNull();
  });

  it('HEAD, 204 and 304 have no payload; HEAD keeps Content-Length', async () => {
    const { http, sitePeer } = setup((req) =>
      req.path === '/nc'
        ? { status: 204 }
        : req.path === '/nm'
          ? { status: 304, headers: [['ETag', '"x"']] }
          : { status: 200, headers: [['Content-Length', '1000']], body: new Uint8Array(1000) },
    );
    const head = await http.request(sitePeer, { url: 'http://a.ton/', method: 'HEAD' });
    expect(head.noPayload).toBe(true);
    expect(head.body).toBeNull();
    expect(headerValue(head.headers, 'content-length')).toBe('1000');
    expect((await http.request(sitePeer, { url: 'http://a.ton/nc' })).body).toBeNull();
    const nm = await http.request(sitePeer, { url: 'http://a.ton/nm' });
    expect(nm.status).toBe(304);
    expect(nm.body).toBeNull();
  });

  it('a handler that throws gives 500; a bad request head gives 400', async () => {
    const { http, sitePeer } = setup(() => {
      throw new Error('boom');
    });
    expect((await http.request(sitePeer, { url: 'http://a.ton/' })).status).toBe(500);
    const res = await http.request(sitePeer, { url: 'http://a.ton/', httpVersion: 'HTTP/2' });
    expect(res.status).toBe(400);
  });

  it('a body shorter than its Content-Length is an error, not a silent truncation', async () => {
    const { client, server } = memoryPair();
    const http = new HttpClient(client, { chunkSize: 1000 });
    server.onQuery = async (_peer, data) => {
      if (data[0] === 0xe1) {
        return encodeHttpResponse({
          httpVersion: 'HTTP/1.1',
          status: 200,
          reason: 'OK',
          headers: [['Content-Length', '10']],
          noPayload: false,
        });
      }
      return encodePayloadPart({ data: new Uint8Array(4), trailer: [], last: true });
    };
    const res = await http.request(server.self, { url: 'http://a.ton/' });
    await expect(readAll(res.body)).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('a payload part larger than asked for is refused', async () => {
    const { client, server } = memoryPair();
    const http = new HttpClient(client, { chunkSize: 100 });
    server.onQuery = async (_peer, data) =>
      data[0] === 0xe1
        ? encodeHttpResponse({
            httpVersion: 'HTTP/1.1',
            status: 200,
            reason: 'OK',
            headers: [],
            noPayload: false,
          })
        : encodePayloadPart({ data: new Uint8Array(150), trailer: [], last: true });
    const res = await http.request(server.self, { url: 'http://a.ton/' });
    await expect(readAll(res.body)).rejects.toMatchObject({ kind: 'protocol' });
  });

  it('an unanswered request times out as HttpError timeout', async () => {
    const { client, server } = memoryPair();
    const http = new HttpClient(client, { requestTimeoutMs: 50 });
    server.onQuery = () => null;
    await expect(http.request(server.self, { url: 'http://a.ton/' })).rejects.toMatchObject({
      kind: 'timeout',
    });
  });

  it('abort cancels the request', async () => {
    const { http, sitePeer } = setup(() => new Promise(() => {}));
    const ac = new AbortController();
    const p = http.request(sitePeer, {
      url: 'http://a.ton/',
      signal: ac.signal,
      method: 'POST',
      body: text('x'),
    });
    setTimeout(() => ac.abort(), 10);
    await expect(p).rejects.toMatchObject({ kind: 'aborted' });
    expect(http.bodies.size).toBe(0);
  });

  it('the server refuses pulls from another peer, with a wrong seqno, or of unknown ids', async () => {
    const site = new HttpServer({ query: async () => new Uint8Array(0) }, () => ({
      status: 200,
      body: text('hello'),
    }));
    const me = peerOf(1);
    const ctx = { maxAnswerSize: 1 << 20, deadline: Date.now() + 1000, version: 2 as const };
    const id = new Uint8Array(32).fill(5);
    const { encodeHttpRequest, decodeHttpResponse, decodePayloadPart } =
      await import('../../../src/net/http/index.ts');
    const head = decodeHttpResponse(
      await site.handleQuery(
        me,
        encodeHttpRequest({ id, method: 'GET', url: 'http://a.ton/', httpVersion: 'HTTP/1.1', headers: [] }),
        ctx,
      )!,
    );
    expect(head.noPayload).toBe(false);
    const pull = (seqno: number, from = me, pid = id) =>
      site.handleQuery(from, encodeGetNextPayloadPart({ id: pid, seqno, maxChunkSize: 1000 }), ctx)!;
    await expect(pull(0, peerOf(9))).rejects.toBeInstanceOf(HttpError);
    await expect(pull(0, me, new Uint8Array(32))).rejects.toBeInstanceOf(HttpError);
    const part = decodePayloadPart(await pull(0));
    expect(new TextDecoder().decode(part.data)).toBe('hello');
    expect(part.last).toBe(true);
    await expect(pull(1)).rejects.toBeInstanceOf(HttpError); // finished: forgotten
    expect(site.stats.active).toBe(0);
  });

  it('the server waits for the handler when a pull arrives before the response', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const site = new HttpServer({ query: async () => new Uint8Array(0) }, async () => {
      await gate;
      return { status: 200, body: text('late') };
    });
    const { encodeHttpRequest, decodePayloadPart } = await import('../../../src/net/http/index.ts');
    const me = peerOf(1);
    const ctx = { maxAnswerSize: 1 << 20, deadline: Date.now() + 1000, version: 2 as const };
    const id = new Uint8Array(32).fill(6);
    const head = site.handleQuery(
      me,
      encodeHttpRequest({ id, method: 'GET', url: '/', httpVersion: 'HTTP/1.1', headers: [] }),
      ctx,
    )!;
    const early = site.handleQuery(me, encodeGetNextPayloadPart({ id, seqno: 0, maxChunkSize: 100 }), ctx)!;
    release();
    await head;
    expect(new TextDecoder().decode(decodePayloadPart(await early).data)).toBe('late');
  });
});

describe('ChunkReader', () => {
  it('cuts bytes into parts and marks the last', async () => {
    const r = new ChunkReader(new Uint8Array(250), {});
    expect((await r.read(100)).data.length).toBe(100);
    expect((await r.read(100)).last).toBe(false);
    const last = await r.read(100);
    expect([last.data.length, last.last]).toEqual([50, true]);
  });

  it('knows the end of a stream from its expected length without waiting for EOF', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(60));
        c.enqueue(new Uint8Array(40));
        // never closed
      },
    });
    const r = new ChunkReader(stream, { expectedLength: 100 });
    const part = await r.read(1000);
    expect([part.data.length, part.last]).toEqual([100, true]);
  });

  it('a stream longer than its expected length is an error', async () => {
    const r = new ChunkReader(new Response(new Uint8Array(120)).body!, { expectedLength: 100 });
    await expect(r.read(1000)).rejects.toMatchObject({ kind: 'protocol' });
  });
});
