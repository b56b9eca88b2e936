/**
 * The bridge's callers (issue 15 item 2), on loopback: the Origin policy (no web page may use the user's bridge),
 * fairness under abuse from the same address (streams that carry nothing both ways are reclaimed, so 32 of them
 * no longer lock a well-behaved client out), flooding datagram streams closed, and a downstream memory budget
 * shared by all streams (slow readers) — measured on a `tonsite bridge` process by its RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startDevnet } from '../../src/devnet/index.ts';
import { LitePool, liteServersFromConfig } from '../../src/net/lite/index.ts';
import {
  bridgeTcpUrl,
  bridgeUdpUrl,
  connectWebSocketStream,
  encodeRelayDatagram,
} from '../../src/net/transport/index.ts';
import { main } from '../../src/node/cli.ts';
import {
  startBridge,
  type BridgeLimits,
  type BridgeLogFields,
  type BridgeServer,
} from '../../src/node/bridge/index.ts';
import { udpRelayRoute } from '../../src/node/bridge/udp-relay.ts';
import { startEchoServer, type EchoServer } from './helpers/tcp-echo.ts';

const KEY = new Uint8Array(32).fill(7);
const bridges: BridgeServer[] = [];
const sockets: WebSocket[] = [];
const udps: UdpSocket[] = [];
let echo: EchoServer | null = null;

afterEach(() => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const u of udps.splice(0)) u.close();
});
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()));
  await echo?.close();
});

async function bridgeWith(limits: Partial<BridgeLimits> = {}, allowOrigins?: string[], logs?: string[]) {
  echo ??= await startEchoServer();
  const bridge = await startBridge({
    destinations: [{ index: 0, host: '127.0.0.1', port: echo.port, key: KEY }],
    routes: [udpRelayRoute({ allowLoopback: true })],
    limits,
    allowOrigins,
    logger: logs
      ? (event: string, f: BridgeLogFields) => logs.push(JSON.stringify({ event, ...f }))
      : undefined,
  });
  bridges.push(bridge);
  return bridge;
}

/** Opens a WebSocket; resolves 'open', the HTTP status of a refused upgrade, or the close code. */
function open(
  url: string,
  origin?: string,
): Promise<{ ws: WebSocket; result: 'open' | number; closed: Promise<number> }> {
  const ws = new WebSocket(url, origin ? { origin } : {});
  sockets.push(ws);
  ws.on('error', () => {});
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return new Promise((resolve) => {
    ws.once('open', () => resolve({ ws, result: 'open', closed }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws, result: res.statusCode ?? 0, closed }));
    ws.once('close', (code) => resolve({ ws, result: code, closed }));
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A UDP port on loopback that takes datagrams and never answers. */
async function sink(): Promise<number> {
  const s = createSocket('udp4');
  udps.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s.address().port;
}

/** Sends `payload` over a /tcp stream to the echo upstream and waits for it back. */
function echoes(ws: WebSocket, payload: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    let got = Buffer.alloc(0);
    const onMessage = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= payload.length) {
        ws.off('message', onMessage);
        resolve(got.equals(payload));
      }
    };
    ws.on('message', onMessage);
    ws.send(payload);
    setTimeout(() => resolve(false), 3000);
  });
}

describe('bridge Origin policy', () => {
  it('refuses a web origin with 403 and serves no Origin and an extension origin', async () => {
    const logs: string[] = [];
    const bridge = await bridgeWith({}, undefined, logs);
    const url = bridgeTcpUrl(bridge.url, { server: 0 });
    expect((await open(url, 'http://evil.example')).result).toBe(403);
    expect((await open(bridgeUdpUrl(bridge.url), 'http://evil.example')).result).toBe(403);
    expect((await open(url, 'null')).result).toBe(403);
    expect(logs.some((l) => l.includes('"reason":"origin"'))).toBe(true);
    const cli = await open(url);
    expect(cli.result).toBe('open');
    expect(await echoes(cli.ws, Buffer.from('from a program'))).toBe(true);
    const ext = await open(url, 'chrome-extension://abcdefghijklmnopabcdefghijklmnop');
    expect(ext.result).toBe('open');
    expect(await echoes(ext.ws, Buffer.from('from the extension'))).toBe(true);
  });

  it('serves a web origin the operator listed', async () => {
    const bridge = await bridgeWith({}, ['https://gateway.example']);
    const url = bridgeTcpUrl(bridge.url, { server: 0 });
    expect((await open(url, 'https://gateway.example')).result).toBe('open');
    expect((await open(url, 'https://other.example')).result).toBe(403);
  });
});

