/**
 * Proxy framing against a hostile site (issue 15 item 3): whatever a site's http.response says, `tonsite proxy`
 * sends what HTTP/1.1 framing demands. A site speaking raw RLDP (its own http.response bytes, not our HttpServer,
 * which would never send these) answers: no_payload with `Content-Length: 5`, status 101, a reason phrase with
 * CR LF, a header value with CR LF. On one keep-alive connection every answer must stand alone; 1xx and header
 * injection get a 502 naming the stage; an injected reason never reaches the client's header block.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import {
  HTTP_REQUEST_ID,
  decodeHttpRequest,
  encodeHttpResponse,
  type HttpResponseHead,
} from '../../src/net/http/index.ts';
import { startSiteServer, type SiteServer } from '../../src/devnet/sites/index.ts';
import { createNodeGateway, type NodeGateway } from '../../src/node/proxy/node-gateway.ts';
import { startTonProxy, type TonProxy } from '../../src/node/proxy/server.ts';

const ANSWERS: Record<string, Omit<HttpResponseHead, 'httpVersion'>> = {
  '/length-without-payload': {
    status: 200,
    reason: 'OK',
    headers: [['Content-Length', '5']],
    noPayload: true,
  },
  '/switch': { status: 101, reason: 'Switching Protocols', headers: [['Upgrade', 'x']], noPayload: true },
  '/reason': { status: 200, reason: 'OK\r\nX-Injected: reason', headers: [], noPayload: true },
  '/header': { status: 200, reason: 'OK', headers: [['X-A', 'a\r\nX-Injected: header']], noPayload: true },
};

let site: SiteServer;
let node: NodeGateway;
let proxy: TonProxy;

beforeAll(async () => {
  site = await startSiteServer({
    name: 'hostile',
    keyPair: generateKeyPair(),
    rldpVersion: 2,
    handler: () => ({ status: 500 }),
  });
  // Raw http.response bytes instead of our HttpServer's checked ones (its http.request route taken away first).
  site.rldpNode.queryRoutes.unregister({ tlId: HTTP_REQUEST_ID });
  site.rldpNode.onQuery = async (_peer, data) => {
    const request = decodeHttpRequest(data);
    const answer = ANSWERS[new URL(request.url).pathname];
    return encodeHttpResponse({ httpVersion: 'HTTP/1.1', ...answer });
  };
  node = await createNodeGateway({
    gateway: { peers: [{ publicKey: site.publicKey, address: site.address }] },
  });
  proxy = await startTonProxy({ gateway: node.gateway, port: 0 });
});

afterAll(async () => {
  await proxy?.close();
  await node?.close();
  site?.close();
});

/** Sends the requests pipelined on one connection and returns everything the proxy wrote until it went quiet. */
function onOneConnection(paths: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1');
    let text = '';
    let quiet: ReturnType<typeof setTimeout> | undefined;
    const settle = (): void => {
      clearTimeout(quiet);
      quiet = setTimeout(() => (socket.destroy(), resolve(text)), 1500);
    };
    socket.on('data', (d) => ((text += d.toString('latin1')), settle()));
    socket.on('error', reject);
    socket.on('close', () => (clearTimeout(quiet), resolve(text)));
    const host = `${site.adnl}.adnl`;
    socket.write(paths.map((p) => `GET http://${host}${p} HTTP/1.1\r\nHost: ${host}\r\n\r\n`).join(''));
    settle();
  });
}

/** Splits a stream of responses without bodies (or with Content-Length bodies) into heads. */
function heads(text: string): { status: number; lines: string[] }[] {
  const out: { status: number; lines: string[] }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const lines = rest.slice(0, end).split('\r\n');
    const length = Number(/^content-length: *(\d+)$/im.exec(lines.join('\n'))?.[1] ?? 0);
    out.push({ status: Number(lines[0].split(' ')[1]), lines });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

describe('tonsite proxy framing against a hostile site', () => {
  it('sends Content-Length: 0 for a no_payload answer, so the next answer on the connection is not swallowed', async () => {
    const got = heads(await onOneConnection(['/length-without-payload', '/length-without-payload']));
    expect(got.map((h) => h.status)).toEqual([200, 200]);
    for (const h of got) {
      expect(h.lines.filter((l) => /^content-length:/i.test(l))).toEqual(['Content-Length: 0']);
    }
  });

  it('answers a 1xx and a header with CR LF by 502 with the stage, and keeps serving the connection', async () => {
    const got = heads(await onOneConnection(['/switch', '/header', '/length-without-payload']));
    expect(got.map((h) => h.status)).toEqual([502, 502, 200]);
    expect(got[0].lines).toContain('X-Tonsite-Error-Stage: http');
    expect(got[1].lines).toContain('X-Tonsite-Error-Stage: http');
    expect(got.flatMap((h) => h.lines).some((l) => /^x-injected/i.test(l))).toBe(false);
  });

  it('replaces a reason phrase with CR LF by the standard one; nothing injected reaches the head', async () => {
    const [h] = heads(await onOneConnection(['/reason']));
    expect(h.lines[0]).toBe('HTTP/1.1 200 OK');
    expect(h.lines.some((l) => /^x-injected/i.test(l))).toBe(false);
  });
});
