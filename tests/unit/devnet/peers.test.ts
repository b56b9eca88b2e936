/**
 * Devnet peer profiles (src/devnet/peers): each kind's switches reach the layers' options, and take effect on an
 * RLDP node over an in-memory path — a `cpp` peer drops RLDP v1 silently, a `tonutils` peer answers in the version
 * of the last RLDP message it heard and cuts transfers into 1 MiB parts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  adnlOptionsOf,
  capabilitiesAnswerOf,
  parseKindAssignments,
  peerProfile,
  pinnedVersionFor,
  rldpOptionsOf,
  TONUTILS_PART_SIZE,
  type PeerKind,
} from '../../../src/devnet/peers/index.ts';
import { DEMO_SITES, demoSiteProfile, demoSitesWithKinds } from '../../../src/devnet/sites/index.ts';
import { CAPABILITY_RLDP2 } from '../../../src/net/http/index.ts';
import { decodeRldpWire, RldpError, RldpNode, type RldpPartMessage } from '../../../src/net/rldp/index.ts';
import { pipe, type Pipe } from '../rldp/pipe.ts';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

/**
 * A client (our default RldpNode, side A) and a server of `kind` (side B); `unhandled` gets the custom messages
 * the server's RLDP node does not take (on a site nothing else takes them: they are dropped).
 */
function setup(kind: PeerKind, unhandled?: (data: Uint8Array) => void) {
  const p = pipe();
  if (unhandled) p.b.onCustom = (_peer, data) => unhandled(data);
  const client = new RldpNode(p.a, { limits: { maxIncomingTransfer: 1 << 20 } });
  const server = new RldpNode(p.b, { ...rldpOptionsOf(peerProfile(kind)), maxIncomingTransfer: 1 << 20 });
  open.push(client, server, p);
  return { p, client, server, toServer: p.b.remote, toClient: p.a.remote };
}

/** Every RLDP message one side sends, decoded. */
function tap(p: Pipe, side: 'a' | 'b'): { kind: string; version: number; part?: RldpPartMessage }[] {
  const seen: { kind: string; version: number; part?: RldpPartMessage }[] = [];
  const end = p[side];
  const send = end.sendCustom.bind(end);
  end.sendCustom = (peer, data) => {
    const m = decodeRldpWire(data.slice());
    if (m) seen.push({ kind: m.kind, version: m.version, ...(m.kind === 'part' && { part: m }) });
    send(peer, data);
  };
  return seen;
}

