/**
 * DNS hints on the devnet (real DNS contracts, liteserver over ADNL-TCP on loopback): the devnet publishes its
 * `dns_hints` in the global config it writes; a walk with them gives exactly the resolution (hops, records,
 * expiry) or error it gives without them, and asks everything in one round after the masterchain block:
 * round trips are counted causally (a batch of writes after something was read), not timed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.ts';
import { devnetDnsHints, type DeployedDns } from '../../src/devnet/dns/index.ts';
import {
  CrossCheckResolver,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_SITE,
  dnsHintsForConfig,
  errorToJson,
  LiteDnsSource,
  liteDnsSources,
  resolutionToJson,
  SourceResolver,
  type DnsError,
  type DnsHints,
  type DnsResolver,
} from '../../src/net/dns/index.ts';
import { LitePool, liteServersFromConfig } from '../../src/net/lite/index.ts';
import { roundTripCounter } from '../../src/net/transport/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';
import { startDnsDevnet } from './helpers/dns-devnet.ts';

let devnet: Devnet;
let dns: DeployedDns;
let hints: DnsHints;

beforeAll(async () => {
  ({ devnet, dns } = await startDnsDevnet());
  hints = dnsHintsForConfig(devnet.globalConfig)!;
});

afterAll(async () => {
  await devnet?.stop();
});

/** A pool whose connections count round trips: each batch of writes that follows a read starts a new one. */
function countingPool(): { pool: LitePool; rounds: () => number } {
  const counter = roundTripCounter();
  const pool = new LitePool({
    servers: liteServersFromConfig(devnet.globalConfig),
    connector: (s) => counter.wrap(tcpConnector(s.host, s.port)),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
  return { pool, rounds: () => counter.rounds() };
}

async function outcome(resolver: DnsResolver, name: string, category: bigint): Promise<string> {
  try {
    const r = resolutionToJson(await resolver.resolve(name, category));
    return JSON.stringify({ answer: r.answer, hops: r.hops, expiresAt: r.expiresAt, name: r.name });
  } catch (error) {
    return JSON.stringify(errorToJson(error as DnsError));
  }
}

describe('DNS hints on the devnet', () => {
  it('the devnet writes its hints into the global config, in the form the hosts read', () => {
    const expected = devnetDnsHints(dns);
    expect(hints.root!.equals(dns.root)).toBe(true);
    expect(hints.zones!.ton.resolver.equals(dns.collections.ton)).toBe(true);
    expect(hints.zones!['t.me'].resolver.equals(dns.collections.tme)).toBe(true);
    expect(hints.zones!.ton.itemCode!.equals(expected.zones!.ton.itemCode!)).toBe(true);
    expect(devnet.globalConfig.dns_hints).toMatchObject({ root: dns.root.toRawString() });
  });

  it('every name resolves (or fails) exactly as without hints, single and cross-checked', async () => {
    const names = [
      ...dns.names.map((n) => n.name),
      ...dns.unregistered,
      'www.ton', // the root's own www resolver: the guessed .ton item is not where the root leads
    ];
    const { pool } = countingPool();
    try {
      for (const name of names) {
        for (const category of [DNS_CATEGORY_SITE, DNS_CATEGORY_ALL]) {
          const plain = await outcome(new SourceResolver(new LiteDnsSource(pool)), name, category);
          const hinted = await outcome(
            new SourceResolver(new LiteDnsSource(pool, { hints })),
            name,
            category,
          );
          expect(hinted, `${name} ${category}`).toBe(plain);
        }
      }
      const cross = await outcome(
        new CrossCheckResolver(liteDnsSources(pool, { hints })),
        'blog.docs.alice.ton',
        DNS_CATEGORY_SITE,
      );
      expect(cross).toBe(
        await outcome(new SourceResolver(new LiteDnsSource(pool)), 'blog.docs.alice.ton', DNS_CATEGORY_SITE),
      );
    } finally {
      pool.close();
    }
  });

  it('cold: connect, handshake + block, then one round for every hop (5 rounds without hints -> 3)', async () => {
    const cold = async (name: string, withHints: boolean) => {
      const { pool, rounds } = countingPool();
      let queries = 0;
      try {
        const source = new LiteDnsSource(pool, {
          hints: withHints ? hints : undefined,
          onQuery: () => queries++,
        });
        const res = await new SourceResolver(source).resolve(name, DNS_CATEGORY_SITE);
        return { rounds: rounds(), queries, hops: res.hops.length };
      } finally {
        pool.close();
      }
    };
    for (const name of ['alice.ton', 'gateway.t.me']) {
      const plain = await cold(name, false);
      const hinted = await cold(name, true);
      // connect; handshake + getMasterchainInfo; getConfigParams; root; collection; item + its expiry
      expect(plain, name).toEqual({ rounds: 6, queries: 6, hops: 3 });
      // connect; handshake + getMasterchainInfo; getConfigParams with every hop and the expiry
      expect(hinted, name).toEqual({ rounds: 3, queries: 6, hops: 3 });
    }
    // docs.alice.ton: the sub-domain registry is named by alice's item, so it and its item come after
    const docs = await cold('docs.alice.ton', true);
    expect(docs).toMatchObject({ rounds: 5, hops: 5 });
  });
});
