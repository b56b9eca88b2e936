/**
 * src/net/storage:
 *   storage.piece.verify    — a 128 KiB piece checked against its Merkle proof (BoC parse, path walk, sha256 of
 *                              the piece), in MB/s, against a same-run baseline of sha256 alone over the same bytes;
 *   storage.bag.create      — createBag over the 20 MiB demo file (pieces, Merkle tree, header, TorrentInfo), MB/s,
 *                              same sha256 baseline;
 *   storage.download.direct — the devnet's 20 MiB file bag through the gateway (DHT overlay lookup, sessions with
 *   storage.download.relay    two seeders, every piece verified, streamed; no piece cache) over direct UDP and
 *                              through the bridge's /udp relay, MB/s, against a same-run baseline of plain RLDP
 *                              queries answering 128 KiB (4 in flight, the same 20 MiB) over the same path.
 * The seeders, the DHT and the bridge run in a worker thread, the client in the main thread. The machine is
 * shared: each download figure is the best of two runs.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { AdnlNode } from '../src/net/adnl/index.ts';
import { generateKeyPair, sha256 } from '../src/net/crypto/index.ts';
import { RldpNode } from '../src/net/rldp/index.ts';
import { createBag, MerkleTree, verifyPieceProof } from '../src/net/storage/index.ts';
import { bridgeUdpUrl, openRelaySocket, type DatagramSocket } from '../src/net/transport/index.ts';
import { createNodeGateway } from '../src/node/proxy/node-gateway.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import { mbps, report, timeSync } from './harness.ts';

const PIECE = 128 * 1024;
const RUNS = 2;

interface NetInfo {
  configPath: string;
  bridge: string;
  url: string;
  size: number;
  raw: { publicKey: number[]; port: number };
}

// ---- worker: devnet with DHT, 2 seeders, bridge, and a plain RLDP node for the baseline ----

async function runNet(): Promise<void> {
  const { startDevnet } = await import('../src/devnet/index.ts');
  const { devnetDhtPlugin } = await import('../src/devnet/dht/index.ts');
  const storage = await import('../src/devnet/storage/index.ts');
  const { hexOf } = await import('../src/net/storage/index.ts');
  const dht = devnetDhtPlugin({ count: 3 });
  const plugin = storage.devnetStoragePlugin({ dht, seeders: 2 });
  const devnet = await startDevnet({ plugins: [dht, plugin], blockIntervalMs: 0, demoAccounts: false });
  const bag = storage.demoFileBag();
  const keyPair = generateKeyPair();
  const udp = await openUdpSocket({ host: '127.0.0.1' });
  const port = udp.address().port;
  const adnl = new AdnlNode({ socket: udp, keyPair, addresses: [{ host: '127.0.0.1', port }] });
  const rldp = new RldpNode(adnl);
  const answer = bag.piece(1);
  rldp.onQuery = async () => answer;
  const info: NetInfo = {
    configPath: devnet.configPath,
    bridge: devnet.endpoints.bridge as string,
    url: `http://${hexOf(bag.info.bagId)}.bag/${storage.DEMO_FILE_BAG_NAME}`,
    size: bag.files[0].data.length,
    raw: { publicKey: [...keyPair.publicKey], port },
  };
  parentPort!.postMessage(info);
}

if (!isMainThread && (workerData as { storageBench?: boolean })?.storageBench) {
  runNet().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

// ---- main thread ----

function startWorker(): Promise<{ worker: Worker; info: NetInfo }> {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  const worker = new Worker(code, { eval: true, workerData: { storageBench: true } });
  return new Promise((resolve, reject) => {
    worker.once('message', (info: NetInfo) => resolve({ worker, info }));
    worker.once('error', reject);
  });
}

/** Plain RLDP: `total` bytes as 128 KiB answers, 4 queries in flight, over `socket`. MB/s. */
async function rldpBaseline(socket: DatagramSocket, raw: NetInfo['raw'], total: number): Promise<number> {
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
  const rldp = new RldpNode(adnl);
  try {
    const peer = adnl.addPeer(Uint8Array.from(raw.publicKey), { host: '127.0.0.1', port: raw.port });
    const ask = () =>
      rldp.query(peer, Uint8Array.of(1, 2, 3, 4), { maxAnswerSize: PIECE + 64, timeoutMs: 10_000 });
    await ask();
    let left = Math.ceil(total / PIECE);
    const start = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (left-- > 0) await ask();
      }),
    );
    return mbps(Math.ceil(total / PIECE) * PIECE, (performance.now() - start) / 1000);
  } finally {
    rldp.close();
    adnl.close();
  }
}

async function download(info: NetInfo, bridge?: string): Promise<number> {
  const node = await createNodeGateway({
    configFile: info.configPath,
    bridge,
    gateway: { storage: { cache: null } },
  });
  try {
    const start = performance.now();
    const res = await node.gateway.fetch(info.url);
    const reader = res.body!.getReader();
    let got = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      got += r.value.length;
    }
    if (got !== info.size) throw new Error(`downloaded ${got} of ${info.size} bytes`);
    return mbps(got, (performance.now() - start) / 1000);
  } finally {
    await node.close();
  }
}

export default async function storageBench(): Promise<void> {
  // Piece verification and bag creation (CPU only).
  const data = new Uint8Array(8 * PIECE).map((_, i) => (i * 2654435761) >>> 24);
  const tree = MerkleTree.fromData(data, PIECE);
  const piece = data.subarray(3 * PIECE, 4 * PIECE);
  const proof = tree.proof(3);
  const check = { proof, rootHash: tree.rootHash, index: 3, piecesCount: 8, data: piece };
  const hashBaseline = mbps(
    PIECE,
    timeSync(() => sha256(piece), 500),
  );
  report({
    bench: 'storage.piece.verify',
    value: mbps(
      PIECE,
      timeSync(() => verifyPieceProof(check), 500),
    ),
    unit: 'MB/s',
    baseline: hashBaseline,
    baselineUnit: 'MB/s sha256 of the same 128 KiB piece',
  });
  const file = new Uint8Array(20 * 1024 * 1024).map((_, i) => (i * 2654435761) >>> 24);
  const t0 = performance.now();
  createBag([{ name: 'big.bin', data: file }], { description: 'bench' });
  report({
    bench: 'storage.bag.create',
    value: mbps(file.length, (performance.now() - t0) / 1000),
    unit: 'MB/s',
    baseline: hashBaseline,
    baselineUnit: 'MB/s sha256 of a 128 KiB piece',
    bytes: file.length,
  });

  // Downloads through the gateway, direct and through the relay.
  const { worker, info } = await startWorker();
  try {
    for (const via of ['direct', 'relay'] as const) {
      const socket = async (): Promise<DatagramSocket> =>
        via === 'direct'
          ? openUdpSocket({ host: '127.0.0.1' })
          : openRelaySocket(bridgeUdpUrl(info.bridge), { WebSocket: WebSocket as never });
      let best = 0;
      let baseline = 0;
      for (let run = 0; run < RUNS; run++) {
        baseline = Math.max(baseline, await rldpBaseline(await socket(), info.raw, info.size));
        best = Math.max(best, await download(info, via === 'relay' ? info.bridge : undefined));
      }
      report({
        bench: `storage.download.${via}`,
        value: best,
        unit: 'MB/s',
        baseline,
        baselineUnit: `MB/s plain RLDP, 128 KiB answers x4 in flight, ${via === 'relay' ? 'through the relay' : 'direct UDP'}`,
        bytes: info.size,
        seeders: 2,
        runs: RUNS,
      });
    }
  } finally {
    await worker.terminate();
  }
}
