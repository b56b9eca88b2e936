/**
 * RLDP throughput: a 20,000,000-byte answer (one RLDP transfer) downloaded by our client from a server of each
 * devnet peer kind (src/devnet/peers, `peer`: ours, cpp, tonutils — its ADNL behaviour and its RLDP options: part
 * size, send and confirm cadence, version policy; tonutils in v2 and v1, see VERSIONS) over
 *   - direct loopback UDP, and
 *   - the bridge's WebSocket datagram relay (client ↔ WebSocket ↔ bridge ↔ UDP ↔ site),
 * with the raw datagram throughput of the same two paths measured in the same run, right before each kind's
 * downloads, as baselines (840-byte datagrams, the size of one RLDP symbol message, blasted without any protocol).
 * BENCH_PEERS and BENCH_PATHS (bench/peer-kinds.ts) cut a run down.
 *
 * As in real use, the servers (AdnlNode + RldpNode serving the answer) run in their own thread and so does the
 * bridge; the client runs in the main thread. Each figure is the best of RUNS downloads; every run is listed.
 *
 * Crypto: the servers use OpenSSL's SHA-256/AES-CTR (node:crypto), as a real TON site (a C++ node) uses native
 * crypto. The client is measured twice: `crypto: node:crypto` is `tonsite fetch`/`proxy` in Node (the goal
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
import { startDevnetAdnlServer } from '../src/devnet/adnl-server.ts';
import { peerProfile, rldpOptionsOf, type PeerKind } from '../src/devnet/peers/index.ts';
import { RldpNode, type RldpAdnlTransport, type RldpVersion } from '../src/net/rldp/index.ts';
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
import {
  benchPaths,
  benchPeers,
  best,
  DOWNLOAD_GOAL_MBPS,
  RELAY_GOAL_RATIO,
  tonutilsSenderCeiling,
  type BenchPath,
} from './peer-kinds.ts';

const SIZE = 20_000_000;
/** Downloads per figure (the first also warms the JIT up; all runs are listed). */
const RUNS = 3;

/**
 * The versions a kind's transfer to our client goes in. ours and cpp: RLDP2 (a cpp node has nothing else; ours
 * answers in the query's version and our gateway asks in v2). tonutils: it answers in the version it last heard
 * from us (tonutils-go handleMessage `useV2`), so v2 for our gateway, which asks in RLDP2 — and v1, the version
 * tonutils-go's own client speaks, in which its 7–10 MB/s were measured.
 */
const VERSIONS: Record<PeerKind, RldpVersion[]> = { ours: [2], cpp: [2], tonutils: [2, 1] };

interface KindSite {
  kind: PeerKind;
  port: number;
  publicKey: Uint8Array;
  partSize: number;
}

interface SiteInfo {
  sites: KindSite[];
  blastPort: number;
}

type WorkerRole = 'site' | 'bridge';

// ---- worker side ----

/** One server per kind: its ADNL behaviour (devnet adnl-server) and its RLDP options, all serving the same body. */
async function runSite(kinds: PeerKind[]): Promise<void> {
  const body = new Uint8Array(SIZE);
  for (let i = 0; i < SIZE; i++) body[i] = (i * 2654435761) >>> 24;
  const sites: KindSite[] = [];
  for (const kind of kinds) {
    const profile = peerProfile(kind);
    const keyPair = generateKeyPair();
    const { adnlNode, address } = await startDevnetAdnlServer({ keyPair, profile });
    const rldp = new RldpNode(adnlNode, rldpOptionsOf(profile));
    rldp.onQuery = async (_peer, data) => (data.length === 1 ? Uint8Array.of(1) : body);
    sites.push({ kind, port: address.port, publicKey: keyPair.publicKey, partSize: profile.rldp.partSize });
  }
  const blastPort = await startBlaster();
  const info: SiteInfo = { sites, blastPort };
  parentPort!.postMessage(info);
}

async function runBridge(): Promise<void> {
  parentPort!.postMessage(await startRelayBridge());
}

interface WorkerData {
  rldpBench: WorkerRole;
  kinds: PeerKind[];
}