describe('bridge fairness under abuse from the same address', () => {
  it('reclaims streams that carry nothing both ways, so 32 of them do not lock a client out', async () => {
    const bridge = await bridgeWith({ reclaimAfterMs: 400 });
    const quiet = await sink();
    const abusive: Awaited<ReturnType<typeof open>>[] = [];
    for (let i = 0; i < 32; i++) abusive.push(await open(bridgeUdpUrl(bridge.url)));
    expect(abusive.every((a) => a.result === 'open')).toBe(true);
    // A datagram now and then into a port that never answers keeps them past any idle timeout.
    const keepAlive = setInterval(() => {
      for (const a of abusive) a.ws.send(encodeRelayDatagram('127.0.0.1', quiet, new Uint8Array([1])));
    }, 100);
    try {
      // A new stream within the grace is refused, as before (the upgrade completes, then the close code)…
      expect(await (await open(bridgeTcpUrl(bridge.url, { server: 0 }))).closed).toBe(4503);
      await sleep(600);
      // …after it, a well-behaved client gets its streams: the abusive ones are reclaimed one by one.
      for (let i = 0; i < 3; i++) {
        const good = await open(bridgeTcpUrl(bridge.url, { server: 0 }));
        expect(good.result).toBe('open');
        expect(await echoes(good.ws, Buffer.from(`request ${i}`))).toBe(true);
      }
      const codes = await Promise.all(abusive.slice(0, 3).map((a) => a.closed));
      expect(codes).toEqual([4503, 4503, 4503]);
      expect(bridge.openStreams).toBe(32);
    } finally {
      clearInterval(keepAlive);
    }
  });

  it('keeps `tonsite status --bridge` and a lite pool served while 32 abusive streams hold the address', async () => {
    const devnet = await startDevnet({
      liteservers: 1,
      blockIntervalMs: 0,
      bridgeLimits: { reclaimAfterMs: 400 },
    });
    try {
      const bridgeUrl = devnet.bridge!.url;
      const quiet = await sink();
      const abusive: Awaited<ReturnType<typeof open>>[] = [];
      for (let i = 0; i < 32; i++) abusive.push(await open(bridgeUdpUrl(bridgeUrl)));
      const keepAlive = setInterval(() => {
        for (const a of abusive) a.ws.send(encodeRelayDatagram('127.0.0.1', quiet, new Uint8Array([1])));
      }, 100);
      try {
        await sleep(600);
        // The command line, as a user runs it: direct TCP is not asked, only the bridge.
        const log = vi.spyOn(console, 'log').mockImplementation(() => {});
        let code: number;
        let printed: string;
        try {
          code = await main(['status', '--network', devnet.configPath, '--bridge', bridgeUrl, '--json']);
          printed = String(log.mock.calls.at(-1)?.[0]);
        } finally {
          log.mockRestore();
        }
        expect(code).toBe(0);
        const report = JSON.parse(printed) as { reachable: number };
        expect(report.reachable).toBe(1);
        // The extension's pool: liteservers by key through the bridge's /tcp route.
        const [server] = liteServersFromConfig(JSON.parse(readFileSync(devnet.configPath, 'utf8')));
        const pool = new LitePool({
          servers: [server],
          connector: () => () =>
            connectWebSocketStream(bridgeTcpUrl(bridgeUrl, { key: server.publicKey }), {
              WebSocket: WebSocket as never,
            }),
          healthCheckIntervalMs: 0,
        });
        try {
          const info = await pool.getMasterchainInfo();
          expect(info.last.seqno).toBeGreaterThan(0);
        } finally {
          pool.close();
        }
      } finally {
        clearInterval(keepAlive);
      }
    } finally {
      await devnet.stop();
    }
  });

  it('closes a datagram stream that keeps offering over twice its budget, and spares one within it', async () => {
    const bridge = await bridgeWith({
      maxBytesPerSecond: 64 * 1024,
      maxFrameBytes: 64 * 1024,
      burstBytes: 64 * 1024,
    });
    const port = await sink();
    const flood = await open(bridgeUdpUrl(bridge.url));
    const calm = await open(bridgeUdpUrl(bridge.url));
    const big = encodeRelayDatagram('127.0.0.1', port, new Uint8Array(1000));
    const timer = setInterval(() => {
      for (let i = 0; i < 40; i++) flood.ws.send(big); // ~400 KB/s against 64 KiB/s
      calm.ws.send(big); // ~10 KB/s
    }, 100);
    try {
      expect(await Promise.race([flood.closed, sleep(8000).then(() => 0)])).toBe(4429);
      expect(calm.ws.readyState).toBe(WebSocket.OPEN);
    } finally {
      clearInterval(timer);
    }
  });
});

