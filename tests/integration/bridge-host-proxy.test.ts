/**
 * Two `tonsite bridge` processes behind Debian's nginx, configured by deploy/nginx-tonsite-bridge.conf itself
 * (ports, addresses and certificate paths substituted): nginx ends TLS (a self-signed certificate made here), the
 * bridges listen on loopback. One client (the lite pool, as the extension builds it, over wss:// to nginx) loses
 * the bridge that holds its stream mid-session (SIGKILL: the worst case, no drain) and its next request is
 * answered through the other bridge. A second client's datagrams cross nginx too.
 *
 * nginx comes from scripts/setup.sh (apt); this test installs nothing and is skipped, saying so, without it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { LitePool } from '../../src/net/lite/index.ts';
import {
  bridgeTcpUrl,
  bridgeUdpUrl,
  connectWebSocketStream,
  openRelaySocket,
  type RelaySocket,
} from '../../src/net/transport/index.ts';
import {
  httpGetText,
  metricValue,
  selfSignedCertificate,
  startCliBridge,
  trustingWebSocket,
  waitUntil,
  type CliBridge,
} from './helpers/bridge-host.ts';
import { unusedPort } from './helpers/tcp-echo.ts';

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
if (!NGINX) {
  console.warn(
    'bridge-host-proxy: skipped — nginx is not installed (scripts/setup.sh installs Debian nginx: apt-get install nginx)',
  );
}

let devnet: Devnet;
let dir: string;
let nginx: ChildProcess | null = null;
let proxyUrl: string;
let ca: string;
const bridges: CliBridge[] = [];
const pools: LitePool[] = [];
const relays: RelaySocket[] = [];
const sockets: Socket[] = [];

/** deploy/nginx-tonsite-bridge.conf with this test's addresses; every substitution must have matched. */
function siteConfig(port: number, upstreams: number[], certFile: string, keyFile: string): string {
  let text = readFileSync('deploy/nginx-tonsite-bridge.conf', 'utf8');
  const swap = (from: string | RegExp, to: string) => {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`deploy/nginx-tonsite-bridge.conf: '${String(from)}' not found`);
    text = next;
  };
  swap('listen 443 ssl;', `listen 127.0.0.1:${port} ssl;`);
  swap(/\n\s*listen \[::\]:443 ssl;/, '');
  swap('server 127.0.0.1:8081', `server 127.0.0.1:${upstreams[0]}`);
  swap('server 127.0.0.1:8082', `server 127.0.0.1:${upstreams[1]}`);
  swap(/ssl_certificate\s+\S+;/, `ssl_certificate ${certFile};`);
  swap(/ssl_certificate_key\s+\S+;/, `ssl_certificate_key ${keyFile};`);
  return text;
}

async function startNginx(site: string): Promise<void> {
  writeFileSync(join(dir, 'tonsite-bridge.conf'), site);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((t) => `  ${t}_temp_path ${join(dir, `${t}-temp`)};`)
    .join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      'daemon off;',
      'worker_processes 1;',
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'events { worker_connections 256; }',
      'http {',
      '  access_log off;',
      temp,
      `  include ${join(dir, 'tonsite-bridge.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const child = spawn(NGINX!, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  child.once('exit', (code) => {
    if (nginx === child) nginx = null;
    if (code) console.error(`nginx exited ${code}: ${err}`);
  });
  nginx = child;
  await waitUntil(async () => {
    if (!nginx) throw new Error(`nginx did not start: ${err}`);
    return httpGetText(`${proxyUrl.replace(/^wss/, 'https')}/healthz`, ca).then(
      (r) => r.status === 200,
      () => false,
    );
  });
}

beforeAll(async () => {
  if (!NGINX) return;
  dir = mkdtempSync(join(tmpdir(), 'tonsite-bridge-proxy-'));
  // nginx's workers (user nobody when started as root) need to traverse it.
  chmodSync(dir, 0o755);
  const cert = selfSignedCertificate(dir);
  ca = cert.pem;
  devnet = await startDevnet({ bridge: false, liteservers: 2, blockIntervalMs: 0 });
  for (let i = 0; i < 2; i++) {
    bridges.push(
      await startCliBridge([
        '--network',
        devnet.configPath,
        '--listen',
        '127.0.0.1:0',
        '--devnet',
        '--trust-proxy',
        '127.0.0.1',
      ]),
    );
  }
  const port = await unusedPort();
  proxyUrl = `wss://127.0.0.1:${port}`;
  const upstreams = bridges.map((b) => Number(new URL(b.info.bridge).port));
  await startNginx(siteConfig(port, upstreams, cert.certFile, cert.keyFile));
}, 60_000);

