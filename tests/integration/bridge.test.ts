/**
 * `tonsite bridge` (src/node/bridge) on loopback: allow-list, limits, isolation, logs, shutdown.
 * Upstreams here are TCP echo servers — these tests are about the relay; ADNL through the bridge is tested
 * against the devnet liteserver with the third-party ton-lite-client in liteserver-interop.test.ts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ipv4ToInt32 } from '../../src/net/lite/index.ts';
import { bridgeTcpUrl, BridgeCloseCode } from '../../src/net/transport/bridge-protocol.ts';
import {
  destinationsFromGlobalConfig,
  startBridge,
  type BridgeDestination,
  type BridgeLogFields,
  type BridgeServer,
} from '../../src/node/bridge/index.ts';
import { startEchoServer, unusedPort, type EchoServer } from './helpers/tcp-echo.ts';
import { openStream, type TestStream } from './helpers/ws-client.ts';

const KEY_A = new Uint8Array(32).fill(0xa1);
const KEY_B = new Uint8Array(32).fill(0xb2);
const KEY_UNKNOWN = new Uint8Array(32).fill(0xcc);

let echo: EchoServer;
let deadPort: number;
let destinations: BridgeDestination[];
const open: TestStream[] = [];
const bridges: BridgeServer[] = [];

function stream(url: string): TestStream {
  const s = openStream(url);
  open.push(s);
  return s;
}

async function bridge(limits = {}, logger?: (event: string, fields: BridgeLogFields) => void) {
  const b = await startBridge({ destinations, limits, logger });
  bridges.push(b);
  return b;
}

async function echoRoundTrip(b: BridgeServer, payload: Buffer, target = { server: 0 }) {
  const s = stream(bridgeTcpUrl(b.url, target));
  await s.opened;
  s.ws.send(payload);
  const got = await s.waitFor(payload.length);
  s.ws.close();
  await s.closed;
  return got;
}

beforeAll(async () => {
  echo = await startEchoServer();
  deadPort = await unusedPort();
  destinations = destinationsFromGlobalConfig({
    liteservers: [
      { ip: ipv4ToInt32('127.0.0.1'), port: echo.port, id: { '@type': 'pub.ed25519', key: b64(KEY_A) } },
      { ip: ipv4ToInt32('127.0.0.1'), port: deadPort, id: { '@type': 'pub.ed25519', key: b64(KEY_B) } },
    ],
  });
});

afterEach(async () => {
  for (const s of open.splice(0)) s.ws.terminate();
  await Promise.all(bridges.splice(0).map((b) => b.close()));
});

afterAll(async () => {
  await echo.close();
});

describe('bridge allow-list', () => {
  it('relays raw bytes both ways to a configured liteserver, by index and by key', async () => {
    const b = await bridge();
    const payload = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 255));
    expect((await echoRoundTrip(b, payload, { server: 0 })).equals(payload)).toBe(true);
    expect((await echoRoundTrip(b, payload, { key: KEY_A } as never)).equals(payload)).toBe(true);
  });

  it('refuses destinations that are not in its config with 4403', async () => {
    const b = await bridge();
    const byIndex = stream(bridgeTcpUrl(b.url, { server: 7 }));
    const byKey = stream(bridgeTcpUrl(b.url, { key: KEY_UNKNOWN }));
    expect((await byIndex.closed).code).toBe(BridgeCloseCode.REFUSED);
    expect((await byKey.closed).code).toBe(BridgeCloseCode.REFUSED);
    // No TCP connection was attempted to anything but the echo server (which saw none).
    expect(echo.connections.size).toBe(0);
  });

  it('rejects malformed requests and unknown paths with 4400', async () => {
    const b = await bridge();
    for (const path of ['/tcp', '/tcp?server=1&key=AAAA', '/tcp?server=-1', '/tcp?key=notbase64!', '/nope']) {
      const s = stream(b.url + path);
      expect((await s.closed).code, path).toBe(BridgeCloseCode.BAD_REQUEST);
    }
  });

  it('reports an unreachable configured liteserver with 4502', async () => {
    const b = await bridge();
    const s = stream(bridgeTcpUrl(b.url, { server: 1 }));
    expect((await s.closed).code).toBe(BridgeCloseCode.UPSTREAM_UNREACHABLE);
  });

  it('answers plain HTTP with 426 and survives non-HTTP garbage', async () => {
    const b = await bridge();
    const res = await fetch(b.url.replace('ws:', 'http:') + '/tcp?server=0');
    expect(res.status).toBe(426);
    await rawExchange(b.port, Buffer.from('\x00\x01garbage\r\n\r\n'.repeat(50)));
    expect((await echoRoundTrip(b, Buffer.from('still fine'))).toString()).toBe('still fine');
  });
});

describe('bridge limits', () => {
  it('cuts off an oversize frame (1009) without disturbing another client', async () => {
    const b = await bridge({ maxFrameBytes: 4096 });
    const good = stream(bridgeTcpUrl(b.url, { server: 0 }));
    const bad = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await Promise.all([good.opened, bad.opened]);
    bad.ws.send(Buffer.alloc(4097));
    expect((await bad.closed).code).toBe(1009);
    good.ws.send(Buffer.from('ping'));
    expect((await good.waitFor(4)).toString()).toBe('ping');
  });

  it('cuts off a flood (4429) while a polite client keeps its stream', async () => {
    const b = await bridge({
      maxBytesPerSecond: 64 * 1024,
      burstBytes: 128 * 1024,
      maxFrameBytes: 16 * 1024,
    });
    const polite = stream(bridgeTcpUrl(b.url, { server: 0 }));
    const flood = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await Promise.all([polite.opened, flood.opened]);
    const chunk = Buffer.alloc(16 * 1024, 0x55);
    for (let i = 0; i < 64 && flood.ws.readyState === flood.ws.OPEN; i++) flood.ws.send(chunk);
    expect((await flood.closed).code).toBe(BridgeCloseCode.RATE_LIMITED);
    polite.ws.send(Buffer.from('hello'));
    expect((await polite.waitFor(5)).toString()).toBe('hello');
  });

  it('limits concurrent streams per client (4503) and frees the slot on close', async () => {
    const b = await bridge({ maxStreamsPerClient: 2 });
    const s1 = stream(bridgeTcpUrl(b.url, { server: 0 }));
    const s2 = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await Promise.all([s1.opened, s2.opened]);
    const s3 = stream(bridgeTcpUrl(b.url, { server: 0 }));
    expect((await s3.closed).code).toBe(BridgeCloseCode.TOO_MANY_STREAMS);
    s1.ws.close();
    await s1.closed;
    await waitUntil(() => b.openStreams === 1);
    expect((await echoRoundTrip(b, Buffer.from('again'))).toString()).toBe('again');
  });

  it('closes idle streams with 4408', async () => {
    const b = await bridge({ idleTimeoutMs: 150 });
    const s = stream(bridgeTcpUrl(b.url, { server: 0 }));
    expect((await s.closed).code).toBe(BridgeCloseCode.IDLE_TIMEOUT);
    await waitUntil(() => echo.connections.size === 0);
  });

  it('drops text frames (4400) and broken WebSocket framing without affecting others', async () => {
    const b = await bridge();
    const text = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await text.opened;
    text.ws.send('this is text');
    expect((await text.closed).code).toBe(BridgeCloseCode.BAD_REQUEST);

    const good = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await good.opened;
    // A raw client that upgrades properly and then sends bytes that are not valid (masked) WebSocket frames.
    const upgrade = [
      'GET /tcp?server=0 HTTP/1.1',
      'Host: 127.0.0.1',
      'Upgrade: websocket',
      'Connection: Upgrade',
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version: 13',
      '',
      '',
    ].join('\r\n');
    const junk = Buffer.alloc(4096);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 131 + 7) & 255;
    await rawExchange(b.port, Buffer.concat([Buffer.from(upgrade), junk]));
    good.ws.send(Buffer.from('unaffected'));
    expect((await good.waitFor(10)).toString()).toBe('unaffected');
  });
});

describe('bridge operation', () => {
  it('logs stream events without payload bytes', async () => {
    const lines: string[] = [];
    const b = await bridge({}, (event, fields) => lines.push(JSON.stringify({ event, ...fields })));
    const secret = Buffer.from('SECRET-PAYLOAD-0123456789');
    await echoRoundTrip(b, secret);
    await waitUntil(() => lines.some((l) => l.includes('stream-close')));
    const all = lines.join('\n');
    expect(all).toContain('"dest":0');
    for (const form of [secret.toString(), secret.toString('hex'), secret.toString('base64')]) {
      expect(all).not.toContain(form);
    }
    expect(all).not.toContain(b64(KEY_A));
  });

  it('runs as `tonsite bridge`: one JSON line, relays, exits 0 on SIGINT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-test-'));
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        liteservers: [
          { ip: ipv4ToInt32('127.0.0.1'), port: echo.port, id: { '@type': 'pub.ed25519', key: b64(KEY_A) } },
        ],
      }),
    );
    const child = spawn(
      process.execPath,
      ['bin/tonsite.js', 'bridge', '--config', config, '--listen', '127.0.0.1:0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const logs: string[] = [];
    child.stderr.on('data', (d: Buffer) => logs.push(d.toString()));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`bridge exited early (${code})`)));
      });
      const { bridge: url } = JSON.parse(line) as { bridge: string };
      const s = stream(bridgeTcpUrl(url, { server: 0 }));
      await s.opened;
      s.ws.send(Buffer.from('via process'));
      expect((await s.waitFor(11)).toString()).toBe('via process');
      const refused = stream(bridgeTcpUrl(url, { server: 1 }));
      expect((await refused.closed).code).toBe(BridgeCloseCode.REFUSED);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(logs.join('')).toContain('"event":"stopped"');
    expect(logs.join('')).not.toContain('via process');
  });

  it('shuts down cleanly: open streams get 1001 and the port is released', async () => {
    const b = await bridge();
    const s = stream(bridgeTcpUrl(b.url, { server: 0 }));
    await s.opened;
    await b.close();
    expect((await s.closed).code).toBe(BridgeCloseCode.GOING_AWAY);
    await waitUntil(() => echo.connections.size === 0);
    await expect(rawExchange(b.port, Buffer.from('x'))).rejects.toThrow();
  });
});

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** Writes bytes on a raw TCP connection and resolves when the server closes it. */
function rawExchange(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.on('error', reject);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('close', () => resolve());
    setTimeout(() => socket.destroy(), 3000).unref();
  });
}

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 10));
}
