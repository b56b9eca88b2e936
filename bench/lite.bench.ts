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

const DURATION_MS = 1500;
const CONCURRENCY = [1, 32];
const ECHO_MESSAGE = 116; // about the size of one encrypted getMasterchainInfo query frame

async function runFor(concurrency: number, once: () => Promise<unknown>): Promise<number> {
  const end = performance.now() + DURATION_MS;
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
  const paths: Record<'direct' | 'bridge', (port: number, index: number) => StreamConnector> = {
    direct: (port) => () => connectTcpStream('127.0.0.1', port),
    bridge: (_port, index) => () =>
      connectWebSocketStream(bridgeTcpUrl(bridge.url, { server: index }), { WebSocket: ws }),
  };

  try {
    const results: Record<string, number> = {};
    for (const concurrency of CONCURRENCY) {
      for (const path of ['direct', 'bridge'] as const) {
        const rawRate = await echoRate(await paths[path](echo.port, 1)(), concurrency);
        report({
          bench: `lite.rawEcho.${path}`,
          value: rawRate,
          unit: 'roundtrips/s',
          concurrency,
          bytes: ECHO_MESSAGE,
        });

        const client = await LiteClient.connect(paths[path](lite.port, 0), keys.publicKey, {
          pingIntervalMs: 0,
        });
        await client.getMasterchainInfo(); // warm-up
        const rate = await runFor(concurrency, () => client.getMasterchainInfo());
        client.close();
        results[`${path}.${concurrency}`] = rate;
        report({
          bench: `lite.getMasterchainInfo.${path}`,
          value: rate,
          unit: 'queries/s',
          concurrency,
          baselineRawEcho: rawRate,
        });
      }
      report({
        bench: 'lite.getMasterchainInfo.bridgeToDirectRatio',
        value:
          Math.round((results[`bridge.${concurrency}`] / results[`direct.${concurrency}`]) * 1000) / 1000,
        unit: 'ratio',
        concurrency,
        direct: results[`direct.${concurrency}`],
        bridge: results[`bridge.${concurrency}`],
      });
    }
  } finally {
    await bridge.close();
    lite.server.close();
    echo.server.close();
  }
}