afterAll(async () => {
  for (const p of pools) p.close();
  for (const r of relays) r.close();
  for (const s of sockets) s.close();
  if (nginx) {
    const child = nginx;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGQUIT');
    await exited;
  }
  for (const b of bridges) {
    b.child.kill('SIGKILL');
    await b.exited;
  }
  await devnet?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Open streams of each bridge by route, from its own /healthz (the bridges' port, not through nginx). */
async function streamsOf(b: CliBridge): Promise<number> {
  const r = await httpGetText(`${b.info.status}/healthz`).catch(() => null);
  return r ? (JSON.parse(r.body) as { streams: number }).streams : -1;
}

describe.skipIf(!NGINX)('two bridges behind Debian nginx (deploy/nginx-tonsite-bridge.conf)', () => {
  it('serve one client that loses one of them mid-session without failing its next request', async () => {
    // The client connects to nginx from 127.0.0.2; nginx connects to the bridges from 127.0.0.1.
    const Trusting = trustingWebSocket(ca, '127.0.0.2');
    // The pool the extension builds (src/background/stack.ts): liteservers named by key, default retry policy.
    const pool = LitePool.fromConfig(
      devnet.globalConfig,
      (s) => () =>
        connectWebSocketStream(bridgeTcpUrl(proxyUrl, { key: s.publicKey }), {
          WebSocket: Trusting,
          connectTimeoutMs: 5_000,
        }),
      { healthCheckIntervalMs: 0, queryTimeoutMs: 5_000, connectTimeoutMs: 5_000, maxAttempts: 2 },
    );
    pools.push(pool);
    const first = await pool.getMasterchainInfo();
    expect(first.last.seqno).toBe(devnet.chain.last.id.seqno);

    // Exactly one bridge holds the client's stream; it goes away without a word.
    await waitUntil(async () => (await Promise.all(bridges.map(streamsOf))).reduce((a, b) => a + b) === 1);
    const counts = await Promise.all(bridges.map(streamsOf));
    const victim = bridges[counts.indexOf(1)];
    const survivor = bridges[counts.indexOf(0)];
    victim.child.kill('SIGKILL');
    await victim.exited;

    devnet.seal();
    const next = await pool.getMasterchainInfo();
    expect(next.last.seqno).toBe(devnet.chain.last.id.seqno);
    for (let i = 0; i < 3; i++) {
      expect((await pool.getMasterchainInfo()).last.seqno).toBe(devnet.chain.last.id.seqno);
    }
    expect(await streamsOf(survivor)).toBe(1);

    // Behind nginx with --trust-proxy 127.0.0.1, the survivor counts and logs the client's own address (from
    // X-Forwarded-For), not nginx's; no log line carries payload or the liteserver key the client asked for.
    const opens = survivor.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.event === 'stream-open');
    expect(opens.length).toBeGreaterThan(0);
    for (const e of opens) expect(e.client).toBe('127.0.0.2');
    for (const line of survivor.logs) {
      for (const s of pool.servers) expect(line).not.toContain(Buffer.from(s.publicKey).toString('base64'));
    }

    // Datagrams cross nginx as well (the /udp relay through the surviving bridge).
    const echo = createSocket('udp4');
    sockets.push(echo);
    echo.on('message', (data, rinfo) => echo.send(data, rinfo.port, rinfo.address));
    await new Promise<void>((r) => echo.bind(0, '127.0.0.1', () => r()));
    const relay = await openRelaySocket(bridgeUdpUrl(proxyUrl), { WebSocket: Trusting });
    relays.push(relay);
    let back = 0;
    relay.onMessage = () => back++;
    for (let i = 0; i < 3; i++) relay.send(new Uint8Array([i]), '127.0.0.1', echo.address().port);
    await waitUntil(() => back === 3);
    const metrics = (await httpGetText(`${survivor.info.status}/metrics`)).body;
    expect(metricValue(metrics, 'tonsite_bridge_datagrams_total{direction="in"}')).toBe(3);
    // The balancer does not show /metrics to the public.
    expect((await httpGetText(`${proxyUrl.replace(/^wss/, 'https')}/metrics`, ca)).status).toBe(404);
  });
});
