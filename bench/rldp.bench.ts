/**
 * RLDP throughput: a 20,000,000-byte answer (ten parts, one RLDP v2 transfer) downloaded by a client over
 *   - direct loopback UDP, and
 *   - the bridge's WebSocket datagram relay (client ↔ WebSocket ↔ bridge ↔ UDP ↔ site),
 * with the raw datagram throughput of the same two paths measured in the same run as baselines (840-byte datagrams,
 * the size of one RLDP symbol message, blasted without any protocol).
 *
 * As in real use, the site (AdnlNode + RldpNode serving the answer) runs in its own thread and so does the bridge;
 * the client runs in the main thread. Each figure is the best of RUNS downloads; every run is listed.
 *
 * Crypto: the site uses OpenSSL's SHA-256/AES-CTR (node:crypto), as a real TON site (a C++ node) uses native
 * crypto. The client is measured twice: `crypto: node:crypto` is `tonsite fetch`/`proxy` in Node (the target
 * applies to it), `crypto: noble` is the pure-JavaScript path the extension's service worker runs.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import {
  AdnlNode,
  decodePacket,
  deriveChannelKeys,
  encodePacket,
  openChannelDatagram,
  sealChannelDatagram,
  type AdnlPeer,
} from '../src/net/adnl/index.ts';
import { generateKeyPair, noblePrimitives, type SymmetricPrimitives } from '../src/net/crypto/index.ts';
import { RldpNode, type RldpTransport } from '../src/net/rldp/index.ts';
import type { DatagramSocket } from '../src/net/transport/index.ts';
import { bridgeUdpUrl } from '../src/net/transport/relay-protocol.ts';
import { openRelaySocket } from '../src/net/transport/relay-socket.ts';
import { nativePrimitives } from '../src/node/native-crypto.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import {
  BLAST_SIZE,
  rawBaseline,
  startBenchWorker,
  startBlaster,
  startRelayBridge,
} from './datagram-paths.ts';
import { mbps, report, timeSync } from './harness.ts';

const SIZE = 20_000_000;
/** Downloads per figure (the first also warms the JIT up; all runs are listed). */
const RUNS = 3;

interface SiteInfo {
  port: number;
  blastPort: number;
  publicKey: Uint8Array;
}

type WorkerRole = 'site' | 'bridge';

// ---- worker side ----

async function runSite(): Promise<void> {
  const body = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) body[i] = (i * 2654435761) >>> 24;
  const socket = await openUdpSocket({ host: '127.0.0.1' });
  const port = socket.address().port;
  const keyPair = generateKeyPair();
  const adnl = new AdnlNode({
    socket,
    keyPair,
    addresses: [{ host: '127.0.0.1', port }],
    crypto: nativePrimitives,
  });
  const rldp = new RldpNode(adnl);
  rldp.onQuery = async (_peer, data) => (data.length === 1 ? Uint8Array.of(1) : body);

  const blastPort = await startBlaster();
  const info: SiteInfo = { port, blastPort, publicKey: keyPair.publicKey };
  parentPort!.postMessage(info);
}

async function runBridge(): Promise<void> {
  parentPort!.postMessage(await startRelayBridge());
}

if (!isMainThread && (workerData as { rldpBench?: WorkerRole })?.rldpBench) {
  const role = (workerData as { rldpBench: WorkerRole }).rldpBench;
  (role === 'site' ? runSite() : runBridge()).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

// ---- main side ----

/** Starts this file in a worker thread (TypeScript through tsx's loader) and waits for its first message. */
function startWorker<T>(role: WorkerRole): Promise<{ worker: Worker; info: T }> {
  return startBenchWorker<T>(import.meta.url, { rldpBench: role });
}

async function downloads(
  socket: DatagramSocket,
  site: SiteInfo,
  crypto: SymmetricPrimitives,
): Promise<number[]> {
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair(), crypto });
  const rldp = new RldpNode(adnl);
  const peer: AdnlPeer = adnl.addPeer(site.publicKey, { host: '127.0.0.1', port: site.port });
  // Sets up the ADNL channel (as getCapabilities would before an HTTP request).
  await rldp.query(peer, Uint8Array.of(0), { maxAnswerSize: 16, timeoutMs: 10_000 });
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const answer = await rldp.query(peer, Uint8Array.of(1, 2), { maxAnswerSize: SIZE, timeoutMs: 120_000 });
    const seconds = (performance.now() - start) / 1000;
    if (answer.length !== SIZE) throw new Error(`got ${answer.length} bytes`);
    runs.push(mbps(SIZE, seconds));
  }
  rldp.close();
  adnl.close();
  return runs;
}

/**
 * The RLDP engine alone: both nodes in this thread joined by an in-memory path (no ADNL, no sockets), so the figure
 * is what RaptorQ framing, pacing, acks and reassembly cost — the ceiling RLDP itself puts on a transfer.
 */
