/**
 * The devnet sites' file handler (src/devnet/sites/static-site.ts): byte ranges (RFC 9110 §14), conditional
 * requests and the demo routes, called directly with HttpServerRequest-shaped objects.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_COOKIES, demoSiteHandler, serveFile, siteFile } from '../../../src/devnet/sites/index.ts';
import { headerValue, headerValues, type HttpServerRequest } from '../../../src/net/http/index.ts';
import { peerOf } from './memory-rldp.ts';
import { parseByteRange } from '../../../src/net/storage/index.ts';

function request(path: string, init: Partial<HttpServerRequest> = {}): HttpServerRequest {
  return {
    id: new Uint8Array(32),
    peer: peerOf(1),
    method: 'GET',
    url: `http://alice.ton${path}`,
    path,
    httpVersion: 'HTTP/1.1',
    headers: [],
    body: null,
    signal: new AbortController().signal,
    ...init,
  };
}

describe('parseByteRange (storage serve.ts; the devnet sites use it too)', () => {
  it.each([
    ['bytes=0-9', { start: 0, end: 9 }],
    ['bytes=90-', { start: 90, end: 99 }],
    ['bytes=-10', { start: 90, end: 99 }],
    ['bytes=-500', { start: 0, end: 99 }],
    ['bytes=95-200', { start: 95, end: 99 }],
    ['bytes=100-', 'unsatisfiable'],
    ['bytes=-0', 'unsatisfiable'],
    ['bytes=5-3', null],
    ['bytes=0-1,5-6', null],
    ['items=0-1', null],
    ['bytes=-', null],
  ] as const)('%s of 100 bytes', (header, expected) => {
    expect(parseByteRange(header, 100)).toEqual(expected);
  });
});

describe('serveFile', () => {
  const file = siteFile(
    '/a.txt',
    new Uint8Array(100).map((_, i) => i),
  );

  it('answers 206 with Content-Range and the slice', () => {
    const r = serveFile(file, [['Range', 'bytes=10-19']]);
    expect(r.status).toBe(206);
    expect(headerValue(r.headers!, 'content-range')).toBe('bytes 10-19/100');
    expect(r.body).toEqual(new Uint8Array(10).map((_, i) => 10 + i));
  });

  it('answers 304 for a matching If-None-Match and ignores Range with a stale If-Range', () => {
    expect(serveFile(file, [['If-None-Match', file.etag]]).status).toBe(304);
    expect(serveFile(file, [['If-None-Match', `"x", ${file.etag}`]]).status).toBe(304);
    const r = serveFile(file, [
      ['Range', 'bytes=0-1'],
      ['If-Range', '"old"'],
    ]);
    expect(r.status).toBe(200);
  });

  it('answers 416 past the end', () => {
    const r = serveFile(file, [['Range', 'bytes=500-']]);
    expect([r.status, headerValue(r.headers!, 'content-range')]).toEqual([416, 'bytes */100']);
  });
});

describe('alice demo routes', () => {
  const handler = demoSiteHandler('alice');

  it('sets several cookies, redirects, 404s and refuses POST on files', async () => {
    const cookies = await handler(request('/cookies'));
    expect(headerValues(cookies.headers!, 'set-cookie')).toEqual(DEMO_COOKIES);
    const old = await handler(request('/old'));
    expect([old.status, headerValue(old.headers!, 'location')]).toEqual([302, '/about.html']);
    expect((await handler(request('/missing'))).status).toBe(404);
    expect((await handler(request('/index.html', { method: 'POST' }))).status).toBe(405);
    const index = await handler(request('/'));
    expect(headerValue(index.headers!, 'content-type')).toBe('text/html; charset=utf-8');
  });

  it('echoes the form message, escaped', async () => {
    const body = new Response('message=%3Cb%3Ehi%3C%2Fb%3E').body as ReadableStream<Uint8Array>;
    const r = await handler(request('/submit', { method: 'POST', body }));
    expect(new TextDecoder().decode(r.body as Uint8Array)).toContain('&#60;b&#62;hi&#60;/b&#62;');
  });
});