describe('bridge memory with slow readers', () => {
  let child: ChildProcess | null = null;
  let firehose: Server | null = null;
  afterAll(async () => {
    child?.kill('SIGKILL');
    await new Promise<void>((r) => (firehose ? firehose.close(() => r()) : r()));
  });

  it('keeps the RSS of `tonsite bridge` under its documented bound with 1,000 clients that never read', async () => {
    // An upstream that writes as fast as the bridge reads (respecting backpressure, so it holds nothing itself).
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    const upstream: Socket[] = [];
    firehose = createServer((s) => {
      upstream.push(s);
      s.on('error', () => {});
      const pump = () => {
        while (s.write(chunk));
      };
      s.on('drain', pump);
      pump();
    });
    await new Promise<void>((r) => firehose!.listen(0, '127.0.0.1', () => r()));
    const dir = mkdtempSync(join(tmpdir(), 'tonsite-bridge-rss-'));
    const config = join(dir, 'config.json');
    const port = (firehose.address() as { port: number }).port;
    writeFileSync(
      config,
      JSON.stringify({
        liteservers: [
          { ip: 2130706433, port, id: { '@type': 'pub.ed25519', key: Buffer.from(KEY).toString('base64') } },
        ],
      }),
    );
    const budget = 16 * 1024 * 1024;
    const READERS = 1000;
    child = spawn(
      process.execPath,
      [
        'bin/tonsite.js',
        'bridge',
        '--config',
        config,
        '--listen',
        '127.0.0.1:0',
        '--max-streams',
        '1024',
        '--max-queued',
        String(budget),
        '--quiet',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const line = await new Promise<string>((resolve) =>
      child!.stdout!.once('data', (d: Buffer) => resolve(d.toString())),
    );
    const url = (JSON.parse(line) as { bridge: string }).bridge;
    const rss = () =>
      Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child!.pid}/status`, 'utf8'))![1]) * 1024;
    const before = rss();
    const readers: WebSocket[] = [];
    for (let i = 0; i < READERS; i++) {
      const { ws, result } = await open(bridgeTcpUrl(url, { server: 0 }));
      expect(result).toBe('open');
      ws.pause(); // never reads: the bridge's queue towards it can only grow
      readers.push(ws);
    }
    // Let every stream fill what it may queue (the upstream writes whenever the bridge reads).
    let peak = 0;
    for (let i = 0; i < 12; i++) {
      await sleep(250);
      peak = Math.max(peak, rss());
    }
    const growth = peak - before;
    // The bound README documents: --max-queued, plus at most 512 KiB per stream (a read chunk of 64 KiB
    // past the high water, the paused upstream socket's read-ahead, the WebSocket and socket objects).
    // Without the shared budget each stream queued up to 4 MiB: 4 GB for these 1,000.
    expect(growth).toBeLessThan(budget + READERS * 512 * 1024);
    expect(upstream.length).toBe(READERS);
  });
});
