/**
 * What the RLDP and HTTP benches share: worker threads for the site and the bridge, the bridge's `/udp` relay
 * (loopback allowed), and the raw datagram baseline of a path — a blaster that answers one datagram with
 * BLAST_COUNT datagrams of BLAST_SIZE bytes (the size of one RLDP symbol message), sent as fast as it can.
 */
import { Worker } from 'node:worker_threads';
import type { DatagramSocket } from '../src/net/transport/index.ts';
import { silentLogger, startBridge, udpRelayRoute } from '../src/node/bridge/index.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import { mbps } from './harness.ts';

export const BLAST_COUNT = 20_000;
export const BLAST_SIZE = 840;

/** Starts `moduleUrl` in a worker thread (TypeScript through tsx's loader) and waits for its first message. */
export function startBenchWorker<T>(moduleUrl: string, data: unknown): Promise<{ worker: Worker; info: T }> {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); });`;
  const worker = new Worker(code, { eval: true, workerData: data });
  return new Promise((resolve, reject) => {
    worker.once('message', (info: T) => resolve({ worker, info }));
    worker.once('error', reject);
  });
}

/** The bridge with its `/udp` relay on loopback; resolves with its URL. */
export async function startRelayBridge(): Promise<{ url: string }> {
  const bridge = await startBridge({
    destinations: [],
    logger: silentLogger,
    routes: [udpRelayRoute({ allowLoopback: true })],
  });
  return { url: bridge.url };
}

/** The blaster (see the header); resolves with its port. */
export async function startBlaster(): Promise<number> {
  const blaster = await openUdpSocket({ host: '127.0.0.1' });
  const payload = new Uint8Array(BLAST_SIZE).fill(0x5a);
  blaster.onMessage = (_data, host, replyPort) => {
    let sent = 0;
    const burst = () => {
      for (let i = 0; i < 64 && sent < BLAST_COUNT; i++, sent++) blaster.send(payload, host, replyPort);
      if (sent < BLAST_COUNT) setImmediate(burst);
    };
    burst();
  };
  return blaster.address().port;
}

/** Raw datagrams per second through `socket` from the blaster at `blastPort`, as MB/s of payload. */
export async function rawBaseline(socket: DatagramSocket, blastPort: number): Promise<number> {
  let received = 0;
  let first = 0;
  let last = 0;
  socket.onMessage = (data) => {
    const now = performance.now();
    if (received === 0) first = now;
    last = now;
    received += data.length;
  };
  socket.send(Uint8Array.of(1), '127.0.0.1', blastPort);
  const start = performance.now();
  // Done when nothing more arrived for 300 ms (the rest was dropped on the way).
  while (performance.now() - start < 20_000) {
    await new Promise((r) => setTimeout(r, 100));
    if (received > 0 && performance.now() - last > 300) break;
  }
  socket.close();
  return received > 0 ? mbps(received, (last - first) / 1000) : 0;
}