if (!isMainThread && (workerData as Partial<WorkerData> | null)?.rldpBench) {
  const data = workerData as WorkerData;
  (data.rldpBench === 'site' ? runSite(data.kinds) : runBridge()).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

// ---- main side ----

/** Starts this file in a worker thread (TypeScript through tsx's loader) and waits for its first message. */
function startWorker<T>(role: WorkerRole, kinds: PeerKind[]): Promise<{ worker: Worker; info: T }> {
  const data: WorkerData = { rldpBench: role, kinds };
  return startBenchWorker<T>(import.meta.url, data);
}

/**
 * RUNS downloads of the body from `site` by a fresh client (our RldpNode, default options) whose queries go in
 * `version`; the site answers in that version (the query's, or, for a tonutils-kind site, the one it last heard).
 */
async function downloads(
  socket: DatagramSocket,
  site: KindSite,
  crypto: SymmetricPrimitives,
  version: RldpVersion,
): Promise<number[]> {
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair(), crypto });
  const rldp = new RldpNode(adnl);
  const peer: AdnlPeer = adnl.addPeer(site.publicKey, { host: '127.0.0.1', port: site.port });
  // Sets up the ADNL channel (as getCapabilities would before an HTTP request); RLDP resends its symbols when a
  // tonutils-kind site loses them to the first-contact race.
  await rldp.query(peer, Uint8Array.of(0), { maxAnswerSize: 16, timeoutMs: 10_000, version });
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    const answer = await rldp.query(peer, Uint8Array.of(1, 2), {
      maxAnswerSize: SIZE,
      timeoutMs: 120_000,
      version,
    });
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
class MemoryEnd implements RldpAdnlTransport {
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

  const kinds = benchPeers();
  const paths = benchPaths();
  const { worker: siteWorker, info: net } = await startWorker<SiteInfo>('site', kinds);
  const { worker: bridgeWorker, info: bridge } = paths.includes('relay')
    ? await startWorker<{ url: string }>('bridge', kinds)
    : { worker: null, info: null };
  const open: Record<BenchPath, () => Promise<DatagramSocket>> = {
    udp: () => openUdpSocket({ host: '127.0.0.1' }),
    relay: () => openRelaySocket(bridgeUdpUrl(bridge!.url), { WebSocket: WebSocket as never }),
  };
  try {
    for (const site of net.sites) {
      // The raw datagram baseline of each path, measured again right before each kind's downloads.
      const baseline = {} as Record<BenchPath, number>;
      for (const path of paths) {
        baseline[path] = await rawBaseline(await open[path](), net.blastPort);
        report({
          bench: 'rldp.rawDatagrams',
          peer: site.kind,
          path,
          value: baseline[path],
          unit: 'MB/s',
          datagram: BLAST_SIZE,
        });
      }
      for (const version of VERSIONS[site.kind]) {
        for (const crypto of [nativePrimitives, noblePrimitives]) {
          const runs = {} as Record<BenchPath, number[]>;
          for (const path of paths) runs[path] = await downloads(await open[path](), site, crypto, version);
          const native = crypto === nativePrimitives;
          for (const path of paths) {
            const ratio = path === 'relay' && runs.udp ? best(runs.relay) / best(runs.udp) : null;
            report({
              bench: 'rldp.transfer20MB',
              peer: site.kind,
              path,
              crypto: crypto.name,
              value: best(runs[path]),
              unit: 'MB/s',
              version,
              partSize: site.partSize,
              runs: runs[path],
              baseline: baseline[path],
              ...(ratio !== null && { ratioToDirect: Math.round(ratio * 100) / 100 }),
              ...(site.kind === 'tonutils' && {
                senderCeiling: tonutilsSenderCeiling([SIZE], site.partSize),
              }),
              ...(native && path === 'udp' && { goal: DOWNLOAD_GOAL_MBPS[site.kind] }),
              ...(native && ratio !== null && { goal: RELAY_GOAL_RATIO }),
            });
          }
        }
      }
    }
  } finally {
    await siteWorker.terminate();
    await bridgeWorker?.terminate();
  }
}
