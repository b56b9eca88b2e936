/**
 * servePaused (src/background/serve.ts) over a scripted gateway: what goes to the site (method, headers, body,
 * Range window) and what Fetch.fulfillRequest gets back (status, every Set-Cookie, exact Content-Length, the
 * error page of each stage, bounded bodies). The same path runs against real Chromium and the devnet in
 * tests/e2e/gateway.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64 } from '../../../src/background/base64.ts';
import { MAX_BODY_BYTES, RANGE_WINDOW_BYTES } from '../../../src/background/body.ts';
import { servePaused, type PausedRequest, type ServeContext } from '../../../src/background/serve.ts';
import { GatewayError, type GatewayFetchInit, type GatewayResponse } from '../../../src/net/gateway/index.ts';
import type { HeaderList } from '../../../src/net/http/index.ts';

interface Sent {
  method: string;
  params: Record<string, unknown>;
}

function paused(
  url: string,
  extra: Partial<PausedRequest['request']> = {},
  resourceType = 'Document',
): PausedRequest {
  return {
    requestId: 'interception-1',
    request: { url, method: 'GET', headers: { Accept: '*/*' }, ...extra },
    frameId: 'frame',
    resourceType,
  };
}

function stream(chunks: Uint8Array[]): ReadableStream<Uint8Array> & { cancelled: boolean } {
  let i = 0;
  const s = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]);
      else controller.close();
    },
    cancel() {
      (s as { cancelled: boolean }).cancelled = true;
    },
  }) as ReadableStream<Uint8Array> & { cancelled: boolean };
  s.cancelled = false;
  return s;
}

function response(
  status: number,
  headers: HeaderList,
  body: ReadableStream<Uint8Array> | null,
): GatewayResponse {
  return { status, statusText: 'OK', headers, body, httpVersion: 'HTTP/1.1' } as unknown as GatewayResponse;
}

function harness(answer: (url: string, init: GatewayFetchInit) => Promise<GatewayResponse>) {
  const sent: Sent[] = [];
  const asked: { url: string; init: GatewayFetchInit }[] = [];
  const ctx: ServeContext = {
    fetch: (url, init) => {
      asked.push({ url, init });
      return answer(url, init);
    },
    send: async (method, params) => {
      sent.push({ method, params });
      return {};
    },
  };
  return { ctx, sent, asked };
}

const text = (s: string) => new TextEncoder().encode(s);
const fulfilled = (sent: Sent[]) => {
  expect(sent).toHaveLength(1);
  expect(sent[0].method).toBe('Fetch.fulfillRequest');
  const p = sent[0].params as {
    responseCode: number;
    responseHeaders: { name: string; value: string }[];
    body?: string;
  };
  return {
    status: p.responseCode,
    headers: p.responseHeaders.map((h): [string, string] => [h.name, h.value]),
    body: p.body === undefined ? null : base64ToBytes(p.body, 1 << 26),
  };
};

