/**
 * TON DNS over the devnet's liteservers (ADNL over TCP on loopback): the lite client walks the real contracts,
 * two liteservers are cross-checked, and a liteserver serving a tampered state is caught.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDnsPlugin, sendChangeDnsRecord, type DeployedDns } from '../../src/devnet/dns/index.ts';
import { LitePool, liteServersFromConfig, type LiteServerEntry } from '../../src/net/lite/index.ts';
import {
  CrossCheckResolver,
  DnsDisagreementError,
  DnsExpiredError,
  DnsNoRecordError,
  DnsNotRegisteredError,
  DNS_CATEGORY_SITE,
  LiteDnsSource,
  liteDnsSources,
  recordToJson,
  SourceResolver,
} from '../../src/net/dns/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';
import { startDnsDevnet } from './helpers/dns-devnet.ts';

let devnet: Devnet;
let dns: DeployedDns;
let pool: LitePool;

function poolOf(servers: LiteServerEntry[]): LitePool {
  return new LitePool({
    servers,
    connector: (s) => tcpConnector(s.host, s.port),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
}

beforeAll(async () => {
  ({ devnet, dns } = await startDnsDevnet());
  pool = poolOf(liteServersFromConfig(devnet.globalConfig));
});

afterAll(async () => {
  pool?.close();
  await devnet?.stop();
});

describe('DNS through devnet liteservers', () => {
  it('prints the root in the endpoints and serves it as ConfigParam 4', async () => {
    expect(devnet.endpoints.dnsRoot).toBe(dns.root.toRawString());
    const snap = await new LiteDnsSource(pool).snapshot();
    expect((await snap.rootAddress()).equals(dns.root)).toBe(true);
  });

  it('resolves every demo name, sub-domains included, and the unregistered/expired ones fail right', async () => {
    let queries = 0;
    const resolver = new SourceResolver(new LiteDnsSource(pool, { onQuery: () => queries++ }));
    for (const d of dns.names.filter((n) => !n.expired)) {
      const [category, record] = [...d.records].find(([c]) => c === DNS_CATEGORY_SITE) ?? [...d.records][0];
      const res = await resolver.resolve(d.name, category);
      expect(res.answer.kind === 'record' && recordToJson(res.answer.record), d.name).toEqual(
        recordToJson(record),
      );
      expect(res.hops.at(-1)!.contract.equals(d.item)).toBe(true);
      expect(res.sources[0]).toMatch(/^127\.0\.0\.1:\d+ @ masterchain seqno \d+$/);
    }
    expect(queries).toBeGreaterThan(0);
    for (const name of dns.unregistered) {
      expect(await resolver.resolve(name, DNS_CATEGORY_SITE).catch((e) => e), name).toBeInstanceOf(
        DnsNotRegisteredError,
      );
    }
    expect(await resolver.resolve('oldsite.ton', DNS_CATEGORY_SITE).catch((e) => e)).toBeInstanceOf(
      DnsExpiredError,
    );
    expect(await resolver.resolve('wallet-only.ton', DNS_CATEGORY_SITE).catch((e) => e)).toBeInstanceOf(
      DnsNoRecordError,
    );
  });

  it('cross-checks two liteservers of the same chain', async () => {
    const sources = liteDnsSources(pool);
    expect(sources).toHaveLength(2);
    const res = await new CrossCheckResolver(sources).resolve('blog.docs.alice.ton', DNS_CATEGORY_SITE);
    expect(res.sources).toHaveLength(2);
    expect(new Set(res.sources.map((s) => s.split(' ')[0])).size).toBe(2);
  });

  it('a liteserver serving a tampered state produces DnsDisagreementError', async () => {
    const plugin = devnetDnsPlugin();
    const evil = await startDevnet({
      liteservers: 1,
      plugins: [plugin],
      bridge: false,
      blockIntervalMs: 0,
      demoAccounts: false,
    });
    try {
      const evilDns = await plugin.ready;
      expect(evilDns.root.equals(dns.root)).toBe(true); // same deterministic deployment...
      const alice = evilDns.names.find((n) => n.name === 'alice.ton')!;
      await sendChangeDnsRecord(evilDns.owner, alice.item, DNS_CATEGORY_SITE, {
        type: 'adnl',
        adnl: new Uint8Array(32).fill(0xee),
        protocols: null,
      }); // ...but this one's alice.ton points elsewhere
      evil.seal();
      const mixed = poolOf([
        liteServersFromConfig(devnet.globalConfig)[0],
        { ...liteServersFromConfig(evil.globalConfig)[0], index: 1 },
      ]);
      try {
        const e = await new CrossCheckResolver(liteDnsSources(mixed))
          .resolve('alice.ton', DNS_CATEGORY_SITE)
          .catch((x) => x);
        expect(e).toBeInstanceOf(DnsDisagreementError);
        expect((e as DnsDisagreementError).outcomes.join(' ')).toContain('eeee');
        const ok = await new CrossCheckResolver(liteDnsSources(mixed)).resolve(
          'static.ton',
          DNS_CATEGORY_SITE,
        );
        expect(ok.sources).toHaveLength(2);
      } finally {
        mixed.close();
      }
    } finally {
      await evil.stop();
    }
  });
});
