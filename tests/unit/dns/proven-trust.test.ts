/**
 * Trust labels of resolutions (issue 14): the walk marks each hop with its answer's trust (or the snapshot's),
 * the resolution with the weakest of them plus the snapshot's block and anchor; two agreeing unverified sources
 * are 'cross-checked'; the labels survive the JSON form (the IndexedDB cache, `resolve --json`).
 */
import { Address } from '@ton/core';
import { describe, expect, it } from 'vitest';
import {
  buildDnsRecord,
  CrossCheckResolver,
  DNS_CATEGORY_SITE,
  encodeDnsName,
  resolutionFromJson,
  resolutionToJson,
  SourceResolver,
  weakerTrust,
  walkDns,
  type DnsresolveAnswer,
  type DnsTrust,
  type DnsTrustLevel,
} from '../../../src/net/dns/index.ts';
import { addr, FakeDnsSource } from './fake-source.ts';

const site = buildDnsRecord({ type: 'adnl', adnl: new Uint8Array(32).fill(7), protocols: null });
const internal = encodeDnsName('alice.ton');
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** root → resolver 2 (partial, next_resolver) → site record; hop trusts as given. */
class TrustedFake extends FakeDnsSource {
  constructor(readonly hopTrust: [DnsTrustLevel | undefined, DnsTrustLevel | undefined]) {
    super('fake');
    const cut = internal.indexOf(0, 1); // the root takes the zone label
    this.on(
      this.root,
      text(internal),
      0,
      cut * 8,
      buildDnsRecord({ type: 'next_resolver', address: addr(2) }),
    );
    this.on(addr(2), text(internal.subarray(cut)), 0, (internal.length - cut) * 8, site);
  }
  override async dnsresolve(
    account: Address,
    domain: Uint8Array,
    category: bigint,
  ): Promise<DnsresolveAnswer> {
    const answer = await super.dnsresolve(account, domain, category);
    const trust = this.hopTrust[account.equals(this.root) ? 0 : 1];
    return trust ? { ...answer, trust } : answer;
  }
  trust?(): DnsTrust;
}

function withTrust(t: DnsTrust | null, hops: [DnsTrustLevel | undefined, DnsTrustLevel | undefined]) {
  const source = new TrustedFake(hops);
  if (t) source.trust = () => t;
  return source;
}

describe('trust labels', () => {
  it('an unverified source is single-source, hop by hop', async () => {
    const res = await walkDns(withTrust(null, [undefined, undefined]), 'alice.ton', DNS_CATEGORY_SITE);
    expect(res.trust).toEqual({ level: 'single-source' });
    expect(res.hops.map((h) => h.trust)).toEqual(['single-source', 'single-source']);
  });

  it('a proven snapshot keeps its block and anchor; the weakest hop sets the level', async () => {
    const t: DnsTrust = {
      level: 'proof',
      block: { seqno: 42, rootHash: 'ab'.repeat(32) },
      anchor: { source: 'test', seqno: 40 },
    };
    const all = await walkDns(withTrust(t, ['proof', 'proof']), 'alice.ton', DNS_CATEGORY_SITE);
    expect(all.trust).toEqual(t);
    const mixed = await walkDns(withTrust(t, ['proof', 'cross-checked']), 'alice.ton', DNS_CATEGORY_SITE);
    expect(mixed.trust).toEqual({ ...t, level: 'cross-checked' });
    expect(mixed.hops.map((h) => h.trust)).toEqual(['proof', 'cross-checked']);
    // Answers without a label take the snapshot's.
    const unlabelled = await walkDns(withTrust(t, [undefined, undefined]), 'alice.ton', DNS_CATEGORY_SITE);
    expect(unlabelled.trust?.level).toBe('proof');
    expect(weakerTrust('proof', 'single-source')).toBe('single-source');
    expect(weakerTrust('cross-checked', 'proof')).toBe('cross-checked');
  });

  it('two agreeing unverified sources are cross-checked; a proven one stays proof', async () => {
    const two = new CrossCheckResolver([
      withTrust(null, [undefined, undefined]),
      withTrust(null, [undefined, undefined]),
    ]);
    expect((await two.resolve('alice.ton', DNS_CATEGORY_SITE)).trust?.level).toBe('cross-checked');
    const t: DnsTrust = { level: 'proof', block: { seqno: 1, rootHash: '00'.repeat(32) } };
    const mixed = new CrossCheckResolver([
      withTrust(null, [undefined, undefined]),
      withTrust(t, ['proof', 'proof']),
    ]);
    expect((await mixed.resolve('alice.ton', DNS_CATEGORY_SITE)).trust).toEqual(t);
  });

  it('the JSON form keeps the labels and drops unknown ones', async () => {
    const t: DnsTrust = { level: 'cross-checked', block: { seqno: 9, rootHash: 'cd'.repeat(32) } };
    const res = await new SourceResolver(withTrust(t, ['proof', 'cross-checked'])).resolve(
      'alice.ton',
      DNS_CATEGORY_SITE,
    );
    const json = JSON.parse(JSON.stringify(resolutionToJson(res))) as ReturnType<typeof resolutionToJson>;
    expect(json.trust).toEqual(t);
    const back = resolutionFromJson(json);
    expect(back.trust).toEqual(t);
    expect(back.hops.map((h) => h.trust)).toEqual(['proof', 'cross-checked']);
    const forged = { ...json, trust: { level: 'trusted-by-me' as DnsTrustLevel } };
    expect(resolutionFromJson(forged).trust).toBeUndefined();
  });
});
