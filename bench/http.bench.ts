/**
 * HTTP over RLDP through the gateway (src/net/gateway), end to end on loopback, as a user gets it, from a site of
 * each devnet peer kind (src/devnet/peers, `peer`: ours, cpp, tonutils — the demo's alice, alice-cpp and
 * alice-tonutils, all serving alice's content):
 *  1. 20 MiB download (the devnet demo file) in MB/s over direct UDP and through the bridge's /udp relay, with the
 *     raw datagram throughput of both paths measured in the same run, right before each kind's downloads, as the
 *     baseline (site blasts datagrams with no protocol); for `ours` also from an RLDP v1-only site. `rldp` is the
 *     version the gateway used.
 *  2. Time to first byte of a small page (alice's index.html) with 50 ms added to every datagram and TCP write
 *     the client sends (so one round trip = 50 ms), in round trips:
 *       cold .adnl — fresh gateway, empty caches, no ADNL channel: DHT lookup + capabilities + request, from a
 *                 site of each kind; the tonutils kind loses a new peer's first packet's queries at its default
 *                 rate (tonutils-go's first-contact race), so it gets TONUTILS_COLD_RUNS runs, the median is the
 *                 figure, and `raceHits` says how many runs the race hit;
 *       cold .ton  — also the DNS walk through the liteserver (connection set-up included), alice.ton (ours);
 *       warm      — the connection to the site (ours) is up;
 *       cold .adnl, site drops first-contact queries — as cold .adnl, from a site (ours) whose ADNL node always
 *                 drops the queries and custom messages of a new peer's first packet (the race at rate 1).
 *     "head" = the response status and headers are in (the first byte a proxy can send to the browser);
 *     "body" = the first byte of the body is readable; "page" = the whole page is read.
 * The sites, the DHT nodes and the devnet chain run in one worker thread, the bridge in another, the client in the
 * main thread (as the extension and a site would be separate processes). HTTP_BENCH=ttfb|downloads runs one part;
 * BENCH_PEERS and BENCH_PATHS (bench/peer-kinds.ts) cut a run down further.
 *
 * Crypto: devnet sites use OpenSSL's SHA-256/AES-CTR (node:crypto), as a real site (a C++ node) uses native crypto.
 * Downloads are measured with the client on node:crypto (`tonsite fetch`/`proxy`; the goals apply) and on noble
 * (the extension's service worker). Time to first byte uses noble, the extension's path.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { PEER_KINDS, TONUTILS_PART_SIZE, type PeerKind } from '../src/devnet/peers/index.ts';
import { AdnlNode } from '../src/net/adnl/index.ts';
import {
  adnlIdToText,
  generateKeyPair,
  noblePrimitives,
  type SymmetricPrimitives,
} from '../src/net/crypto/index.ts';
import { DhtClient, parseDhtConfig, type DhtConfig } from '../src/net/dht/index.ts';
import {
  dnsHintsForConfig,
  FailoverResolver,
  LiteDnsSource,
  provenDnsSources,
  SourceResolver,
} from '../src/net/dns/index.ts';
import { Gateway, type GatewayRequestLog } from '../src/net/gateway/index.ts';
import {
  answerCapabilitiesQuery,
  capabilitiesOf,
  HTTP_CHUNK_SIZE,
  HttpError,
  HttpServer,
  type HttpHandler,
} from '../src/net/http/index.ts';
import { BlockTrust, configAnchors, LitePool, liteServersFromConfig } from '../src/net/lite/index.ts';
import { RldpNode } from '../src/net/rldp/index.ts';
import {
  bridgeUdpUrl,
  FaultySocket,
  openRelaySocket,
  type ByteStream,
  type DatagramSocket,
  type StreamConnector,
} from '../src/net/transport/index.ts';
import { nativePrimitives } from '../src/node/native-crypto.ts';
import { tcpConnector } from '../src/node/tcp-stream.ts';
import { openUdpSocket } from '../src/node/udp-socket.ts';
import {
  BLAST_SIZE,
  rawBaseline,
  startBenchWorker,
  startBlaster,
  startRelayBridge,
} from './datagram-paths.ts';
import { mbps, report } from './harness.ts';
import {
  benchPaths,
  benchPeers,
  best,
  COLD_ADNL_GOAL_RTT,
  DOWNLOAD_GOAL_MBPS,
  median,
  RELAY_GOAL_RATIO,
  tonutilsSenderCeiling,
  type BenchPath,
} from './peer-kinds.ts';

/** Downloads per figure (the first of a fresh client also warms the JIT up; all runs are listed). */
const RUNS = 3;
const DELAY_MS = 50;
const COLD_RUNS = 3;
/** Cold runs from the tonutils-kind site, whose first-contact race hits some and not others: the median of these. */
const TONUTILS_COLD_RUNS = 9;
const WARM_RUNS = 5;

