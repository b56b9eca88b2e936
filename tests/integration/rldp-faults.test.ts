/**
 * RLDP peers declaring huge or countless transfers (issue 15 item 7), on loopback UDP against a devnet storage
 * seeder (src/devnet/storage/seeder.ts: AdnlNode → RldpNode with the default limits → StorageServer) and against
 * the downloader the gateway runs (AdnlNode → RldpNode → StorageClient). The hostile peers are raw ADNL identities
 * (helpers/storage-peers.ts rawAdnlPeer) that send crafted rldp2.messagePart custom messages; nothing above ADNL.
 *
 * Server side:
 * - one peer opens thousands of transfers of the largest unsolicited size: at most maxInboundPerPeer of them are
 *   held, the decoder memory stays within that many transfers (sampled after every datagram the seeder takes in),
 *   the rest is refused, and a download from the seeder meanwhile is byte-identical;
 * - declarations beyond every limit (total_size 2^40 and 2^62, part 2^30, parts beyond total_size, data_size above
 *   total_size or the part size limit) are refused with nothing held;
 * - many identities together fill the node-wide slots (maxInboundTotal): the honest downloader's queries must still
 *   be taken (each peer gets a fair share: a newcomer evicts the oldest transfer of the peer holding the most);
 * - more identities than slots, each holding one transfer: the downloader's one-symbol queries are still taken,
 *   for their symbol only (src/net/rldp/fair-share.ts). Both failed on main: the downloader got 'no-peers'.
 * Client side:
 * - a peer we query answers on the answer id with a total_size above our max_answer_size, or parts beyond it, and
 *   floods us with unsolicited transfers: our query fails with RldpError('timeout') holding nothing, and a
 *   download from an honest seeder on the same node meanwhile is byte-identical.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeeder, type Seeder } from '../../src/devnet/storage/index.ts';
import { AdnlNode } from '../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { DEFAULT_RLDP_LIMITS, RldpError, decodeRldpWire, type RldpNode } from '../../src/net/rldp/index.ts';
import { createBag } from '../../src/net/storage/index.ts';
import { openUdpSocket } from '../../src/node/udp-socket.ts';
import { part } from '../unit/rldp/wire.ts';
import {
  peerOf,
  rawAdnlPeer,
  storageDownloader,
  storageHelloQuery,
  type Downloader,
  type RawAdnlPeer,
} from './helpers/storage-peers.ts';
import { noise } from '../unit/noise.ts';

const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const L = DEFAULT_RLDP_LIMITS;
const UNSOLICITED = L.maxIncomingTransfer; // the largest transfer a peer may open unasked

const bag = createBag([{ name: 'data.bin', data: noise(24 * 65536 + 77, 11) }], { pieceSize: 65536 });
const fileBytes = bag.files[0].data;

let seeder: Seeder;
const closers: { close(): void }[] = [];
const stoppers: { stop(): void }[] = [];

beforeAll(async () => {
  seeder = await startSeeder({ keyPair: generateKeyPair(), bags: [bag] });
  stoppers.push(seeder);
});

afterAll(() => {
  for (const c of closers) c.close();
  for (const s of stoppers) s.stop();
});

/** The peak of the node's usage(), sampled after every custom message its ADNL node hands to RLDP. */
function watch(adnl: AdnlNode, rldp: RldpNode) {
  const peak = { decoderBytes: 0, unsolicitedTransfers: 0, messages: 0 };
  const inner = adnl.onCustom!;
  adnl.onCustom = (peer, data) => {
    inner(peer, data);
    peak.messages++;
    const u = rldp.usage();
    peak.decoderBytes = Math.max(peak.decoderBytes, u.decoderBytes);
    peak.unsolicitedTransfers = Math.max(peak.unsolicitedTransfers, u.unsolicitedTransfers);
  };
  return {
    peak,
    stop() {
      adnl.onCustom = inner;
    },
  };
}

async function downloader(): Promise<Downloader> {
  const d = await storageDownloader({ pieceTimeoutMs: 4000, connectTimeoutMs: 1000 });
  closers.push(d);
  return d;
}

async function downloadFile(d: Downloader, from: Seeder): Promise<Uint8Array> {
  const opened = await d.client.open(bag.info.bagId, { peers: [peerOf(from)] });
  const file = opened.file('data.bin')!;
  const start = opened.fileStart(file);
  return new Uint8Array(await new Response(opened.stream(start, start + file.size)).arrayBuffer());
}

async function hostile(to: Seeder): Promise<RawAdnlPeer> {
  const p = await rawAdnlPeer(
    { publicKey: to.keyPair.publicKey, port: to.address.port },
    storageHelloQuery(bag),
  );
  closers.push(p);
  return p;
}

let idSeq = 0;
/** A fresh transfer id (distinct across the whole file). */
function transferId(): Uint8Array {
  const id = new Uint8Array(32);
  new DataView(id.buffer).setUint32(0, ++idSeq);
  id[31] = 0xa5;
  return id;
}

