/**
 * The dynamic parts of the demo site alice.ton: a redirect, several cookies, a form POST and a raw echo. They are
 * what users of other TON proxies were bitten by (several Set-Cookie headers merged, redirects followed or
 * rewritten, POST bodies lost).
 */
import { createHash } from 'node:crypto';
import { concatBytes } from '../../net/bytes.ts';
import { headerValue, type HttpServerRequest, type HttpServerResponse } from '../../net/http/index.ts';
import { text, type Routes } from './static-site.ts';

/** What GET /cookies sets: three cookies, one with an Expires date (a comma inside a header value). */
export const DEMO_COOKIES = [
  'session=abc123; Path=/; HttpOnly',
  'theme=dark; Path=/; Max-Age=3600',
  'visited=yes; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT',
];

const MAX_ECHO = 32 * 1024 * 1024;

async function readBody(request: HttpServerRequest): Promise<Uint8Array> {
  if (!request.body) return new Uint8Array(0);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const part of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += part.length;
    if (size > MAX_ECHO) throw new Error('body too large');
    parts.push(part);
  }
  return concatBytes(parts);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function html(body: string, status = 200): HttpServerResponse {
  return { status, headers: [['Content-Type', 'text/html; charset=utf-8']], body: text(body) };
}

export function aliceRoutes(secondSite: string): Routes {
  return {
    '/old': () => ({ status: 302, headers: [['Location', '/about.html']] }),
    '/docs': () => ({ status: 301, headers: [['Location', `http://${secondSite}/`]] }),
    '/cookies': () => ({
      status: 200,
      headers: [
        ['Content-Type', 'text/html; charset=utf-8'],
        ...DEMO_COOKIES.map((c): [string, string] => ['Set-Cookie', c]),
      ],
      body: text(
        '<!doctype html><title>Cookies</title><p id="cookies-set">Three cookies set. <a href="/">Home</a></p>\n',
      ),
    }),
    '/nothing': () => ({ status: 204 }),
    '/echo': async (request) => {
      if (request.method !== 'POST' && request.method !== 'PUT')
        return { status: 405, headers: [['Allow', 'POST, PUT']] };
      const body = await readBody(request);
      return {
        status: 200,
        headers: [
          ['Content-Type', headerValue(request.headers, 'content-type') ?? 'application/octet-stream'],
          ['X-Body-Sha256', createHash('sha256').update(body).digest('hex')],
          ['X-Body-Length', String(body.length)],
          ['X-Method', request.method],
        ],
        body,
      };
    },
    '/submit': async (request) => {
      if (request.method !== 'POST') return { status: 405, headers: [['Allow', 'POST']] };
      const form = new URLSearchParams(new TextDecoder().decode(await readBody(request)));
      const message = form.get('message') ?? '';
      return html(
        `<!doctype html><html><head><meta charset="utf-8"><title>Sent</title><link rel="stylesheet" href="/style.css"></head>` +
          `<body><h1>Message received</h1><p>You sent: <output id="echo">${escapeHtml(message)}</output></p>` +
          `<p><a href="/">Home</a></p></body></html>\n`,
      );
    },
  };
}