class MemoryEnd implements RldpTransport {
  onCustom: ((peer: AdnlPeer, data: Uint8Array) => void) | null = null;
  other: MemoryEnd | null = null;
  readonly me: AdnlPeer;
  #queue: Uint8Array[] = [];

  constructor(tag: number) {
    const id = new Uint8Array(32).fill(tag);
    this.me = { id, publicKey: id, address: { host: '127.0.0.1', port: tag } };
  }

  sendCustom(_peer: AdnlPeer, data: Uint8Array): void {
    if (this.#queue.push(data.slice()) > 1) return;
    setImmediate(() => {
      for (const m of this.#queue.splice(0)) this.other?.onCustom?.(this.me, m);
    });
  }
}

async function engineOnly(): Promise<number> {
  const ends = [new MemoryEnd(1), new MemoryEnd(2)];
  ends[0].other = ends[1];
  ends[1].other = ends[0];
  const client = new RldpNode(ends[0]);
  const server = new RldpNode(ends[1]);
  const body = new Uint8Array(SIZE);
  server.onQuery = async () => body;
  const runs: number[] = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    await client.query(ends[1].me, Uint8Array.of(1), { maxAnswerSize: SIZE, timeoutMs: 60_000 });
    runs.push(mbps(SIZE, (performance.now() - start) / 1000));
  }
  client.close();
  server.close();
  return Math.max(...runs.slice(1));
}

/** CPU per RLDP symbol datagram in ADNL: packet encode + channel seal (sender), channel open + decode (receiver). */
function adnlDatagramMicros(crypto: SymmetricPrimitives): number {
  const a = generateKeyPair();
  const b = generateKeyPair();
  const ida = new Uint8Array(32).fill(1);
  const idb = new Uint8Array(32).fill(2);
  const ka = deriveChannelKeys(a.secretKey, b.publicKey, ida, idb);
  const kb = deriveChannelKeys(b.secretKey, a.publicKey, idb, ida);
  const fields = {
    rand1: new Uint8Array(15),
    rand2: new Uint8Array(15),
    seqno: 5n,
    confirm_seqno: 3n,
    message: { _: 'adnl.message.custom' as const, data: new Uint8Array(840) },
  };
  const seconds = timeSync(() =>
    decodePacket(openChannelDatagram(kb, sealChannelDatagram(ka, encodePacket(fields), crypto), crypto)),
  );
  return Math.round(seconds * 1e6 * 10) / 10;
}

export default async function bench(): Promise<void> {
  const engine = await engineOnly();
  report({
    bench: 'rldp.engineOnly20MB',
    value: engine,
    unit: 'MB/s',
    note: 'both ends in one thread, no ADNL',
  });
  for (const crypto of [noblePrimitives, nativePrimitives]) {
    report({
      bench: 'rldp.adnlCostPerSymbol',
      crypto: crypto.name,
      value: adnlDatagramMicros(crypto),
      unit: 'us',
      note: 'encode+seal+open+decode of one symbol datagram; ceiling per thread ≈ 768 B / (cost of its side)',
    });
  }

  const { worker: siteWorker, info: site } = await startWorker<SiteInfo>('site');
  const { worker: bridgeWorker, info: bridge } = await startWorker<{ url: string }>('bridge');
  const relaySocket = () => openRelaySocket(bridgeUdpUrl(bridge.url), { WebSocket: WebSocket as never });
  const udpSocket = () => openUdpSocket({ host: '127.0.0.1' });
  try {
    const udpRaw = await rawBaseline(await udpSocket(), site.blastPort);
    const relayRaw = await rawBaseline(await relaySocket(), site.blastPort);
    const best = (r: number[]) => Math.max(...r);
    report({ bench: 'rldp.rawDatagrams', path: 'udp', value: udpRaw, unit: 'MB/s', datagram: BLAST_SIZE });
    report({
      bench: 'rldp.rawDatagrams',
      path: 'relay',
      value: relayRaw,
      unit: 'MB/s',
      datagram: BLAST_SIZE,
    });
    for (const crypto of [nativePrimitives, noblePrimitives]) {
      const direct = await downloads(await udpSocket(), site, crypto);
      const relay = await downloads(await relaySocket(), site, crypto);
      const native = crypto === nativePrimitives;
      report({
        bench: 'rldp.transfer20MB',
        path: 'udp',
        crypto: crypto.name,
        value: best(direct),
        unit: 'MB/s',
        version: 2,
        runs: direct,
        baseline: udpRaw,
        ...(native && { target: 25 }),
      });
      report({
        bench: 'rldp.transfer20MB',
        path: 'relay',
        crypto: crypto.name,
        value: best(relay),
        unit: 'MB/s',
        version: 2,
        runs: relay,
        baseline: relayRaw,
        ratioToDirect: Math.round((best(relay) / best(direct)) * 100) / 100,
        ...(native && { target: 0.7 }),
      });
    }
  } finally {
    await siteWorker.terminate();
    await bridgeWorker.terminate();
  }
}
