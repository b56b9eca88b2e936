/**
 * HTTP over RLDP through the gateway (src/net/gateway), end to end on loopback, as a user gets it:
 *  1. 20 MiB download (the devnet demo file) in MB/s over direct UDP and through the bridge's /udp relay, with the
 *     raw datagram throughput of both paths measured in the same run as the baseline (site blasts datagrams
 *     with no protocol), for an RLDP v2 site (and the same file from an RLDP v1-only site).
 *  2. Time to first byte of a small page (alice's index.html) with 50 ms added to every datagram and TCP write
 *     the client sends (so one round trip = 50 ms), in round trips:
 *       cold .adnl — fresh gateway, empty caches, no ADNL channel: DHT lookup + capabilities + request;
 *       cold .ton  — also the DNS walk through the liteserver (connection set-up included);
 *       warm      — the connection to the site is up;
 *       cold .adnl, site drops first-contact queries — as cold .adnl, from a site whose ADNL node drops the queries
 *                 and custom messages of a new peer's first packet (AdnlNode dropFirstContactQueries: tonutils-go's
 *                 first-contact race, which a fixed 1.5 s retry used to turn into +30 RTT).
 *     "head" = the response status and headers are in (the first byte a proxy can send to the browser);
 *     "body" = the first byte of the body is readable; "page" = the whole page is read.
 * The site, the DHT nodes and the devnet chain run in one worker thread, the bridge in another, the client in the
 * main thread (as the extension and a site would be separate processes).
 *
 * Crypto: devnet sites use OpenSSL's SHA-256/AES-CTR (node:crypto), as a real site (a C++ node) uses native crypto.
 * Downloads are measured with the client on node:crypto (`tonsite fetch`/`proxy`; the targets apply) and on noble
 * (the extension's service worker). Time to first byte uses noble, the extension's path.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket from 'ws';
import { AdnlNode } from '../src/net/adnl/index.ts';
import {
  adnlIdToText,
  generateKeyPair,
  noblePrimitives,
  type SymmetricPrimitives,
} from '../src/net/crypto/index.ts';
import { DhtClient, parseDhtConfig, type DhtConfig } from '../src/net/dht/index.ts';
import { dnsHintsForConfig, LiteDnsSource, SourceResolver } from '../src/net/dns/index.ts';
import { Gateway, type GatewayRequestLog } from '../src/net/gateway/index.ts';
import {
  answerCapabilitiesQuery,
  capabilitiesOf,
  HttpError,
  HttpServer,
  type HttpHandler,
} from '../src/net/http/index.ts';
import { LitePool, liteServersFromConfig } from '../src/net/lite/index.ts';
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

/** Downloads per figure (the first of a fresh client also warms the JIT up; all runs are listed). */
const RUNS = 3;
const DELAY_MS = 50;
const COLD_RUNS = 3;
const WARM_RUNS = 5;

