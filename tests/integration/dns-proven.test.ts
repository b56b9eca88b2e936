/**
 * Verified DNS on the devnet (issue 14): ProvenDnsSource over the devnet's liteservers, with a test-only
 * TrustedBlockProvider that trusts the devnet's own current masterchain block (the block-proof chain, BlockTrust,
 * is checked elsewhere). Every demo name resolves to what the unverified LiteDnsSource returns, with trust
 * 'proof' where every hop runs known code; an unregistered name is proven absent; forged answers (a different
 * record with a recomputed but unanchored proof, a pruned branch on the path, an absent account claimed) are
 * refused with a named ProofError. Round trips are counted from the queries the source makes.
 */
import { Address, beginCell, Cell, CellType, convertToMerkleProof } from '@ton/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Devnet } from '../../src/devnet/index.ts';
import type { DeployedDns } from '../../src/devnet/dns/index.ts';
import { toTlBlockIdExt } from '../../src/devnet/liteserver/block-ids.ts';
import { blockProof } from '../../src/devnet/liteserver/proofs.ts';
import {
  decodeVmStackBoc,
  encodeVmStackBoc,
  LiteClient,
  LitePool,
  liteServersFromConfig,
  parseLiteQuery,
  type LiteServerEntry,
} from '../../src/net/lite/index.ts';
import {
  checkBlockHeaderProof,
  type TrustedBlock,
  type TrustedBlockProvider,
} from '../../src/net/lite/proof/index.ts';
import {
  buildDnsRecord,
  DnsDisagreementError,
  DnsNotRegisteredError,
  DnsProofError,
  DnsSourceError,
  FailoverResolver,
  NATIVE_DNS_CODES,
  provenDnsSources,
  DNS_CATEGORY_SITE,
  dnsHintsForConfig,
  LiteDnsSource,
  ProvenDnsSource,
  recordToJson,
  SourceResolver,
  type DnsResolution,
  type ProvenDnsPool,
  type ProvenDnsSourceOptions,
} from '../../src/net/dns/index.ts';
import { tlDecode, tlEncode, type TlCtor } from '../../src/net/tl/index.ts';
import { prunedBranch, serializeBocRoots } from '../../src/net/tlb/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';
import { startDnsDevnet } from './helpers/dns-devnet.ts';

let devnet: Devnet;
let dns: DeployedDns;
let pool: LitePool;

/** Trusts whatever block the devnet chain has now (test only: no signatures, no anchor chain). */
const devnetTrust: TrustedBlockProvider = {
  trustedBlock(): Promise<TrustedBlock> {
    const mc = devnet.chain.last;
    const id = toTlBlockIdExt(mc);
    const header = checkBlockHeaderProof(blockProof(mc)!, id, 'devnet block');
    return Promise.resolve({ id, header, anchor: { source: 'devnet test block', id } });
  },
};