describe('servePaused', () => {
  it('forwards method, headers and body, and fulfils with the status and every Set-Cookie', async () => {
    const { ctx, sent, asked } = harness(async () =>
      response(
        200,
        [
          ['Content-Type', 'text/html'],
          ['Set-Cookie', 'a=1; Path=/'],
          ['Set-Cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
          ['Content-Length', '999'],
          ['Transfer-Encoding', 'chunked'],
          ['Connection', 'keep-alive'],
        ],
        stream([text('<p>'), text('hi</p>')]),
      ),
    );
    const result = await servePaused(
      paused('http://alice.ton/submit', {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: 'c=3',
          'Accept-Encoding': 'br',
        },
        postDataEntries: [
          { bytes: bytesToBase64(text('message=')) },
          { bytes: bytesToBase64(text('h%C3%A9')) },
        ],
      }),
      ctx,
    );
    expect(asked[0].url).toBe('http://alice.ton/submit');
    expect(asked[0].init.method).toBe('POST');
    expect(new TextDecoder().decode(asked[0].init.body as Uint8Array)).toBe('message=h%C3%A9');
    expect(asked[0].init.headers).toEqual([
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Cookie', 'c=3'],
      ['Accept-Encoding', 'gzip, deflate'],
    ]);
    const f = fulfilled(sent);
    expect(f.status).toBe(200);
    expect(f.headers).toEqual([
      ['Content-Type', 'text/html'],
      ['Set-Cookie', 'a=1; Path=/'],
      ['Set-Cookie', 'b=2; Expires=Wed, 21 Oct 2037 07:28:00 GMT'],
      ['Content-Length', '9'],
    ]);
    expect(new TextDecoder().decode(f.body!)).toBe('<p>hi</p>');
    expect(result).toMatchObject({ status: 200, bytes: 9, failure: null, continued: false });
  });

  it('takes a postData string when Chromium gives no entries', async () => {
    const { ctx, asked } = harness(async () => response(204, [], null));
    await servePaused(paused('http://alice.ton/x', { method: 'PUT', postData: 'ünï' }), ctx);
    expect([...(asked[0].init.body as Uint8Array)]).toEqual([...text('ünï')]);
  });

  it('never sends a request whose body the browser left out', async () => {
    const { ctx, sent, asked } = harness(async () => response(200, [], null));
    const r = await servePaused(
      paused('http://alice.ton/upload', { method: 'POST', hasPostData: true }),
      ctx,
    );
    expect(asked).toHaveLength(0);
    expect(r.failure?.message).toMatch(/did not hand over the request body/);
    expect(fulfilled(sent).status).toBe(500);
  });

  it('keeps the Content-Length of a response without payload (HEAD, 304)', async () => {
    const { ctx, sent } = harness(async () =>
      response(
        304,
        [
          ['Content-Length', '1234'],
          ['ETag', '"x"'],
        ],
        null,
      ),
    );
    await servePaused(paused('http://alice.ton/style.css', {}, 'Stylesheet'), ctx);
    const f = fulfilled(sent);
    expect(f).toEqual({
      status: 304,
      headers: [
        ['Content-Length', '1234'],
        ['ETag', '"x"'],
      ],
      body: null,
    });
  });

  it('lets requests to other hosts through (Fetch patterns are globs over the whole URL)', async () => {
    const { ctx, sent, asked } = harness(async () => {
      throw new Error('must not be fetched');
    });
    const result = await servePaused(paused('http://evil.com/?x=.ton/'), ctx);
    expect(result.continued).toBe(true);
    expect(asked).toHaveLength(0);
    expect(sent).toEqual([{ method: 'Fetch.continueRequest', params: { requestId: 'interception-1' } }]);
    const tme = harness(async () => response(200, [], null));
    await servePaused(paused('http://gateway.t.me/'), { ...tme.ctx, serves: (h) => h.endsWith('.ton') });
    expect(tme.sent[0].method).toBe('Fetch.continueRequest');
  });

  it('asks the site for a bounded window of an open-ended range and passes its 206 on', async () => {
    const { ctx, sent, asked } = harness(async () =>
      response(
        206,
        [['Content-Range', 'bytes 1000-4195303/20971520']],
        stream([new Uint8Array(RANGE_WINDOW_BYTES)]),
      ),
    );
    await servePaused(
      paused('http://alice.ton/video.mp4', { headers: { Range: 'bytes=1000-' } }, 'Media'),
      ctx,
    );
    expect(asked[0].init.headers).toContainEqual(['Range', `bytes=1000-${1000 + RANGE_WINDOW_BYTES - 1}`]);
    expect(asked[0].init.headers!.filter(([n]) => n.toLowerCase() === 'range')).toHaveLength(1);
    const f = fulfilled(sent);
    expect(f.status).toBe(206);
    expect(f.headers).toContainEqual(['Content-Range', 'bytes 1000-4195303/20971520']);
    expect(f.body!.length).toBe(RANGE_WINDOW_BYTES);
  });

  it('cuts the window itself from a site that ignores Range, and stops reading there', async () => {
    const whole = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    const chunks = Array.from({ length: 10 }, (_, i) => whole.subarray(i * 1000, i * 1000 + 1000));
    const body = stream(chunks);
    const { ctx, sent } = harness(async () => response(200, [['Content-Length', '10000']], body));
    await servePaused(paused('http://alice.ton/a.bin', { headers: { range: 'bytes=2500-3499' } }), ctx);
    const f = fulfilled(sent);
    expect(f.status).toBe(206);
    expect(f.headers).toEqual([
      ['Content-Range', 'bytes 2500-3499/10000'],
      ['Content-Length', '1000'],
    ]);
    expect([...f.body!]).toEqual([...whole.subarray(2500, 3500)]);
    expect(body.cancelled).toBe(true);

    const beyond = harness(async () => response(200, [], stream([whole])));
    await servePaused(paused('http://alice.ton/a.bin', { headers: { Range: 'bytes=20000-' } }), beyond.ctx);
    const g = fulfilled(beyond.sent);
    expect(g.status).toBe(416);
    expect(g.headers).toContainEqual(['Content-Range', 'bytes */10000']);
  });

  it('refuses a body larger than it holds: declared up front, or found while reading', async () => {
    const declared = stream([new Uint8Array(10)]);
    const a = harness(async () => response(200, [['Content-Length', String(MAX_BODY_BYTES + 1)]], declared));
    const r = await servePaused(paused('http://alice.ton/huge.iso'), a.ctx);
    expect(r.failure?.stage).toBe('too-large');
    expect(declared.cancelled).toBe(true);
    const f = fulfilled(a.sent);
    expect(f.status).toBe(502);
    expect(f.headers).toContainEqual(['X-Tonsite-Error', 'too-large']);
    expect(new TextDecoder().decode(f.body!)).toContain('File too large for the built-in gateway');

    const chunk = new Uint8Array(4 * 1024 * 1024);
    const undeclared = stream(Array.from({ length: MAX_BODY_BYTES / chunk.length + 3 }, () => chunk));
    const b = harness(async () => response(200, [], undeclared));
    expect((await servePaused(paused('http://alice.ton/stream', {}, 'XHR'), b.ctx)).failure?.stage).toBe(
      'too-large',
    );
    expect(undeclared.cancelled).toBe(true);
    expect(fulfilled(b.sent).headers).toContainEqual(['Content-Type', 'text/plain; charset=utf-8']);
  });

  it('serves the error page of the stage that failed, as HTML for documents and text otherwise', async () => {
    const fail = () =>
      harness(async () => {
        throw new GatewayError('dns', 'nobody.ton', 'nobody.ton is not registered', {
          code: 'not_registered',
        });
      });
    const doc = fail();
    const r = await servePaused(paused('http://nobody.ton/'), doc.ctx);
    expect(r.failure).toMatchObject({ stage: 'dns', code: 'not_registered', host: 'nobody.ton' });
    const f = fulfilled(doc.sent);
    expect(f.status).toBe(404);
    const html = new TextDecoder().decode(f.body!);
    expect(html).toContain('data-tonsite-error="dns"');
    expect(html).toContain('nobody.ton is not registered');
    expect(html).toContain('id="retry"');
    const img = fail();
    await servePaused(paused('http://nobody.ton/a.png', {}, 'Image'), img.ctx);
    expect(new TextDecoder().decode(fulfilled(img.sent).body!)).toMatch(
      /^nobody\.ton is not registered \[dns/,
    );

    const timeout = harness(async () => {
      throw new GatewayError('rldp-timeout', 'alice.ton', 'alice.ton did not answer <in time>');
    });
    await servePaused(paused('http://alice.ton/'), timeout.ctx);
    const t = fulfilled(timeout.sent);
    expect(t.status).toBe(504);
    expect(new TextDecoder().decode(t.body!)).toContain('did not answer &#60;in time&#62;'); // escaped
  });

  it('undoes gzip content coding', async () => {
    const page = text('<h1>compressed</h1>'.repeat(50));
    const { ctx, sent } = harness(async () =>
      response(
        200,
        [
          ['Content-Encoding', 'gzip'],
          ['Content-Type', 'text/html'],
        ],
        stream([gzipSync(page)]),
      ),
    );
    await servePaused(paused('http://alice.ton/'), ctx);
    const f = fulfilled(sent);
    expect(f.headers).toEqual([
      ['Content-Type', 'text/html'],
      ['Content-Length', String(page.length)],
    ]);
    expect([...f.body!]).toEqual([...page]);
  });
});

describe('servePaused: downloads', () => {
  it('a download goes to ctx.download unread and the tab gets a 204; without a sink it is the too-large page', async () => {
    const big = String(MAX_BODY_BYTES + 1);
    const answer = async () =>
      response(
        200,
        [
          ['Content-Type', 'application/zip'],
          ['Content-Length', big],
        ],
        stream([text('zip')]),
      );
    const { ctx, sent } = harness(answer);
    const got: { url: string; body: ReadableStream<Uint8Array>; headers: unknown }[] = [];
    ctx.download = async (d) => void got.push({ url: d.url, body: d.body, headers: d.requestHeaders });
    const result = await servePaused(paused('http://alice.ton/a.zip'), ctx);
    expect(result).toMatchObject({ status: 204, download: true });
    expect(fulfilled(sent).status).toBe(204);
    expect(got).toHaveLength(1);
    expect(got[0].url).toBe('http://alice.ton/a.zip');
    expect(new TextDecoder().decode((await got[0].body.getReader().read()).value)).toBe('zip');

    const plain = harness(answer);
    expect((await servePaused(paused('http://alice.ton/a.zip'), plain.ctx)).failure?.stage).toBe('too-large');
  });

  it('a navigation of undeclared length that passes the limit goes to disk whole; a fetch of it is refused', async () => {
    const chunk = new Uint8Array(8 * 1024 * 1024).fill(7);
    const chunks = () => stream(Array.from({ length: 5 }, () => chunk));
    const { ctx, sent } = harness(async () => response(200, [['Content-Type', 'text/plain']], chunks()));
    let saved = 0;
    ctx.download = async (d) => {
      const reader = d.body.getReader();
      for (let r = await reader.read(); !r.done; r = await reader.read()) saved += r.value.length;
    };
    expect(await servePaused(paused('http://alice.ton/log.txt'), ctx)).toMatchObject({ status: 204 });
    expect(saved).toBe(5 * chunk.length);
    expect(fulfilled(sent).status).toBe(204);

    const script = harness(async () => response(200, [['Content-Type', 'text/plain']], chunks()));
    script.ctx.download = ctx.download;
    const r = await servePaused(paused('http://alice.ton/log.txt', {}, 'Fetch'), script.ctx);
    expect(r.failure?.stage).toBe('too-large');
  });
});