describe('profiles as layer options', () => {
  it("ours is today's devnet: v1+v2, 2,000,000-byte parts, answers in the query's version, RLDP2 announced", () => {
    const ours = peerProfile('ours');
    expect(rldpOptionsOf(ours)).toEqual({
      versions: [1, 2],
      defaultVersion: 2,
      followPeerVersion: false,
      partSize: 2_000_000,
    });
    expect(adnlOptionsOf(ours)).toEqual({ encryptWithIdentityKey: false });
    expect(capabilitiesAnswerOf(ours)).toBe(CAPABILITY_RLDP2);
    expect(pinnedVersionFor(ours, CAPABILITY_RLDP2)).toBe(2);
    expect(pinnedVersionFor(ours, 0n)).toBe(1);
    const v1 = peerProfile('ours', { rldp1Only: true });
    expect(rldpOptionsOf(v1)).toMatchObject({ versions: [1], defaultVersion: 1 });
    expect(capabilitiesAnswerOf(v1)).toBe(0n);
    expect(pinnedVersionFor(v1, CAPABILITY_RLDP2)).toBe(1);
  });

  it('cpp speaks RLDP2 only, refuses other part sizes and pins rldp2 whatever the client announces', () => {
    const cpp = peerProfile('cpp');
    expect(rldpOptionsOf(cpp)).toEqual({
      versions: [2],
      defaultVersion: 2,
      followPeerVersion: false,
      partSize: 2_000_000,
      strictInboundParts: true,
    });
    expect(capabilitiesAnswerOf(cpp)).toBe(CAPABILITY_RLDP2);
    expect(pinnedVersionFor(cpp, 0n)).toBe(2);
    expect(() => peerProfile('cpp', { rldp1Only: true })).toThrow(RangeError);
  });

  it('tonutils starts in v1, follows the peer, sends 1 MiB parts, announces RLDP2 without pinning', () => {
    const go = peerProfile('tonutils');
    expect(rldpOptionsOf(go)).toEqual({
      versions: [1, 2],
      defaultVersion: 1,
      followPeerVersion: true,
      partSize: 1 << 20,
      sendCadence: 'tonutils',
      ackCadence: 'tonutils',
    });
    expect(capabilitiesAnswerOf(go)).toBe(CAPABILITY_RLDP2);
    expect(pinnedVersionFor(go, CAPABILITY_RLDP2)).toBeNull();
    expect(adnlOptionsOf(go).encryptWithIdentityKey).toBe(true);
  });

  it('the first-contact race happens at the configured rate: never, always, or by the random source', () => {
    expect(adnlOptionsOf(peerProfile('tonutils', { firstContactDropRate: 0 })).dropFirstContactQueries).toBe(
      undefined,
    );
    const always = adnlOptionsOf(
      peerProfile('tonutils', { firstContactDropRate: 1 }),
    ).dropFirstContactQueries!;
    expect([always(), always(), always()]).toEqual([true, true, true]);
    const draws = [0.1, 0.69, 0.71, 0.95];
    const sometimes = adnlOptionsOf(peerProfile('tonutils'), () => draws.shift()!).dropFirstContactQueries!;
    expect([sometimes(), sometimes(), sometimes(), sometimes()]).toEqual([true, true, false, false]);
    expect(adnlOptionsOf(peerProfile('ours')).dropFirstContactQueries).toBeUndefined();
    expect(() => peerProfile('ours', { firstContactDropRate: 2 })).toThrow(RangeError);
  });

  it('parses --site-kind and applies it to the demo sites', () => {
    expect(parseKindAssignments('alice=cpp, docs=tonutils')).toEqual({ alice: 'cpp', docs: 'tonutils' });
    expect(() => parseKindAssignments('alice=rust')).toThrow(RangeError);
    expect(() => parseKindAssignments('alice')).toThrow(RangeError);
    const specs = demoSitesWithKinds({ alice: 'tonutils' });
    expect(specs.find((s) => s.name === 'alice')?.kind).toBe('tonutils');
    expect(() => demoSitesWithKinds({ nobody: 'cpp' })).toThrow(/no demo site named nobody/);
    // One site of each kind, the v1-only docs site staying v1-only.
    expect(new Set(DEMO_SITES.map((s) => s.kind))).toEqual(new Set(['ours', 'cpp', 'tonutils']));
    const docs = DEMO_SITES.find((s) => s.name === 'docs')!;
    expect(demoSiteProfile(docs).rldp.versions).toEqual([1]);
    expect(demoSiteProfile(docs, 'cpp').rldp.versions).toEqual([2]);
  });
});

