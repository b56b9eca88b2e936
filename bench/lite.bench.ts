/**
 * Liteserver queries per second on loopback, in the same run:
 *   direct — LiteClient → ADNL-TCP over node:net → a liteserver built from our server end
 *   bridge — LiteClient → ADNL-TCP over a WebSocket (`ws`) → `tonsite bridge` /tcp relay → the same liteserver
 * (getMasterchainInfo, 1 query in flight = latency-bound, 32 in flight = throughput), and bridge/direct ratios.
 * Same-run baselines: raw 116-byte round trips/s to a TCP echo server, direct and through the same bridge
 * (no ADNL, no crypto), and the harness xorBaseline. The bridge's per-stream byte budget is raised so the
 * measurement is not its rate limit.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { generateKeyPair } from '../src/net/crypto/index.ts';
import { serveAdnlTcp } from '../src/net/adnl/index.ts';
import { LiteClient, MASTERCHAIN_SHARD, createLiteQueryHandler } from '../src/net/lite/index.ts';
import {
  bridgeTcpUrl,
  connectWebSocketStream,
  type ByteStream,
  type StreamConnector,
  type WebSocketConstructor,
} from '../src/net/transport/index.ts';
import { startBridge } from '../src/node/bridge/index.ts';
import { connectTcpStream, socketByteStream } from '../src/node/tcp-stream.ts';
import { report, xorBaseline } from './harness.ts';

const DURATION_MS = 700;
const ROUNDS = 3;
const CONCURRENCY = [1, 32];
const PATHS = ['direct', 'bridge'] as const;
type Path = (typeof PATHS)[number];
const ECHO_MESSAGE = 116; // about the size of one encrypted getMasterchainInfo query frame

async function runFor(
  concurrency: number,
  once: () => Promise<unknown>,
  durationMs = DURATION_MS,
): Promise<number> {
  const end = performance.now() + durationMs;
  let done = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await once();
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - start) / 1000));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

/** Round trips/s of fixed-size messages through an echoing stream, `concurrency` in flight. */
async function echoRate(stream: ByteStream, concurrency: number): Promise<number> {
  const waiting: (() => void)[] = [];
  let received = 0;
  stream.onData = (d) => {
    received += d.length;
    while (received >= ECHO_MESSAGE) {
      received -= ECHO_MESSAGE;
      waiting.shift()?.();
    }
  };
  const message = new Uint8Array(ECHO_MESSAGE).fill(7);
  const rate = await runFor(
    concurrency,
    () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
        stream.write(message);
      }),
  );
  stream.close();
  return rate;
}

export default async function liteBench(): Promise<void> {
  report({ bench: 'lite.xorBaseline', value: xorBaseline(65536), unit: 'MB/s', size: 65536 });

  const keys = generateKeyPair();
  const info = {
    _: 'liteServer.masterchainInfo',
    last: {
      _: 'tonNode.blockIdExt',
      workchain: -1,
      shard: MASTERCHAIN_SHARD,
      seqno: 1000,
      root_hash: new Uint8Array(32).fill(1),
      file_hash: new Uint8Array(32).fill(2),
    },
    state_root_hash: new Uint8Array(32).fill(3),
    init: {
      _: 'tonNode.zeroStateIdExt',
      workchain: -1,
      root_hash: new Uint8Array(32),
      file_hash: new Uint8Array(32),
    },
  };
  const handler = createLiteQueryHandler(async () => info);
  const lite = await listen((socket) => serveAdnlTcp(socketByteStream(socket), keys, handler));
  const echo = await listen((socket) => socket.on('data', (d) => socket.write(d)).on('error', () => {}));
  const bridge = await startBridge({
    destinations: [
      { index: 0, host: '127.0.0.1', port: lite.port, key: keys.publicKey },
      { index: 1, host: '127.0.0.1', port: echo.port, key: generateKeyPair().publicKey },
    ],
    limits: { maxBytesPerSecond: 1 << 30, burstBytes: 1 << 30 },
  });
  const ws = WebSocket as unknown as WebSocketConstructor;
  const paths: Record<Path, (port: number, index: number) => StreamConnector> = {
    direct: (port) => () => connectTcpStream('127.0.0.1', port),
    bridge: (_port, index) => () =>
      connectWebSocketStream(bridgeTcpUrl(bridge.url, { server: index }), { WebSocket: ws }),
  };

  try {
    const clients = {
      direct: await LiteClient.connect(paths.direct(lite.port, 0), keys.publicKey, { pingIntervalMs: 0 }),
      bridge: await LiteClient.connect(paths.bridge(lite.port, 0), keys.publicKey, { pingIntervalMs: 0 }),
    };
    // Warm up both paths (JIT, socket buffers) so neither measured first pays for it.
    for (const path of PATHS) await runFor(8, () => clients[path].getMasterchainInfo(), 500);
    for (const concurrency of CONCURRENCY) {
      // The machine is shared: alternate the paths over several short rounds and keep each one's median, so a
      // load spike hits both alike.
      const rates: Record<Path, number[]> = { direct: [], bridge: [] };
      const raw: Record<Path, number[]> = { direct: [], bridge: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? PATHS : [...PATHS].reverse();
        for (const path of order) {
          raw[path].push(await echoRate(await paths[path](echo.port, 1)(), concurrency));
          rates[path].push(await runFor(concurrency, () => clients[path].getMasterchainInfo()));
        }
      }
      for (const path of PATHS) {
        report({
          bench: `lite.rawEcho.${path}`,
          value: median(raw[path]),
          unit: 'roundtrips/s',
          concurrency,
          bytes: ECHO_MESSAGE,
        });
        report({
          bench: `lite.getMasterchainInfo.${path}`,
          value: median(rates[path]),
          unit: 'queries/s',
          concurrency,
          rounds: rates[path],
          baselineRawEcho: median(raw[path]),
        });
      }
      report({
        bench: 'lite.getMasterchainInfo.bridgeToDirectRatio',
        value: Math.round((median(rates.bridge) / median(rates.direct)) * 1000) / 1000,
        unit: 'ratio',
        concurrency,
        direct: median(rates.direct),
        bridge: median(rates.bridge),
      });
    }
    for (const path of PATHS) clients[path].close();
  } finally {
    await bridge.close();
    lite.server.close();
    echo.server.close();
  }
}
