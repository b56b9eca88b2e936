/**
 * `tonsite bridge` hosted for other people (issue 16 item 2), as a child process on loopback in front of a devnet:
 * - wss:// with a self-signed certificate (made here by openssl, never committed) carries a lite query and
 *   relayed datagrams, and takes a renewed certificate on SIGHUP;
 * - `/healthz` and `/metrics` answer, and their counters move with that traffic; a refusal and a rate-limit drop
 *   are counted by reason;
 * - SIGTERM drains: the listener closes at once, a query in flight still gets its answer, what is still open after
 *   --drain is closed with 1001, the status port says 503 meanwhile, and the process exits 0; its logs are JSON.
 */
import { createSocket, type Socket } from 'node:dgram';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { LitePool } from '../../src/net/lite/index.ts';
import {
  bridgeTcpUrl,
  bridgeUdpUrl,
  connectWebSocketStream,
  openRelaySocket,
  type RelaySocket,
} from '../../src/net/transport/index.ts';
import { startBridge, type BridgeLogFields, type BridgeServer } from '../../src/node/bridge/index.ts';
import { udpRelayRoute } from '../../src/node/bridge/udp-relay.ts';
import {
  httpGetText,
  metricValue,
  selfSignedCertificate,
  startCliBridge,
  trustingWebSocket,
  waitUntil,
  type CliBridge,
  type TestCertificate,
} from './helpers/bridge-host.ts';

let devnet: Devnet;
let dir: string;
let cert: TestCertificate;
let configPath: string;
const children: CliBridge[] = [];
const pools: LitePool[] = [];
const relays: RelaySocket[] = [];
const sockets: Socket[] = [];
const bridges: BridgeServer[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tonsite-bridge-host-'));
  cert = selfSignedCertificate(dir);
  devnet = await startDevnet({ bridge: false, blockIntervalMs: 0 });
  configPath = devnet.configPath;
});

afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  for (const r of relays.splice(0)) r.close();
  for (const s of sockets.splice(0)) s.close();
  await Promise.all(bridges.splice(0).map((b) => b.close()));
  for (const c of children.splice(0)) {
    c.child.kill('SIGKILL');
    await c.exited;
  }
});