describe('the knobs take effect on the wire', () => {
  it('cpp: an RLDP v1 query is dropped silently (no answer, no complete, nothing back); v2 is served', async () => {
    // What the RLDP node hands on is what the C++ node has "no callbacks for custom message" for.
    const passedOn: string[] = [];
    const { p, client, server, toServer } = setup('cpp', (data) => {
      const m = decodeRldpWire(data);
      passedOn.push(`${m?.kind}/v${m?.version}`);
    });
    const back = tap(p, 'b');
    server.onQuery = async () => Uint8Array.of(7);
    const v1 = client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 100, timeoutMs: 400, version: 1 });
    await expect(v1).rejects.toMatchObject({ kind: 'timeout' } satisfies Partial<RldpError>);
    expect(back).toEqual([]);
    expect(server.counters.queriesServed).toBe(0);
    expect(server.counters).toMatchObject({ malformed: 0, refused: 0 });
    expect(new Set(passedOn)).toEqual(new Set(['part/v1']));
    passedOn.length = 0;
    const v2 = await client.query(toServer, Uint8Array.of(2), {
      maxAnswerSize: 100,
      timeoutMs: 5000,
      version: 2,
    });
    expect(v2).toEqual(Uint8Array.of(7));
    expect(back.every((m) => m.version === 2)).toBe(true);
    expect(passedOn).toEqual([]);
  });

  it('tonutils: answers go in the version of the last RLDP message heard from the peer', async () => {
    const { p, client, server, toServer, toClient } = setup('tonutils');
    const back = tap(p, 'b');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    server.onQuery = async (_peer, data) => {
      if (data[0] === 1) await held;
      return Uint8Array.of(data[0] + 100);
    };
    // Query 1 arrives in v1 and is held; query 2 then arrives in v2, and the flag flips for everything.
    const first = client.query(toServer, Uint8Array.of(1), {
      maxAnswerSize: 100,
      timeoutMs: 5000,
      version: 1,
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(server.peerVersion(toClient.id)).toBe(1);
    const second = await client.query(toServer, Uint8Array.of(2), {
      maxAnswerSize: 100,
      timeoutMs: 5000,
      version: 2,
    });
    expect(second).toEqual(Uint8Array.of(102));
    release();
    expect(await first).toEqual(Uint8Array.of(101));
    const answerParts = back.filter((m) => m.kind === 'part');
    // Both answers (one symbol each) went in v2: the v1 query was answered after a v2 message arrived.
    expect(answerParts.length).toBeGreaterThanOrEqual(2);
    expect(answerParts.every((m) => m.version === 2)).toBe(true);
    // And back: a v1 query flips it again.
    const third = await client.query(toServer, Uint8Array.of(3), {
      maxAnswerSize: 100,
      timeoutMs: 5000,
      version: 1,
    });
    expect(third).toEqual(Uint8Array.of(103));
    expect(back.filter((m) => m.kind === 'part').at(-1)!.version).toBe(1);
    expect(server.peerVersion(toClient.id)).toBe(1);
  });

  it('ours: answers stay in the version each query arrived in', async () => {
    const { p, client, server, toServer } = setup('ours');
    const back = tap(p, 'b');
    server.onQuery = async (_peer, data) => Uint8Array.of(data[0]);
    await client.query(toServer, Uint8Array.of(2), { maxAnswerSize: 100, timeoutMs: 5000, version: 2 });
    await client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 100, timeoutMs: 5000, version: 1 });
    // Symbols of the first answer, then of the second (a one-symbol answer may be sent more than once).
    const versions = back.filter((m) => m.kind === 'part').map((m) => m.version);
    expect(versions.filter((v, i) => i === 0 || v !== versions[i - 1])).toEqual([2, 1]);
  });

  it('tonutils: a 2.5 MB answer is cut into 1 MiB parts (fec data_size 1,048,576, then the rest)', async () => {
    const { p, client, server, toServer } = setup('tonutils');
    const back = tap(p, 'b');
    const answer = new Uint8Array(2_500_000).map((_, i) => (i * 7) & 0xff);
    server.onQuery = async () => answer;
    const got = await client.query(toServer, Uint8Array.of(0), {
      maxAnswerSize: 3_000_000,
      timeoutMs: 20_000,
      version: 2,
    });
    expect(Buffer.from(got).equals(Buffer.from(answer))).toBe(true);
    const sizes = new Map<number, number>();
    let total = 0;
    for (const m of back) {
      if (!m.part) continue;
      sizes.set(m.part.part, m.part.dataSize);
      total = m.part.totalSize; // the answer's bytes plus its rldp.answer header
    }
    expect(total).toBeGreaterThan(2_500_000);
    expect([...sizes]).toEqual([
      [0, TONUTILS_PART_SIZE],
      [1, TONUTILS_PART_SIZE],
      [2, total - 2 * TONUTILS_PART_SIZE],
    ]);
  });

  it('cpp: a query cut into 1 MiB parts is refused (C++ rldp2 wants min(2,000,000, remaining)); ours takes it', async () => {
    for (const kind of ['cpp', 'ours'] as const) {
      const p = pipe();
      // A tonutils-go v1.x sender (RldpNode `partSize`).
      const sender = { defaultVersion: 2 as const, partSize: TONUTILS_PART_SIZE };
      const client = new RldpNode(p.a, sender);
      const server = new RldpNode(p.b, { ...rldpOptionsOf(peerProfile(kind)), maxIncomingTransfer: 4 << 20 });
      open.push(client, server, p);
      server.onQuery = async (_peer, data) => Uint8Array.of(data.length & 0xff);
      const query = client.query(p.b.remote, new Uint8Array(1_500_000), {
        maxAnswerSize: 100,
        timeoutMs: 1500,
      });
      if (kind === 'cpp') {
        await expect(query).rejects.toMatchObject({ kind: 'timeout' });
        expect(server.counters.refused).toBeGreaterThan(0);
        expect(server.counters.queriesServed).toBe(0);
      } else {
        expect(await query).toEqual(Uint8Array.of(1_500_000 & 0xff));
      }
    }
  });
});
