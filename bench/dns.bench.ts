/**
 * TON DNS resolution on the devnet (real DNS contracts, liteservers over ADNL-TCP on loopback), warm connections:
 * liteserver queries per resolution and ms per resolution for 2nd-, 3rd- and 4th-level names
 * (alice.ton, docs.alice.ton, blog.docs.alice.ton), single-source and cross-checked on two liteservers.
 * The masterchain block and the root address are reused between resolutions (LiteDnsSource caches them), so a
 * warm resolution costs one runSmcMethod per hop plus one get_last_fill_up_time per domain item (run in
 * parallel with the walk). Same-run baseline: one getMasterchainInfo round trip on the same warm connection, and one dnsresolve runSmcMethod alone
 * (most of a hop's time is the devnet liteserver running the get method in the sandbox's TVM, not the client).
 *
 * Cold resolutions (a new connection, nothing cached: what the first visit of a .ton site pays) with and without
 * the devnet's DNS hints (`dns_hints` of its global config, as hosts pass mainnet's): round trips counted
 * causally on the connection (the connect, then every batch of writes that follows a read), queries, and ms on
 * loopback. Without hints every hop waits for the previous one; with them every predicted hop goes out with the
 * ConfigParam 4 lookup.
 */
import { startDevnet } from '../src/devnet/index.ts';
import { devnetDnsPlugin } from '../src/devnet/dns/index.ts';
import {
  CrossCheckResolver,
  DNS_CATEGORY_SITE,
  dnsHintsForConfig,
  LiteDnsSource,
  liteDnsSources,
  SourceResolver,
  type DnsHints,
  type DnsResolver,
} from '../src/net/dns/index.ts';
import { LitePool, liteServersFromConfig } from '../src/net/lite/index.ts';
import { roundTripCounter } from '../src/net/transport/index.ts';
import { tcpConnector } from '../src/node/tcp-stream.ts';
import { report, timeIt, xorBaseline } from './harness.ts';

const COLD_RUNS = 5;

/** One cold resolution on a new pool whose connection counts round trips (see the header). */
async function coldResolution(
  globalConfig: unknown,
  name: string,
  hints: DnsHints | undefined,
): Promise<{ rounds: number; queries: number; ms: number }> {
  const counter = roundTripCounter();
  const pool = new LitePool({
    servers: liteServersFromConfig(globalConfig).slice(0, 1),
    connector: (s) => counter.wrap(tcpConnector(s.host, s.port)),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
  let queries = 0;
  try {
    const source = new LiteDnsSource(pool, { hints, onQuery: () => void queries++ });
    const start = performance.now();
    await new SourceResolver(source).resolve(name, DNS_CATEGORY_SITE);
    return { rounds: counter.rounds(), queries, ms: performance.now() - start };
  } finally {
    pool.close();
  }
}

const NAMES: Array<[string, number]> = [
  ['alice.ton', 2],
  ['docs.alice.ton', 3],
  ['blog.docs.alice.ton', 4],
];

export default async function dnsBench(): Promise<void> {
  const devnet = await startDevnet({
    liteservers: 2,
    plugins: [devnetDnsPlugin()],
    bridge: false,
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  const pool = new LitePool({
    servers: liteServersFromConfig(devnet.globalConfig),
    connector: (s) => tcpConnector(s.host, s.port),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
  try {
    let queries = 0;
    const count = { onQuery: () => void queries++, blockMaxAgeMs: 3_600_000 };
    const setups: Array<[string, DnsResolver]> = [
      ['single', new SourceResolver(new LiteDnsSource(pool, { ...count, server: 0 }))],
      ['cross-checked', new CrossCheckResolver(liteDnsSources(pool, count))],
      [
        'single-no-expiry-check',
        new SourceResolver(new LiteDnsSource(pool, { ...count, server: 0 }), { checkExpiry: false }),
      ],
    ];
    const rtt = await timeIt(() => pool.runOn(0, (c) => c.getMasterchainInfo()), 1000);
    const rttMs = Math.round(rtt * 1e5) / 100;
    report({
      bench: 'dns.baseline.getMasterchainInfo',
      value: rttMs,
      unit: 'ms',
      note: 'one liteserver round trip, warm',
    });
    // What one hop costs by itself: a runSmcMethod dnsresolve on the root (the devnet runs it in the sandbox TVM).
    const snapshot = await new LiteDnsSource(pool, { server: 0, blockMaxAgeMs: 3_600_000 }).snapshot();
    const root = await snapshot.rootAddress();
    const internal = new TextEncoder().encode('\0ton\0alice\0');
    const hop = await timeIt(() => snapshot.dnsresolve(root, internal, DNS_CATEGORY_SITE), 1000);
    const hopMs = Math.round(hop * 1e5) / 100;
    report({
      bench: 'dns.baseline.runSmcMethod',
      value: hopMs,
      unit: 'ms',
      note: 'one dnsresolve get method, warm',
    });
    for (const [trust, resolver] of setups) {
      for (const [name, level] of NAMES) {
        await resolver.resolve(name, DNS_CATEGORY_SITE); // warm: connection, block, root address
        queries = 0;
        await resolver.resolve(name, DNS_CATEGORY_SITE);
        const perResolution = queries;
        const seconds = await timeIt(() => resolver.resolve(name, DNS_CATEGORY_SITE), 1500);
        const ms = Math.round(seconds * 1e5) / 100;
        report({
          bench: `dns.${trust}.L${level}.queries`,
          value: perResolution,
          unit: 'queries/resolution',
          name,
          via: 'devnet liteservers',
        });
        report({
          bench: `dns.${trust}.L${level}.time`,
          value: ms,
          unit: 'ms',
          name,
          baselineRttMs: rttMs,
          baselineHopMs: hopMs,
          hopTimes: Math.round((ms / hopMs) * 10) / 10,
        });
      }
    }
    const hints = dnsHintsForConfig(devnet.globalConfig) ?? undefined;
    if (!hints) throw new Error('the devnet global config has no dns_hints');
    for (const [name, level] of NAMES) {
      for (const [mode, h] of [
        ['plain', undefined],
        ['hinted', hints],
      ] as const) {
        const runs = [];
        for (let i = 0; i < COLD_RUNS; i++) runs.push(await coldResolution(devnet.globalConfig, name, h));
        const ms = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
        report({
          bench: `dns.cold.L${level}.roundTrips`,
          mode,
          value: Math.max(...runs.map((r) => r.rounds)),
          unit: 'round trips',
          name,
          queries: runs[0].queries,
          medianMs: Math.round(ms * 100) / 100,
          baselineRttMs: rttMs,
          note: 'TCP connect + ADNL handshake with getMasterchainInfo + the walk, new connection',
        });
      }
    }
    report({ bench: 'dns.baseline.xor', value: xorBaseline(1 << 22), unit: 'MB/s' });
  } finally {
    pool.close();
    await devnet.stop();
  }
}