/** Sends `n` first symbols of `n` new transfers of `totalSize` bytes, in bursts the socket buffers take. */
async function openTransfers(p: RawAdnlPeer, n: number, totalSize = UNSOLICITED): Promise<void> {
  for (let i = 0; i < n; i++) {
    p.send(part({ transferId: transferId(), totalSize }));
    if (i % 100 === 99) await sleep(5);
  }
  await sleep(50);
}

describe('server side: a devnet seeder under hostile RLDP peers', () => {
  it('one peer opening thousands of transfers near the limit: bounded, and a download goes on', async () => {
    const w = watch(seeder.adnlNode, seeder.rldpNode);
    const refusedBefore = seeder.rldpNode.counters.refused;
    const decodersBefore = seeder.rldpNode.usage().decodersCreated;
    const p = await hostile(seeder);
    const d = await downloader();
    const [got] = await Promise.all([downloadFile(d, seeder), openTransfers(p, 3000)]);
    w.stop();
    expect(hex(got)).toBe(hex(fileBytes));
    // Held at most maxInboundPerPeer of the hostile transfers (plus the downloader's few queries in flight).
    expect(w.peak.unsolicitedTransfers).toBeLessThanOrEqual(L.maxInboundPerPeer * 2);
    expect(w.peak.decoderBytes).toBeLessThanOrEqual(2 * L.maxInboundPerPeer * UNSOLICITED);
    expect(seeder.rldpNode.stats(p.adnl.id).transfersIn).toBe(0);
    // Most were refused on the cheap path (loopback may drop a few datagrams of the burst).
    expect(seeder.rldpNode.counters.refused - refusedBefore).toBeGreaterThan(2000);
    // CPU: a decoder only for each transfer held, none for the refused ones.
    const honestTransfers = seeder.rldpNode.stats(d.adnl.id).transfersIn;
    expect(seeder.rldpNode.usage().decodersCreated - decodersBefore).toBeLessThanOrEqual(
      L.maxInboundPerPeer + honestTransfers + 8,
    );
  });

  it('declarations beyond every limit are refused with nothing held', async () => {
    const p = await hostile(seeder);
    const before = seeder.rldpNode.usage();
    const refusedBefore = seeder.rldpNode.counters.refused;
    const crafted = [
      part({ transferId: transferId(), totalSize: 2 ** 40, dataSize: 1000 }),
      part({ transferId: transferId(), totalSize: 2 ** 62, dataSize: 1000 }),
      part({ transferId: transferId(), totalSize: UNSOLICITED, part: 2 ** 30, dataSize: 1000 }),
      part({ transferId: transferId(), totalSize: 30_000, part: 40, dataSize: 1000 }),
      part({ transferId: transferId(), totalSize: 1000, dataSize: 2_000_000 }),
      part({ transferId: transferId(), totalSize: UNSOLICITED, dataSize: 4 << 20 }),
      part({ transferId: transferId(), totalSize: UNSOLICITED, dataSize: 768, seqno: 2 ** 30 }),
      part({ transferId: transferId(), totalSize: UNSOLICITED, dataSize: 1000, symbolsCount: 1 << 20 }),
    ];
    for (let round = 0; round < 50; round++) for (const m of crafted) p.send(m);
    await sleep(200);
    const after = seeder.rldpNode.usage();
    expect(after.unsolicitedTransfers).toBe(before.unsolicitedTransfers);
    expect(after.decoderBytes).toBe(before.decoderBytes);
    expect(after.decodersCreated).toBe(before.decodersCreated);
    expect(seeder.rldpNode.counters.refused - refusedBefore).toBeGreaterThanOrEqual(crafted.length * 40);
  });

  it('many identities filling the node-wide slots do not lock out an honest downloader', async () => {
    const target = await startSeeder({ keyPair: generateKeyPair(), bags: [bag] });
    stoppers.push(target);
    const identities = Math.ceil(L.maxInboundTotal / L.maxInboundPerPeer) + 4;
    const attackers: RawAdnlPeer[] = [];
    for (let i = 0; i < identities; i++) attackers.push(await hostile(target));
    for (const a of attackers) await openTransfers(a, L.maxInboundPerPeer);
    // Every slot of the node is taken by the attackers.
    expect(target.rldpNode.usage().unsolicitedTransfers).toBe(L.maxInboundTotal);
    // They keep trying to open more while the honest peer downloads.
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        for (const a of attackers) await openTransfers(a, 4);
        await sleep(100);
      }
    })();
    const w = watch(target.adnlNode, target.rldpNode);
    const decodersBefore = target.rldpNode.usage().decodersCreated;
    const d = await downloader();
    try {
      const got = await downloadFile(d, target);
      expect(hex(got)).toBe(hex(fileBytes));
    } finally {
      flooding = false;
      await flood;
      w.stop();
    }
    expect(w.peak.unsolicitedTransfers).toBeLessThanOrEqual(L.maxInboundTotal);
    expect(w.peak.decoderBytes).toBeLessThanOrEqual(L.maxInboundTotal * UNSOLICITED);
    // The downloader's queries took slots from the attackers holding the most.
    const usage = target.rldpNode.usage();
    const honestTransfers = target.rldpNode.stats(d.adnl.id).transfersIn;
    expect(usage.evictedTransfers).toBeGreaterThan(0);
    // CPU: decoders for the honest transfers and for attackers' transfers that got a slot back, not per attempt.
    expect(usage.decodersCreated - decodersBefore).toBeLessThanOrEqual(
      honestTransfers + usage.evictedTransfers + L.maxInboundTotal,
    );
  });

  it('hundreds of identities holding one transfer each do not lock out small queries', async () => {
    const target = await startSeeder({ keyPair: generateKeyPair(), bags: [bag] });
    stoppers.push(target);
    const attackers: RawAdnlPeer[] = [];
    while (attackers.length < L.maxInboundTotal + 8) {
      attackers.push(...(await Promise.all(Array.from({ length: 24 }, () => hostile(target)))));
    }
    const openOneEach = async (): Promise<void> => {
      for (const a of attackers) a.send(part({ transferId: transferId(), totalSize: UNSOLICITED }));
      await sleep(100);
    };
    await openOneEach();
    await expect
      .poll(() => target.rldpNode.usage().unsolicitedTransfers, { timeout: 4000 })
      .toBe(L.maxInboundTotal);
    let flooding = true;
    const flood = (async () => {
      while (flooding) {
        await openOneEach();
        await sleep(400);
      }
    })();
    const w = watch(target.adnlNode, target.rldpNode);
    const d = await downloader();
    try {
      const got = await downloadFile(d, target);
      expect(hex(got)).toBe(hex(fileBytes));
    } finally {
      flooding = false;
      await flood;
      w.stop();
    }
    // Nobody held more than the limit; the downloader's one-symbol queries were taken for their symbol only.
    expect(w.peak.unsolicitedTransfers).toBeLessThanOrEqual(L.maxInboundTotal);
    expect(target.rldpNode.usage().transientTransfers).toBeGreaterThan(0);
  });
});