beforeAll(async () => {
  ({ devnet, dns } = await startDnsDevnet());
  devnet.seal();
  pool = new LitePool({
    servers: liteServersFromConfig(devnet.globalConfig),
    connector: (s: LiteServerEntry) => tcpConnector(s.host, s.port),
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
});

afterAll(async () => {
  pool?.close();
  await devnet?.stop();
});

const DEMO = ['alice.ton', 'docs.alice.ton', 'gateway.t.me', 'static.ton'];

function provenResolver(
  p: ProvenDnsPool = pool,
  onQuery?: (what: string, answered: Promise<unknown>) => void,
  more: Partial<ProvenDnsSourceOptions> = {},
) {
  const hints = dnsHintsForConfig(devnet.globalConfig) ?? undefined;
  return new SourceResolver(
    new ProvenDnsSource(p, { trust: devnetTrust, server: 0, hints, onQuery, ...more }),
  );
}

/** Counts queries and round trips: a query asked after the answers of round trip k came back is in k + 1. */
function roundTrips() {
  const depth = { completed: 0, max: 0 };
  const queries: { what: string; rtt: number }[] = [];
  const onQuery = (what: string, answered: Promise<unknown>) => {
    const rtt = depth.completed + 1;
    queries.push({ what, rtt });
    depth.max = Math.max(depth.max, rtt);
    const done = () => (depth.completed = Math.max(depth.completed, rtt));
    void answered.then(done, done);
  };
  return { queries, onQuery, depth };
}

const summary = (r: DnsResolution) => ({
  answer: r.answer.kind === 'record' ? recordToJson(r.answer.record) : null,
  hops: r.hops.map((h) => [h.contract.toRawString(), h.resolvedBits, h.nextResolver?.toRawString() ?? null]),
});

describe('ProvenDnsSource on the devnet', () => {
  it('resolves the demo names to what the unverified source says, proven', async () => {
    const unverified = new SourceResolver(new LiteDnsSource(pool, { server: 0 }));
    const proven = provenResolver();
    for (const name of DEMO) {
      const [a, b] = [
        await unverified.resolve(name, DNS_CATEGORY_SITE),
        await proven.resolve(name, DNS_CATEGORY_SITE),
      ];
      expect(summary(b), name).toEqual(summary(a));
      expect(a.trust?.level, name).toBe('single-source');
      expect(b.trust?.level, name).toBe(b.hops.every((h) => h.trust === 'proof') ? 'proof' : 'cross-checked');
      expect(b.trust?.block?.seqno).toBe(devnet.chain.last.id.seqno);
      expect(b.trust?.anchor?.source).toBe('devnet test block');
      const spec = dns.names.find((n) => n.name === name)!;
      expect(summary(b).answer).toEqual(recordToJson(spec.records.get(DNS_CATEGORY_SITE)!));
      console.log(`${name}: trust ${b.trust?.level}, hops ${b.hops.map((h) => h.trust).join(' ')}`);
    }
    const alice = await proven.resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(alice.trust?.level).toBe('proof');
    expect(alice.expiresAt).toBe((await unverified.resolve('alice.ton', DNS_CATEGORY_SITE)).expiresAt);
  });

  it('proves an unregistered name absent', async () => {
    const proven = provenResolver();
    for (const name of dns.unregistered) {
      const error = await proven.resolve(name, DNS_CATEGORY_SITE).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(DnsNotRegisteredError);
      expect(
        (error as DnsNotRegisteredError).hops.every((h) => h.trust === 'proof'),
        name,
      ).toBe(true);
    }
  });

  it('asks the hops of a cold alice.ton in one burst after the block', async () => {
    const count = roundTrips();
    const res = await provenResolver(pool, count.onQuery).resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(res.trust?.level).toBe('proof');
    console.log(
      `cold alice.ton (proven): ${count.queries.length} queries in ${count.depth.max} round trip(s)`,
      count.queries,
    );
    // getConfigParams + root + collection + item account states, all at once (the hints predict the chain).
    expect(count.queries.filter((q) => q.what === 'getAccountState')).toHaveLength(3);
    expect(count.depth.max).toBe(1);
    const sub = roundTrips();
    await provenResolver(pool, sub.onQuery).resolve('docs.alice.ton', DNS_CATEGORY_SITE);
    console.log(
      `cold docs.alice.ton (proven): ${sub.queries.length} queries in ${sub.depth.max} round trip(s)`,
      sub.queries,
    );
    // The sub-domain's registry and item follow one after another once alice's item names the registry.
    expect(sub.depth.max).toBe(3);
  });

  it('cross-checks resolver code it cannot run on two liteservers (and refuses with one, or when they differ)', async () => {
    // Without the .ton item code in the known list, the item hop is an unknown contract.
    const codes = new Map([...NATIVE_DNS_CODES].filter(([, kind]) => kind !== 'ton-item'));
    const unverified = await new SourceResolver(new LiteDnsSource(pool, { server: 0 })).resolve(
      'alice.ton',
      DNS_CATEGORY_SITE,
    );
    const res = await provenResolver(pool, undefined, { codes }).resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(summary(res)).toEqual(summary(unverified));
    expect(res.trust?.level).toBe('cross-checked');
    expect(res.hops.map((h) => h.trust)).toEqual(['proof', 'proof', 'cross-checked']);
    expect(res.expiresAt).toBe(unverified.expiresAt);

    const tooFew = await provenResolver(pool, undefined, { codes, crossCheck: 3 })
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((e: unknown) => e);
    expect(tooFew).toBeInstanceOf(DnsSourceError);
    expect(String(tooFew)).toMatch(/needs 3 liteservers/);

    // Server 1 answers the get method with another record: the two disagree.
    const other = buildDnsRecord(
      dns.names.find((n) => n.name === 'static.ton')!.records.get(DNS_CATEGORY_SITE)!,
    );
    const lying: ProvenDnsPool = {
      servers: pool.servers,
      run: (task) => pool.run(task),
      runOn: (i, task) =>
        pool.runOn(i, (c, s) =>
          task(
            i === 0
              ? c
              : new LiteClient({
                  query: async (data, timeoutMs) => {
                    const answer = await c.transport.query(data, timeoutMs);
                    if (parseLiteQuery(data).fn._ !== 'liteServer.runSmcMethod') return answer;
                    const run = tlDecode<TlCtor<'liteServer.runMethodResult'>>(
                      'liteServer.runMethodResult',
                      answer,
                    );
                    const stack = decodeVmStackBoc(run.result!);
                    if (stack.length !== 2) return answer;
                    return tlEncode({
                      ...run,
                      result: encodeVmStackBoc([stack[0], { type: 'cell', cell: other }]),
                    });
                  },
                }),
            s,
          ),
        ),
    };
    const disagreement = await provenResolver(lying, undefined, { codes })
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((e: unknown) => e);
    expect(disagreement).toBeInstanceOf(DnsDisagreementError);
  });
});

// ----------------------------------------------------------------------------------------------------------------
// Tampering: a pool whose answers for one account are rewritten by `forge` (a liteserver lying about it).

type AccountState = TlCtor<'liteServer.accountState'>;

function tamperingPool(
  forge: (answer: AccountState, ask: (account: Address) => Promise<AccountState>) => Promise<AccountState>,
  victim: Address,
  liars: (server: number) => boolean = () => true,
): ProvenDnsPool {
  const wrap = (client: LiteClient) =>
    new LiteClient({
      query: async (data, timeoutMs) => {
        const answer = await client.transport.query(data, timeoutMs);
        const { fn } = parseLiteQuery(data);
        if (fn._ !== 'liteServer.getAccountState') return answer;
        const asked = fn as TlCtor<'liteServer.getAccountState'>;
        if (!Buffer.from(asked.account.id).equals(victim.hash)) return answer;
        const ask = (account: Address) =>
          client.query<AccountState>(
            { ...asked, account: { ...asked.account, id: new Uint8Array(account.hash) } },
            'liteServer.accountState',
          );
        return tlEncode(await forge(tlDecode<AccountState>('liteServer.accountState', answer), ask));
      },
    });
  return {
    servers: pool.servers,
    run: (task) => pool.run((c, s) => task(liars(s.index) ? wrap(c) : c, s)),
    runOn: (i, task) => pool.runOn(i, (c, s) => task(liars(s.index) ? wrap(c) : c, s)),
  };
}

/** `root` with every cell that `pick` replaces swapped (ancestors rebuilt; hashes recomputed). */
function rewrite(root: Cell, pick: (c: Cell) => Cell | null): Cell {
  const walk = (cell: Cell): Cell => {
    const swapped = pick(cell);
    if (swapped) return swapped;
    if (cell.refs.length === 0 || cell.type !== CellType.Ordinary) return cell;
    const refs = cell.refs.map(walk);
    if (refs.every((r, i) => r === cell.refs[i])) return cell;
    const b = beginCell().storeBits(cell.bits);
    refs.forEach((r) => b.storeRef(r));
    return b.endCell();
  };
  if (root.type === CellType.MerkleProof) return convertToMerkleProof(walk(root.refs[0]));
  return walk(root);
}

const boc = (c: Cell) => new Uint8Array(c.toBoc({ idx: false, crc32: true }));
const cells = (b: Uint8Array) => Cell.fromBoc(Buffer.from(b));
const hasRef = (c: Cell, hash: Buffer) => c.refs.some((r) => r.hash(0).equals(hash));

async function refusal(p: ProvenDnsPool, name = 'alice.ton'): Promise<DnsProofError> {
  const error = await provenResolver(p)
    .resolve(name, DNS_CATEGORY_SITE)
    .catch((e: unknown) => e);
  expect(error, String(error)).toBeInstanceOf(DnsProofError);
  return error as DnsProofError;
}

describe('queries asked at the candidate block before it is proven', () => {
  it('are used only when the proven block is that block', async () => {
    // A provider that names one block as the candidate (the queries go out at it) and then proves another.
    const older = toTlBlockIdExt(devnet.chain.last);
    devnet.seal();
    const switching: TrustedBlockProvider = {
      trustedBlock(_client, onCandidate) {
        onCandidate?.(older);
        return devnetTrust.trustedBlock(_client);
      },
    };
    const error = await provenResolver(pool, undefined, { trust: switching })
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((e: unknown) => e);
    expect(error, String(error)).toBeInstanceOf(DnsProofError);
    expect((error as DnsProofError).proofCode).toBe('link');
    // Named and proven the same block: resolved, with the anchor known by the end.
    const same: TrustedBlockProvider = {
      async trustedBlock(_client, onCandidate) {
        const block = await devnetTrust.trustedBlock(_client);
        onCandidate?.(block.id);
        return block;
      },
    };
    const ok = await provenResolver(pool, undefined, { trust: same }).resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(ok.trust).toMatchObject({ level: 'proof', anchor: { source: 'devnet test block' } });
  });
});

describe('forged answers are refused with a named proof error', () => {
  const alice = () => dns.names.find((n) => n.name === 'alice.ton')!;
  const siteRecord = () => buildDnsRecord(alice().records.get(DNS_CATEGORY_SITE)!);
  const otherRecord = () =>
    buildDnsRecord(dns.names.find((n) => n.name === 'static.ton')!.records.get(DNS_CATEGORY_SITE)!);

  it('a different record: the state alone does not hash; with a recomputed proof the proof is unanchored', async () => {
    const forgeAccount = (a: AccountState) => {
      const [account] = cells(a.state);
      const forged = rewrite(account, (c) => (c.hash().equals(siteRecord().hash()) ? otherRecord() : null));
      expect(forged.hash().equals(account.hash())).toBe(false);
      return { account, forged };
    };
    const stateOnly = tamperingPool(
      async (a) => ({ ...a, state: boc(forgeAccount(a).forged) }),
      alice().item,
    );
    expect((await refusal(stateOnly)).proofCode).toBe('account');

    const recomputed = tamperingPool(async (a) => {
      const { account, forged } = forgeAccount(a);
      const [header, state] = cells(a.proof);
      const newState = rewrite(state, (c) =>
        c.type === CellType.PrunedBranch && c.hash(0).equals(account.hash()) ? prunedBranch(forged) : null,
      );
      return { ...a, state: boc(forged), proof: new Uint8Array(serializeBocRoots([header, newState])) };
    }, alice().item);
    expect((await refusal(recomputed)).proofCode).toBe('merkle');
  });

  it('a different next resolver: the root sending .ton to another collection is refused', async () => {
    // The root's data is three addresses (.ton collection, .t.me collection, www); the forger swaps the first.
    const forgeRoot = (a: AccountState) => {
      const [account] = cells(a.state);
      const forged = rewrite(account, (c) => {
        if (c.bits.length !== 3 * 267 || c.refs.length !== 0) return null;
        const s = c.beginParse();
        const [ton, tme, www] = [s.loadAddress(), s.loadAddress(), s.loadAddress()];
        expect(ton.equals(dns.collections.ton)).toBe(true);
        return beginCell().storeAddress(tme).storeAddress(tme).storeAddress(www).endCell();
      });
      expect(forged.hash().equals(account.hash())).toBe(false);
      return { account, forged };
    };
    const stateOnly = tamperingPool(async (a) => ({ ...a, state: boc(forgeRoot(a).forged) }), dns.root);
    expect((await refusal(stateOnly)).proofCode).toBe('account');
    const recomputed = tamperingPool(async (a) => {
      const { account, forged } = forgeRoot(a);
      const [header, state] = cells(a.proof);
      const newState = rewrite(state, (c) =>
        c.type === CellType.PrunedBranch && c.hash(0).equals(account.hash()) ? prunedBranch(forged) : null,
      );
      return { ...a, state: boc(forged), proof: new Uint8Array(serializeBocRoots([header, newState])) };
    }, dns.root);
    expect((await refusal(recomputed)).proofCode).toBe('merkle');
  });

  it('a pruned branch on the path: in the accounts dictionary, and in the item data', async () => {
    const inProof = tamperingPool(async (a) => {
      const [account] = cells(a.state);
      const [header, state] = cells(a.proof);
      const pruned = rewrite(state, (c) =>
        c.type === CellType.Ordinary && hasRef(c, account.hash()) ? prunedBranch(c) : null,
      );
      return { ...a, proof: new Uint8Array(serializeBocRoots([header, pruned])) };
    }, alice().item);
    expect((await refusal(inProof)).proofCode).toBe('pruned');

    const inData = tamperingPool(async (a) => {
      const [account] = cells(a.state);
      const pruned = rewrite(account, (c) => (hasRef(c, siteRecord().hash()) ? prunedBranch(c) : null));
      expect(pruned.hash(0).equals(account.hash())).toBe(true);
      return { ...a, state: boc(pruned) };
    }, alice().item);
    expect((await refusal(inData)).proofCode).toBe('pruned');
  });

  it('an absent account claimed: no state for a present one, or another account’s proof of absence', async () => {
    const noState = tamperingPool(async (a) => ({ ...a, state: new Uint8Array(0) }), alice().item);
    expect((await refusal(noState)).proofCode).toBe('account');

    const nobody = new Address(0, Buffer.alloc(32, 0x5a));
    const otherProof = tamperingPool(async (_a, ask) => {
      const absent = await ask(nobody);
      expect(absent.state.length).toBe(0);
      return absent;
    }, alice().item);
    expect(['pruned', 'account']).toContain((await refusal(otherProof)).proofCode);
  });

  it('with one honest and one tampering liteserver, the honest answer wins', async () => {
    const liar = tamperingPool(
      async (a) => ({ ...a, state: new Uint8Array(0) }),
      alice().item,
      (i) => i === 0,
    );
    const failures: DnsSourceError[] = [];
    const hints = dnsHintsForConfig(devnet.globalConfig) ?? undefined;
    const resolver = new FailoverResolver(provenDnsSources(liar, { trust: devnetTrust, hints }), {
      onSourceFailure: (e) => failures.push(e),
    });
    const res = await resolver.resolve('alice.ton', DNS_CATEGORY_SITE);
    expect(summary(res).answer).toEqual(recordToJson(alice().records.get(DNS_CATEGORY_SITE)!));
    expect(res.trust?.level).toBe('proof');
    expect(res.sources[0]).toContain(`:${pool.servers[1].port} `);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toBeInstanceOf(DnsProofError);
    expect((failures[0] as DnsProofError).proofCode).toBe('account');
    // Only liars: the refused proof is the error.
    const allLie = tamperingPool(async (a) => ({ ...a, state: new Uint8Array(0) }), alice().item);
    const refused = await new FailoverResolver(provenDnsSources(allLie, { trust: devnetTrust, hints }))
      .resolve('alice.ton', DNS_CATEGORY_SITE)
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DnsProofError);
  });
});