interface SiteInfo {
  v2: string;
  v1: string;
  /** The same pages from a site that drops the queries of every new peer's first packet. */
  racy: string;
  blastPort: number;
  dht: unknown;
  globalConfig: unknown;
  bigSize: number;
}

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
  const [alice] = await plugin.ready;
  const v1 = await sites.startSiteServer({
    name: 'alice-v1',
    handler: sites.demoSiteHandler('alice'),
    keyPair: sites.demoSiteKey('alice-v1'),
    rldpVersion: 1,
  });
  await (await dht.ready).publishAddress(v1.keyPair, v1.address);
  const racy = await startRacySite(sites.demoSiteHandler('alice'));
  await (await dht.ready).publishAddress(racy.keyPair, racy.address);

  const blastPort = await startBlaster();
  const info: SiteInfo = {
    v2: `${alice.adnl}.adnl`,
    v1: `${v1.adnl}.adnl`,
    racy: `${adnlIdToText(racy.adnl.id)}.adnl`,
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
  opts: { delayMs?: number; globalConfig?: unknown; crypto?: SymmetricPrimitives } = {},
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
      ? new SourceResolver(
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

async function download(gateway: Gateway, url: string, size: number): Promise<number> {
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
  return mbps(bytes, (performance.now() - start) / 1000);
}

async function downloads(client: Client, host: string, size: number): Promise<number[]> {
  const warm = await client.gateway.fetch(`http://${host}/`); // connection up first
  await new Response(warm.body).arrayBuffer();
  const runs: number[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await download(client.gateway, `http://${host}/big.bin`, size));
  return runs;
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rtt = (ms: number) => Math.round((ms / DELAY_MS) * 100) / 100;

function reportTtfb(kind: string, samples: PageTiming[], goal: number): void {
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
    value: rtt(head),
    unit: 'RTT',
    rttMs: DELAY_MS,
    headMs: Math.round(head),
    firstBodyByteRtt: rtt(body),
    pageRtt: rtt(page),
    stagesRtt: stages,
    runs: samples.length,
    goal,
  });
}

export default async function bench(): Promise<void> {
  const { worker: siteWorker, info: site } = await startWorker<SiteInfo>('site');
  const { worker: bridgeWorker, info: bridge } = await startWorker<{ url: string }>('bridge');
  const dht = parseDhtConfig({ dht: site.dht });
  const udp = () => openUdpSocket({ host: '127.0.0.1' });
  const relay = () => openRelaySocket(bridgeUdpUrl(bridge.url), { WebSocket: WebSocket as never });
  try {
    // 1. throughput (HTTP_BENCH=ttfb skips it)
    if (process.env.HTTP_BENCH !== 'ttfb') {
      const udpRaw = await rawBaseline(await udp(), site.blastPort);
      const relayRaw = await rawBaseline(await relay(), site.blastPort);
      const best = (r: number[]) => Math.max(...r);
      const figures: Record<string, number[]> = {};
      const cryptos = [nativePrimitives, noblePrimitives];
      for (const crypto of cryptos) {
        for (const [path, open] of [
          ['udp', udp],
          ['relay', relay],
        ] as const) {
          for (const version of ['v2', 'v1'] as const) {
            const client = makeClient(open, dht, { crypto });
            try {
              figures[`${crypto.name}.${path}.${version}`] = await downloads(
                client,
                site[version],
                site.bigSize,
              );
            } finally {
              await client.close();
            }
          }
        }
      }
      report({ bench: 'http.rawDatagrams', path: 'udp', value: udpRaw, unit: 'MB/s', datagram: BLAST_SIZE });
      report({
        bench: 'http.rawDatagrams',
        path: 'relay',
        value: relayRaw,
        unit: 'MB/s',
        datagram: BLAST_SIZE,
      });
      for (const crypto of cryptos) {
        const native = crypto === nativePrimitives;
        for (const version of ['v2', 'v1'] as const) {
          const key = `${crypto.name}.%s.${version}`;
          const direct = best(figures[key.replace('%s', 'udp')]);
          const viaRelay = best(figures[key.replace('%s', 'relay')]);
          report({
            bench: 'http.download20MiB',
            path: 'udp',
            rldp: version,
            crypto: crypto.name,
            value: direct,
            unit: 'MB/s',
            runs: figures[key.replace('%s', 'udp')],
            baseline: udpRaw,
            ...(native && version === 'v2' && { target: 25 }),
          });
          report({
            bench: 'http.download20MiB',
            path: 'relay',
            rldp: version,
            crypto: crypto.name,
            value: viaRelay,
            unit: 'MB/s',
            runs: figures[key.replace('%s', 'relay')],
            baseline: relayRaw,
            ratioToDirect: Math.round((viaRelay / direct) * 100) / 100,
            ...(native && version === 'v2' && { target: 0.7 }),
          });
        }
      }
    }

    // 2. time to first byte with 50 ms per round trip
    if (process.env.HTTP_BENCH === 'downloads') return;
    const page = `http://${site.v2}/`;
    const coldAdnl: PageTiming[] = [];
    const coldTon: PageTiming[] = [];
    const coldRacy: PageTiming[] = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      const a = makeClient(udp, dht, { delayMs: DELAY_MS });
      coldAdnl.push(await timePage(a.gateway, page));
      await a.close();
      const t = makeClient(udp, dht, { delayMs: DELAY_MS, globalConfig: site.globalConfig });
      coldTon.push(await timePage(t.gateway, 'http://alice.ton/'));
      await t.close();
      const r = makeClient(udp, dht, { delayMs: DELAY_MS });
      coldRacy.push(await timePage(r.gateway, `http://${site.racy}/`));
      await r.close();
    }
    const w = makeClient(udp, dht, { delayMs: DELAY_MS });
    await timePage(w.gateway, page);
    const warm: PageTiming[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warm.push(await timePage(w.gateway, page));
    await w.close();
    reportTtfb('cold .adnl', coldAdnl, 3.5);
    reportTtfb('cold .ton', coldTon, 8);
    reportTtfb('warm', warm, 1.5);
    reportTtfb('cold .adnl, site drops first-contact queries', coldRacy, 3.5);
  } finally {
    await siteWorker.terminate();
    await bridgeWorker.terminate();
  }
}