describe('client side: the downloader under a hostile RLDP peer', () => {
  it('an answer declaring a size above max_answer_size or parts beyond it, and a flood: refused, bounded', async () => {
    // A hostile "seeder": a raw ADNL node that answers each RLDP query with crafted parts on the answer id.
    const socket = await openUdpSocket({ host: '127.0.0.1' });
    const port = socket.address().port;
    const keyPair = generateKeyPair();
    const evil = new AdnlNode({ socket, keyPair, addresses: [{ host: '127.0.0.1', port }] });
    closers.push(evil);
    const MAX_ANSWER = 4096;
    let answered = 0;
    const seen = new Set<string>();
    evil.onCustom = (peer, data) => {
      let m;
      try {
        m = decodeRldpWire(data);
      } catch {
        return;
      }
      if (!m || m.kind !== 'part') return;
      // Once per query (our sender repeats its symbols until `complete`, which never comes).
      const key = Buffer.from(m.transferId).toString('hex');
      if (seen.has(key)) return;
      seen.add(key);
      const answerId = m.transferId.map((b) => ~b & 0xff);
      answered++;
      for (const craft of [
        { totalSize: 2 ** 40, dataSize: 1000 },
        { totalSize: MAX_ANSWER * 1000, dataSize: 1000 },
        { totalSize: 2000, part: 7, dataSize: 1000 },
        { totalSize: 2000, dataSize: 1 << 21 },
      ]) {
        evil.sendCustom(peer, part({ transferId: answerId, ...craft }));
      }
      // And unsolicited transfers of the largest size, far more than a peer may hold.
      for (let i = 0; i < 64; i++)
        evil.sendCustom(peer, part({ transferId: transferId(), totalSize: UNSOLICITED }));
    };

    const d = await downloader();
    const w = watch(d.adnl, d.rldp);
    const decodersBefore = d.rldp.usage().decodersCreated;
    const evilPeer = d.adnl.addPeer(keyPair.publicKey, { host: '127.0.0.1', port });
    const queries = Array.from({ length: 20 }, () =>
      d.rldp.query(evilPeer, Uint8Array.of(1, 2, 3, 4), { maxAnswerSize: MAX_ANSWER, timeoutMs: 1500 }).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    const got = await downloadFile(d, seeder);
    const errors = await Promise.all(queries);
    w.stop();
    expect(hex(got)).toBe(hex(fileBytes));
    expect(answered).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e).toBeInstanceOf(RldpError);
      expect((e as RldpError).kind).toBe('timeout');
    }
    expect(d.rldp.stats(evilPeer.id).transfersIn).toBe(0);
    expect(w.peak.unsolicitedTransfers).toBeLessThanOrEqual(L.maxInboundPerPeer * 2);
    // Decoders: the evil peer's unsolicited ones and the honest answers' parts (pieces of 64 KiB).
    expect(w.peak.decoderBytes).toBeLessThanOrEqual(L.maxInboundPerPeer * UNSOLICITED + 8 * 2 * 65536 + 8192);
    const fromSeeder = d.rldp.stats(seeder.adnlId).transfersIn;
    expect(d.rldp.usage().decodersCreated - decodersBefore).toBeLessThanOrEqual(
      L.maxInboundPerPeer + fromSeeder + 8,
    );
    await sleep(50);
    expect(d.rldp.usage().pendingQueries).toBe(0);
  });
});
