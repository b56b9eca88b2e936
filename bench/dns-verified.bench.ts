/**
 * Verified DNS (issue 14): a cold resolution of alice.ton (2nd level, every hop a known DNS contract: proven) and
 * of blog.docs.alice.ton (4th level, through an owner-set sub-resolver: that hop cross-checked on two liteservers)
 * beside the unverified resolution, same run, same devnet.
 *
 * The devnet runs in a child process (`tonsite devnet`: signed masterchain blocks, key blocks, getBlockProof), so
 * this process is only the client and its CPU time (process.cpuUsage) is the client's — what the service worker
 * would spend. Each cold resolution opens new connections (TCP + ADNL handshake) and starts with nothing cached.
 * The devnet seals a block every 500 ms and a key block every 5 blocks, and the bench waits 12 s, so a sync from
 * the config anchor crosses several key blocks. Round trips are counted causally on the connections (round-trip-counter.ts): the connect, then every burst of
 * writes that follows a read. Modes:
 *   unverified       LiteDnsSource on one liteserver (getMasterchainInfo + runSmcMethod per hop), the hints on
 *   proof/warm       BlockTrust starting from the newest key block (as after an earlier sync: the AnchorStore)
 *   proof/config     BlockTrust starting from the config's init_block (the devnet's first key block)
 * each with WebCrypto Ed25519 (the platform's, as in Chromium) and with noble's (the fallback).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  DNS_CATEGORY_SITE,
  dnsHintsForConfig,
  FailoverResolver,
  LiteDnsSource,
  provenDnsSources,
  SourceResolver,
  type DnsResolver,
} from '../src/net/dns/index.ts';
import {
  BlockTrust,
  configAnchors,
  LitePool,
  liteServersFromConfig,
  MemoryAnchorStore,
  type BlockIdExt,
} from '../src/net/lite/index.ts';
import { nobleEd25519, platformEd25519, type Ed25519BatchVerifier } from '../src/net/crypto/index.ts';
import { roundTripCounter } from '../src/net/transport/index.ts';
import { tcpConnector } from '../src/node/tcp-stream.ts';
import { report } from './harness.ts';

const RUNS = 5;
const NAMES: Array<[string, number]> = [
  ['alice.ton', 2],
  ['blog.docs.alice.ton', 4],
];

async function startChildDevnet(): Promise<{ child: ChildProcess; config: Record<string, unknown> }> {
  const child = spawn(
    process.execPath,
    [
      'bin/tonsite.js',
      'devnet',
      '--liteservers',
      '2',
      '--block-interval',
      '500',
      '--key-block-interval',
      '5',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`tonsite devnet exited (${code})`)));
  });
  const endpoints = JSON.parse(first) as { config: string };
  // A few key blocks after init_block, so a sync from the config anchor has forward links to check.
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  return { child, config: JSON.parse(readFileSync(endpoints.config, 'utf8')) as Record<string, unknown> };
}

interface Run {
  rounds: number;
  queries: number;
  ms: number;
  cpuMs: number;
  trust: string;
}

async function cold(
  config: Record<string, unknown>,
  name: string,
  make: (pool: LitePool, count: () => void) => DnsResolver,
  servers: number,
): Promise<Run> {
  const counter = roundTripCounter();
  const pool = new LitePool({
    servers: liteServersFromConfig(config).slice(0, servers),
    connector: (s) => counter.wrap(tcpConnector(s.host, s.port)),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
  let queries = 0;
  try {
    const resolver = make(pool, () => void queries++);
    const cpu = process.cpuUsage();
    const start = performance.now();
    const res = await resolver.resolve(name, DNS_CATEGORY_SITE);
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return {
      rounds: counter.rounds(),
      queries,
      ms,
      cpuMs: (used.user + used.system) / 1000,
      trust: res.trust?.level ?? 'single-source',
    };
  } finally {
    pool.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const r2 = (x: number) => Math.round(x * 100) / 100;

export default async function dnsVerifiedBench(): Promise<void> {
  const { child, config } = await startChildDevnet();
  try {
    const hints = dnsHintsForConfig(config) ?? undefined;
    const anchors = configAnchors(config.validator);
    const webcrypto = await platformEd25519();
    // The newest key block, as an earlier sync would have stored it (what a returning user starts from).
    const store = new MemoryAnchorStore();
    {
      const pool = new LitePool({
        servers: liteServersFromConfig(config).slice(0, 1),
        connector: (s) => tcpConnector(s.host, s.port),
        healthCheckIntervalMs: 0,
        adnl: { pingIntervalMs: 0 },
      });
      await pool.run((c) => new BlockTrust({ config: anchors, store, verifier: webcrypto }).trustedBlock(c));
      pool.close();
    }
    const newestKey = (await store.load()) ?? (anchors.initBlock as BlockIdExt);
    const proven = (verifier: Ed25519BatchVerifier, warm: boolean) => (pool: LitePool, count: () => void) => {
      const trust = new BlockTrust({
        config: anchors,
        store: new MemoryAnchorStore(warm ? newestKey : null),
        verifier,
      });
      return new FailoverResolver(provenDnsSources(pool, { trust, hints, onQuery: count }));
    };
    const modes: Array<[string, (pool: LitePool, count: () => void) => DnsResolver, number, string]> = [
      [
        'unverified',
        (pool, count) => new SourceResolver(new LiteDnsSource(pool, { hints, onQuery: count })),
        1,
        '-',
      ],
      ['proof.warm', proven(webcrypto, true), 2, webcrypto.name],
      ['proof.warm', proven(nobleEd25519, true), 2, nobleEd25519.name],
      ['proof.config', proven(webcrypto, false), 2, webcrypto.name],
      ['proof.config', proven(nobleEd25519, false), 2, nobleEd25519.name],
    ];
    for (const [name, level] of NAMES) {
      let baseline: { rounds: number; cpuMs: number } | null = null;
      for (const [mode, make, servers, ed25519] of modes) {
        await cold(config, name, make, servers); // warm-up: the OS, the JIT
        const runs: Run[] = [];
        for (let i = 0; i < RUNS; i++) runs.push(await cold(config, name, make, servers));
        const rounds = Math.max(...runs.map((r) => r.rounds));
        const cpuMs = median(runs.map((r) => r.cpuMs));
        baseline ??= { rounds, cpuMs };
        report({
          bench: `dns.cold.L${level}.${mode}`,
          value: rounds,
          unit: 'round trips',
          name,
          ed25519,
          trust: runs[0].trust,
          queries: runs[0].queries,
          clientCpuMs: r2(cpuMs),
          medianMs: r2(median(runs.map((r) => r.ms))),
          baselineRoundTrips: baseline.rounds,
          baselineClientCpuMs: r2(baseline.cpuMs),
          anchorSeqno: mode === 'proof.warm' ? newestKey.seqno : anchors.initBlock?.seqno,
          note: 'new connections, nothing cached; client process CPU (the devnet runs in a child process)',
        });
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
}