afterAll(async () => {
  await devnet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function cliBridge(args: string[]): Promise<CliBridge> {
  const b = await startCliBridge(['--network', configPath, '--listen', '127.0.0.1:0', '--devnet', ...args]);
  children.push(b);
  return b;
}

function litePool(bridgeUrl: string, ws: typeof WebSocket = WebSocket): LitePool {
  const pool = LitePool.fromConfig(
    devnet.globalConfig,
    (s) => () => connectWebSocketStream(bridgeTcpUrl(bridgeUrl, { server: s.index }), { WebSocket: ws }),
    { healthCheckIntervalMs: 0, queryTimeoutMs: 5_000 },
  );
  pools.push(pool);
  return pool;
}

/** A UDP listener on 127.0.0.1 answering every datagram with `echo:` + the datagram. */
async function udpEcho(): Promise<number> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  socket.on('message', (data, rinfo) =>
    socket.send(Buffer.concat([Buffer.from('echo:'), data]), rinfo.port, rinfo.address),
  );
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return socket.address().port;
}

async function relay(bridgeUrl: string, ws: typeof WebSocket): Promise<RelaySocket> {
  const socket = await openRelaySocket(bridgeUdpUrl(bridgeUrl), { WebSocket: ws });
  relays.push(socket);
  return socket;
}

describe('a bridge for public hosting', () => {
  it('serves wss:// with a self-signed certificate: a lite query and relayed datagrams; /healthz and /metrics move with them', async () => {
    const b = await cliBridge(['--tls-cert', cert.certFile, '--tls-key', cert.keyFile]);
    expect(b.info.bridge).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const status = b.info.status;
    expect(status).toBe(b.info.bridge.replace(/^wss/, 'https'));
    const Trusting = trustingWebSocket(cert.pem);

    // Without the certificate trusted, no stream (the client refuses the handshake, nothing falls back to ws://).
    await expect(
      connectWebSocketStream(bridgeTcpUrl(b.info.bridge, { server: 0 }), {
        WebSocket,
        connectTimeoutMs: 3000,
      }),
    ).rejects.toThrow();

    const before = await httpGetText(`${status}/metrics`, cert.pem);
    expect(before.status).toBe(200);
    expect(metricValue(before.body, 'tonsite_bridge_up')).toBe(1);
    expect(metricValue(before.body, 'tonsite_bridge_liteservers')).toBe(1);
    // Every route's and every refusal reason's series exist from the start, at 0.
    expect(before.body).toContain('tonsite_bridge_streams_total{route="/tcp"} 0\n');
    expect(before.body).toContain('tonsite_bridge_streams_total{route="/udp"} 0\n');
    expect(before.body).toContain('tonsite_bridge_refusals_total{reason="origin"} 0\n');

    const pool = litePool(b.info.bridge, Trusting);
    const info = await pool.getMasterchainInfo();
    expect(info.last.seqno).toBe(devnet.chain.last.id.seqno);

    const port = await udpEcho();
    const udp = await relay(b.info.bridge, Trusting);
    const answers: string[] = [];
    udp.onMessage = (data, host, from) => {
      expect([host, from]).toEqual(['127.0.0.1', port]);
      answers.push(Buffer.from(data).toString());
    };
    for (let i = 0; i < 5; i++) udp.send(Buffer.from(`d${i}`), '127.0.0.1', port);
    await waitUntil(() => answers.length === 5);
    expect(answers.sort()).toEqual(['echo:d0', 'echo:d1', 'echo:d2', 'echo:d3', 'echo:d4']);

    // A destination the network's config does not list: refused, and counted by reason.
    const refusedClose = await new Promise<number>((resolve) => {
      const ws = new Trusting(bridgeTcpUrl(b.info.bridge, { server: 7 }));
      ws.on('error', () => {});
      ws.on('close', (code) => resolve(code));
    });
    expect(refusedClose).toBe(4403);

    const health = await httpGetText(`${status}/healthz`, cert.pem);
    expect(health.status).toBe(200);
    const h = JSON.parse(health.body) as Record<string, unknown>;
    expect(h).toMatchObject({ status: 'ok', liteservers: 1, streams: 2 });
    expect(h.streamsByRoute).toEqual({ '/tcp': 1, '/udp': 1 });
    expect(h.uptimeSeconds).toBeGreaterThanOrEqual(0);

    const after = (await httpGetText(`${status}/metrics`, cert.pem)).body;
    expect(after).toContain('# TYPE tonsite_bridge_streams_total counter');
    expect(metricValue(after, 'tonsite_bridge_streams_total{route="/tcp"}')).toBe(2);
    expect(metricValue(after, 'tonsite_bridge_streams_open{route="/tcp"}')).toBe(1);
    expect(metricValue(after, 'tonsite_bridge_streams_open{route="/udp"}')).toBe(1);
    expect(metricValue(after, 'tonsite_bridge_bytes_total{route="/tcp",direction="up"}')).toBeGreaterThan(0);
    expect(metricValue(after, 'tonsite_bridge_bytes_total{route="/tcp",direction="down"}')).toBeGreaterThan(
      0,
    );
    expect(metricValue(after, 'tonsite_bridge_bytes_total{route="/udp",direction="down"}')).toBeGreaterThan(
      0,
    );
    expect(metricValue(after, 'tonsite_bridge_datagrams_total{direction="out"}')).toBe(5);
    expect(metricValue(after, 'tonsite_bridge_datagrams_total{direction="in"}')).toBe(5);
    expect(metricValue(after, 'tonsite_bridge_refusals_total{reason="destination"}')).toBe(1);

    // More traffic, higher counters.
    await pool.getMasterchainInfo();
    const again = (await httpGetText(`${status}/metrics`, cert.pem)).body;
    expect(metricValue(again, 'tonsite_bridge_bytes_total{route="/tcp",direction="down"}')).toBeGreaterThan(
      metricValue(after, 'tonsite_bridge_bytes_total{route="/tcp",direction="down"}'),
    );
    // Anything else over plain HTTP is not for this server.
    expect((await httpGetText(`${status}/`, cert.pem)).status).toBe(426);

    // A renewed certificate on disk is served after SIGHUP, to new connections; open streams go on.
    const renewed = selfSignedCertificate(mkdtempSync(join(dir, 'renewed-')));
    copyFileSync(renewed.certFile, cert.certFile);
    copyFileSync(renewed.keyFile, cert.keyFile);
    b.child.kill('SIGHUP');
    const served = async () => {
      const { port } = new URL(b.info.bridge);
      const socket = tlsConnect({ host: '127.0.0.1', port: Number(port), rejectUnauthorized: false });
      await new Promise((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      return fingerprint;
    };
    await waitUntil(async () => (await served()) === new X509Certificate(renewed.pem).fingerprint256);
    expect((await pool.getMasterchainInfo()).last.seqno).toBe(devnet.chain.last.id.seqno);
    expect((await httpGetText(`${status}/healthz`, renewed.pem)).status).toBe(200);
  });

  it('counts datagrams dropped over a stream budget as rate-limit drops', async () => {
    const bridge = await startBridge({
      destinations: [],
      limits: { maxBytesPerSecond: 1000, burstBytes: 4096, maxFrameBytes: 4096 },
      routes: [udpRelayRoute({ allowLoopback: true })],
    });
    bridges.push(bridge);
    const port = await udpEcho();
    const udp = await relay(bridge.url, WebSocket);
    // One message at a time (no batching), 20 × 1000 bytes at once against a 4096-byte burst.
    for (let i = 0; i < 20; i++) {
      udp.send(new Uint8Array(1000), '127.0.0.1', port);
      await new Promise((r) => setImmediate(r));
    }
    const statusUrl = bridge.url.replace(/^ws/, 'http');
    await waitUntil(
      async () =>
        metricValue(
          (await httpGetText(`${statusUrl}/metrics`)).body,
          'tonsite_bridge_rate_limit_drops_total',
        ) > 0,
    );
    const text = (await httpGetText(`${statusUrl}/metrics`)).body;
    const drops = metricValue(text, 'tonsite_bridge_rate_limit_drops_total');
    expect(drops).toBe(metricValue(text, 'tonsite_bridge_datagrams_dropped_total{reason="byte_rate"}'));
    expect(drops + metricValue(text, 'tonsite_bridge_datagrams_total{direction="out"}')).toBeLessThanOrEqual(
      20,
    );
  });

  it('takes the client address from X-Forwarded-For only for connections from a trusted proxy', async () => {
    const seen: string[] = [];
    const logger = (event: string, fields: BridgeLogFields) => {
      if (event === 'stream-open') seen.push(String(fields.client));
    };
    const open = async (bridge: BridgeServer, forwarded: string) => {
      const ws = new WebSocket(bridgeUdpUrl(bridge.url), { headers: { 'x-forwarded-for': forwarded } });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      ws.close();
    };
    const direct = await startBridge({ destinations: [], logger, routes: [udpRelayRoute()] });
    const proxied = await startBridge({
      destinations: [],
      logger,
      trustProxies: ['127.0.0.1', '10.0.0.5'],
      routes: [udpRelayRoute()],
    });
    bridges.push(direct, proxied);
    await open(direct, '9.9.9.9'); // not from a trusted proxy: the header is anyone's to write
    await open(proxied, '9.9.9.9');
    await open(proxied, '6.6.6.6, 1.2.3.4, 10.0.0.5'); // the last hop not itself a trusted proxy
    await open(proxied, 'not-an-address');
    expect(seen).toEqual(['127.0.0.1', '9.9.9.9', '1.2.3.4', '127.0.0.1']);
  });

  it('drains on SIGTERM: no new streams, the query in flight is answered, the rest closes with 1001, exit 0', async () => {
    const b = await cliBridge(['--drain', '2', '--status-listen', '127.0.0.1:0']);
    expect(b.info.status).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The bridge port no longer serves the status endpoints; the status port does.
    expect((await httpGetText(`${b.info.bridge.replace(/^ws/, 'http')}/healthz`)).status).toBe(426);
    expect((await httpGetText(`${b.info.status}/healthz`)).status).toBe(200);

    const pool = litePool(b.info.bridge);
    await pool.getMasterchainInfo();
    const idle = await connectWebSocketStream(bridgeTcpUrl(b.info.bridge, { server: 0 }), { WebSocket });
    const idleClosed = new Promise<string>((resolve) => {
      idle.onClose = (error) => resolve(error?.message ?? 'clean');
    });
    devnet.liteservers[0].setDelay(700);
    const inFlight = pool.getMasterchainInfo();
    await new Promise((r) => setTimeout(r, 100));
    const t0 = Date.now();
    b.child.kill('SIGTERM');

    // Draining: the health check says so (a load balancer stops sending), the listener is gone.
    await waitUntil(async () => (await httpGetText(`${b.info.status}/healthz`)).status === 503);
    expect(JSON.parse((await httpGetText(`${b.info.status}/healthz`)).body)).toMatchObject({
      status: 'draining',
    });
    const { port } = new URL(b.info.bridge);
    const refused = await new Promise<boolean>((resolve) => {
      const s = connect(Number(port), '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);

    // The open stream goes on: the query already sent is answered.
    const info = await inFlight;
    expect(info.last.seqno).toBe(devnet.chain.last.id.seqno);
    devnet.liteservers[0].setDelay(0);

    // After --drain the streams still open are closed as "going away", and the process exits 0.
    expect(await idleClosed).toBe('WebSocket closed (bridge going away): bridge shutting down');
    expect(await b.exited).toBe(0);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1500);

    // Structured logs: one JSON object a line, with the drain in them, and no payload.
    const events = b.logs.map((line) => JSON.parse(line) as { event: string; t: string });
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['listening', 'draining', 'stopped']));
    for (const e of events) expect(Object.keys(e)).not.toContain('payload');
  });
});