/** A site serving alice's pages and /big.bin, of one peer kind; `rldp`: the best version it speaks. */
interface KindSite {
  peer: PeerKind;
  rldp: 'v1' | 'v2';
  host: string;
}

interface SiteInfo {
  /** The demo's alice sites of each kind (alice, alice-cpp, alice-tonutils) and an RLDP v1-only `ours` one. */
  sites: KindSite[];
  /** The same pages from a site that drops the queries of every new peer's first packet. */
  racy: string;
  /** The drop rate of the tonutils-kind site's first-contact race. */
  tonutilsDropRate: number;
  blastPort: number;
  dht: unknown;
  globalConfig: unknown;
  bigSize: number;
}

/** Asked of the site worker: messages the tonutils-kind site has dropped to its first-contact race so far. */
const DROPS_ASK = 'firstContactDrops';

/** The demo site of each kind that serves alice's content (src/devnet/sites/demo-sites.ts DEMO_SITES). */
const ALICE_OF_KIND: Record<PeerKind, string> = {
  ours: 'alice',
  cpp: 'alice-cpp',
  tonutils: 'alice-tonutils',
};

type Role = 'site' | 'bridge';

// ---- workers ----

async function runSite(): Promise<void> {
  const { startDevnet } = await import('../src/devnet/index.ts');
  const { devnetDhtPlugin } = await import('../src/devnet/dht/index.ts');
  const { devnetDnsPlugin } = await import('../src/devnet/dns/index.ts');
  const sites = await import('../src/devnet/sites/index.ts');
  const dht = devnetDhtPlugin({ count: 3 });
  const plugin = sites.devnetSitesPlugin({ dht });
  const devnet = await startDevnet({
    plugins: [devnetDnsPlugin(), dht, plugin],
    bridge: false,
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  const demo = await plugin.ready;
  const ofKind = (kind: PeerKind) => {
    const site = demo.find((d) => d.name === ALICE_OF_KIND[kind]);
    if (!site || site.kind !== kind) throw new Error(`no demo site ${ALICE_OF_KIND[kind]} of kind ${kind}`);
    return site;
  };
  const v1 = await sites.startSiteServer({
    name: 'alice-v1',
    handler: sites.demoSiteHandler('alice'),
    keyPair: sites.demoSiteKey('alice-v1'),
    rldpVersion: 1,
  });
  await (await dht.ready).publishAddress(v1.keyPair, v1.address);
  const racy = await startRacySite(sites.demoSiteHandler('alice'));
  await (await dht.ready).publishAddress(racy.keyPair, racy.address);
  const tonutils = ofKind('tonutils');
  parentPort!.on('message', (m) => {
    if (m === DROPS_ASK) parentPort!.postMessage(tonutils.adnlNode.stats.dropped['first-contact'] ?? 0);
  });

  const blastPort = await startBlaster();
  const kindSites: KindSite[] = [];
  for (const kind of PEER_KINDS) {
    const site = ofKind(kind);
    kindSites.push({ peer: kind, rldp: site.rldpVersion === 2 ? 'v2' : 'v1', host: `${site.adnl}.adnl` });
    if (kind === 'ours') kindSites.push({ peer: kind, rldp: 'v1', host: `${v1.adnl}.adnl` });
  }
  const info: SiteInfo = {
    sites: kindSites,
    racy: `${adnlIdToText(racy.adnl.id)}.adnl`,
    tonutilsDropRate: tonutils.profile.adnl.firstContactDropRate,
    blastPort,
    dht: (devnet.globalConfig as { dht: unknown }).dht,
    globalConfig: devnet.globalConfig,
    bigSize: sites.BIG_FILE_SIZE,
  };
  parentPort!.postMessage(info);
}

/**
 * An RLDP2 site like alice whose ADNL node loses the queries and custom messages of every new peer's first packet
 * (the devnet's own site server has no such knob; this is the same stack with it set).
 */
async function startRacySite(handler: HttpHandler) {
  const keyPair = generateKeyPair();
  const socket = await openUdpSocket({ host: '127.0.0.1' });
  const address = { host: '127.0.0.1', port: socket.address().port };
  const adnl = new AdnlNode({
    socket,
    keyPair,
    addresses: [address],
    crypto: nativePrimitives,
    dropFirstContactQueries: () => true,
  });
  const rldp = new RldpNode(adnl);
  const http = new HttpServer(rldp, handler);
  rldp.onQuery = (peer, data, ctx) =>
    http.handleQuery(peer, data, ctx) ?? Promise.reject(new HttpError('protocol', 'not an HTTP query'));
  adnl.onQuery = async (_peer, query) => answerCapabilitiesQuery(query, capabilitiesOf(true))?.answer ?? null;
  return { keyPair, address, adnl };
}

async function runBridge(): Promise<void> {
  parentPort!.postMessage(await startRelayBridge());
}

if (!isMainThread && (workerData as { httpBench?: Role })?.httpBench) {
  const role = (workerData as { httpBench: Role }).httpBench;
  (role === 'site' ? runSite() : runBridge()).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

// ---- main thread ----

function startWorker<T>(role: Role): Promise<{ worker: Worker; info: T }> {
  return startBenchWorker<T>(import.meta.url, { httpBench: role });
}

/** A ByteStream whose writes (and connect) take `ms` longer: one TCP round trip = ms. */
function delayedConnector(inner: StreamConnector, ms: number): StreamConnector {
  return async () => {
    await new Promise((r) => setTimeout(r, ms));
    const stream = await inner();
    const outer: ByteStream = {
      onData: null,
      onClose: null,
      write: (data) => {
        const copy = data.slice();
        setTimeout(() => stream.write(copy), ms);
      },
      close: () => stream.close(),
    };
    stream.onData = (d) => outer.onData?.(d);
    stream.onClose = (e) => outer.onClose?.(e);
    return outer;
  };
}

interface Client {
  gateway: Gateway;
  close(): Promise<void>;
}

function makeClient(
  openSocket: () => Promise<DatagramSocket>,
  dht: DhtConfig,
  opts: { delayMs?: number; globalConfig?: unknown; crypto?: SymmetricPrimitives; verified?: boolean } = {},
): Client {
  let pool: LitePool | null = null;
  if (opts.globalConfig) {
    const servers = liteServersFromConfig(opts.globalConfig);
    pool = new LitePool({
      servers,
      connector: (s) => delayedConnector(tcpConnector(s.host, s.port), opts.delayMs ?? 0),
      healthCheckIntervalMs: 0,
      adnl: { pingIntervalMs: 0 },
    });
  }
  const gateway = new Gateway({
    adnl: async () => {
      let socket = await openSocket();
      if (opts.delayMs) socket = new FaultySocket(socket, { delayMs: opts.delayMs, direction: 'send' });
      return new AdnlNode({ socket, keyPair: generateKeyPair(), crypto: opts.crypto });
    },
    dht: (adnl) => new DhtClient({ adnl, config: dht, timeoutMs: 2000, attempts: 2 }),
    // The devnet's dns_hints section, as a host passes mainnet's: every DNS hop asked at once.
    dns: pool
      ? opts.verified
        ? // Verified DNS (issue 14) as the hosts build it: proofs from the config's init_block, nothing stored.
          new FailoverResolver(
            provenDnsSources(pool, {
              trust: new BlockTrust({
                config: configAnchors((opts.globalConfig as { validator?: unknown }).validator),
              }),
              hints: dnsHintsForConfig(opts.globalConfig) ?? undefined,
            }),
          )
        : new SourceResolver(
            new LiteDnsSource(pool, { hints: dnsHintsForConfig(opts.globalConfig) ?? undefined }),
          )
      : null,
  });
  return {
    gateway,
    async close() {
      await gateway.close();
      pool?.close();
    },
  };
}

/** One 20 MiB download in MB/s, and the RLDP version the gateway used with the site. */
async function download(
  gateway: Gateway,
  url: string,
  size: number,
): Promise<{ mbps: number; version: number }> {
  const start = performance.now();
  const res = await gateway.fetch(url);
  let bytes = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    bytes += r.value.length;
  }
  if (bytes !== size) throw new Error(`got ${bytes} of ${size} bytes`);
  const seconds = (performance.now() - start) / 1000;
  return { mbps: mbps(bytes, seconds), version: (await res.done).rldpVersion ?? 0 };
}

async function downloads(
  client: Client,
  host: string,
  size: number,
): Promise<{ runs: number[]; version: number }> {
  const warm = await client.gateway.fetch(`http://${host}/`); // connection up first
  await new Response(warm.body).arrayBuffer();
  const runs: number[] = [];
  const versions = new Set<number>();
  for (let i = 0; i < RUNS; i++) {
    const d = await download(client.gateway, `http://${host}/big.bin`, size);
    runs.push(d.mbps);
    versions.add(d.version);
  }
  if (versions.size !== 1) throw new Error(`${host}: RLDP version changed between downloads`);
  return { runs, version: [...versions][0] };
}

interface PageTiming {
  head: number;
  body: number;
  page: number;
  /** The gateway's per-stage durations (ms) of the request. */
  stages: GatewayRequestLog['stages'];
}

/** head / first body byte / whole page, in ms. */
async function timePage(gateway: Gateway, url: string): Promise<PageTiming> {
  const start = performance.now();
  const res = await gateway.fetch(url);
  const head = performance.now() - start;
  const reader = res.body!.getReader();
  let first = 0;
  for (;;) {
    const r = await reader.read();
    if (!first) first = performance.now() - start;
    if (r.done) break;
  }
  return { head, body: first, page: performance.now() - start, stages: (await res.done).stages };
}

const rtt = (ms: number) => Math.round((ms / DELAY_MS) * 100) / 100;

function reportTtfb(
  kind: string,
  samples: PageTiming[],
  goal: number,
  extra: Record<string, unknown> = {},
): void {
  const head = median(samples.map((s) => s.head));
  const body = median(samples.map((s) => s.body));
  const page = median(samples.map((s) => s.page));
  // Median of each stage in RTT (where the head's round trips go).
  const stages: Record<string, number> = {};
  for (const name of new Set(samples.flatMap((s) => s.stages.map((x) => x.stage)))) {
    stages[name] = rtt(median(samples.map((s) => s.stages.find((x) => x.stage === name)?.ms ?? 0)));
  }
  report({
    bench: 'http.ttfb',
    kind,
    ...extra,
    value: rtt(head),
    unit: 'RTT',
    rttMs: DELAY_MS,
    headMs: Math.round(head),
    firstBodyByteRtt: rtt(body),
    pageRtt: rtt(page),
    stagesRtt: stages,
    runs: samples.length,
    headRttRuns: samples.map((s) => rtt(s.head)),
    goal,
  });
}

/** The tonutils kind's sender ceiling (peer-kinds.ts) for a body fetched in max_chunk_size answers of 1 MiB parts. */
function httpTonutilsCeiling(size: number): { fresh: number; drained: number } {
  const chunks: number[] = [];
  for (let at = 0; at < size; at += HTTP_CHUNK_SIZE) chunks.push(Math.min(HTTP_CHUNK_SIZE, size - at));
  return tonutilsSenderCeiling(chunks, TONUTILS_PART_SIZE);
}

/** Asks the site worker how many messages the tonutils-kind site has dropped to the first-contact race. */
function firstContactDrops(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    worker.once('message', (n: number) => resolve(n));
    worker.postMessage(DROPS_ASK);
  });
}

export default async function bench(): Promise<void> {
  const kinds = benchPeers();
  const paths = benchPaths();
  const { worker: siteWorker, info: net } = await startWorker<SiteInfo>('site');
  const { worker: bridgeWorker, info: bridge } = paths.includes('relay')
    ? await startWorker<{ url: string }>('bridge')
    : { worker: null, info: null };
  const dht = parseDhtConfig({ dht: net.dht });
  const open: Record<BenchPath, () => Promise<DatagramSocket>> = {
    udp: () => openUdpSocket({ host: '127.0.0.1' }),
    relay: () => openRelaySocket(bridgeUdpUrl(bridge!.url), { WebSocket: WebSocket as never }),
  };
  const udp = open.udp;
  const sites = net.sites.filter((s) => kinds.includes(s.peer));
  try {
    // 1. throughput (HTTP_BENCH=ttfb skips it)
    if (process.env.HTTP_BENCH !== 'ttfb') {
      // One discarded download per crypto first, so the kind measured first does not pay for the JIT warm-up.
      for (const crypto of [nativePrimitives, noblePrimitives]) {
        const client = makeClient(udp, dht, { crypto });
        try {
          await download(client.gateway, `http://${sites[0].host}/big.bin`, net.bigSize);
        } finally {
          await client.close();
        }
      }
      for (const kind of kinds) {
        // The raw datagram baseline of each path, measured again right before each kind's downloads.
        const baseline = {} as Record<BenchPath, number>;
        for (const path of paths) {
          baseline[path] = await rawBaseline(await open[path](), net.blastPort);
          report({
            bench: 'http.rawDatagrams',
            peer: kind,
            path,
            value: baseline[path],
            unit: 'MB/s',
            datagram: BLAST_SIZE,
          });
        }
        for (const site of sites.filter((s) => s.peer === kind)) {
          for (const crypto of [nativePrimitives, noblePrimitives]) {
            const got = {} as Record<BenchPath, { runs: number[]; version: number }>;
            for (const path of paths) {
              const client = makeClient(open[path], dht, { crypto });
              try {
                got[path] = await downloads(client, site.host, net.bigSize);
              } finally {
                await client.close();
              }
            }
            const native = crypto === nativePrimitives;
            for (const path of paths) {
              const ratio = path === 'relay' && got.udp ? best(got.relay.runs) / best(got.udp.runs) : null;
              report({
                bench: 'http.download20MiB',
                peer: kind,
                path,
                // The version the gateway used (the site's best: ours v1-only, else RLDP2).
                rldp: `v${got[path].version}`,
                crypto: crypto.name,
                value: best(got[path].runs),
                unit: 'MB/s',
                runs: got[path].runs,
                baseline: baseline[path],
                ...(ratio !== null && { ratioToDirect: Math.round(ratio * 100) / 100 }),
                ...(kind === 'tonutils' && { senderCeiling: httpTonutilsCeiling(net.bigSize) }),
                ...(native && path === 'udp' && site.rldp === 'v2' && { goal: DOWNLOAD_GOAL_MBPS[kind] }),
                ...(native && ratio !== null && site.rldp === 'v2' && { goal: RELAY_GOAL_RATIO }),
              });
            }
          }
        }
      }
    }

    // 2. time to first byte with 50 ms per round trip
    if (process.env.HTTP_BENCH === 'downloads') return;
    const pageOf = (kind: PeerKind) =>
      `http://${net.sites.find((s) => s.peer === kind && s.rldp === 'v2')!.host}/`;
    const coldRuns = (kind: PeerKind) => (kind === 'tonutils' ? TONUTILS_COLD_RUNS : COLD_RUNS);
    const coldAdnl = new Map<PeerKind, PageTiming[]>(kinds.map((k) => [k, []]));
    /** Per tonutils run: did the site drop our first packet's queries? */
    const raced: boolean[] = [];
    const coldTon: PageTiming[] = [];
    const coldTonVerified: PageTiming[] = [];
    const coldRacy: PageTiming[] = [];
    const rounds = Math.max(...kinds.map(coldRuns), COLD_RUNS);
    for (let i = 0; i < rounds; i++) {
      for (const kind of kinds) {
        if (i >= coldRuns(kind)) continue;
        const dropsBefore = kind === 'tonutils' ? await firstContactDrops(siteWorker) : 0;
        const a = makeClient(udp, dht, { delayMs: DELAY_MS });
        coldAdnl.get(kind)!.push(await timePage(a.gateway, pageOf(kind)));
        await a.close();
        if (kind === 'tonutils') raced.push((await firstContactDrops(siteWorker)) > dropsBefore);
      }
      if (i >= COLD_RUNS) continue;
      const t = makeClient(udp, dht, { delayMs: DELAY_MS, globalConfig: net.globalConfig });
      coldTon.push(await timePage(t.gateway, 'http://alice.ton/'));
      await t.close();
      const v = makeClient(udp, dht, { delayMs: DELAY_MS, globalConfig: net.globalConfig, verified: true });
      coldTonVerified.push(await timePage(v.gateway, 'http://alice.ton/'));
      await v.close();
      const r = makeClient(udp, dht, { delayMs: DELAY_MS });
      coldRacy.push(await timePage(r.gateway, `http://${net.racy}/`));
      await r.close();
    }
    const w = makeClient(udp, dht, { delayMs: DELAY_MS });
    const alice = pageOf('ours');
    await timePage(w.gateway, alice);
    const warm: PageTiming[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await timePage(w.gateway, alice));
    await w.close();
    for (const kind of kinds) {
      reportTtfb('cold .adnl', coldAdnl.get(kind)!, COLD_ADNL_GOAL_RTT, {
        peer: kind,
        ...(kind === 'tonutils' && {
          firstContactDropRate: net.tonutilsDropRate,
          raceHits: raced.filter(Boolean).length,
          racedRuns: raced,
        }),
      });
    }
    reportTtfb('cold .ton', coldTon, 8, { peer: 'ours', dns: 'single-source' });
    // issue 14 goal: a cold verified .ton page head in ≤ 7 RTT
    reportTtfb('cold .ton verified', coldTonVerified, 7, { peer: 'ours', dns: 'proof' });
    reportTtfb('warm', warm, 1.5, { peer: 'ours' });
    reportTtfb('cold .adnl, site drops first-contact queries', coldRacy, COLD_ADNL_GOAL_RTT, {
      peer: 'ours',
      firstContactDropRate: 1,
    });
  } finally {
    await siteWorker.terminate();
    await bridgeWorker?.terminate();
  }
}
