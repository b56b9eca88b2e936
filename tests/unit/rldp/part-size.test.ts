/**
 * Part sizes (DIGEST §7.4, part-layout.ts): transfers cut into tonutils-go v1.x's 1 MiB parts and into C++'s
 * 2,000,000-byte parts both arrive, in RLDP v1 and v2; the part size is pinned from the part that decides it and
 * later parts must agree; a node receiving like C++ rldp2 (strictInboundParts) refuses 1 MiB parts; answers go
 * back in the version their query arrived in.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  decidePartSize,
  decodeRldpWire,
  RLDP_MAX_PART_SIZE,
  RldpError,
  RldpNode,
  type PartRules,
  type RldpNodeOptions,
  type RldpVersion,
} from '../../../src/net/rldp/index.ts';
import { pipe, seeded, type Pipe } from './pipe.ts';
import { harness, inverted, part, peer } from './wire.ts';

const MiB = 1 << 20;
const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function bytes(size: number, seed: number): Uint8Array {
  const r = seeded(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (r() * 256) | 0;
  return out;
}

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

function setup(server: RldpNodeOptions, client: RldpNodeOptions = {}, seed = 1) {
  const p = pipe({}, seed);
  const c = new RldpNode(p.a, client);
  const s = new RldpNode(p.b, server);
  open.push(c, s, p);
  return { p, client: c, server: s, toServer: p.b.remote, toClient: p.a.remote };
}

/** fec data_size of every part each transfer a side sends, by transfer id and part index. */
function partSizes(p: Pipe, side: 'a' | 'b'): Map<string, Map<number, number>> {
  const seen = new Map<string, Map<number, number>>();
  const end = p[side];
  const send = end.sendCustom.bind(end);
  end.sendCustom = (to, data) => {
    const m = decodeRldpWire(data);
    if (m?.kind === 'part') {
      const key = Buffer.from(m.transferId).toString('hex');
      let parts = seen.get(key);
      if (!parts) seen.set(key, (parts = new Map()));
      parts.set(m.part, m.dataSize);
    }
    send(to, data);
  };
  return seen;
}

describe('transfers cut into 1 MiB and into 2,000,000-byte parts', () => {
  for (const version of [1, 2] as const) {
    for (const partSize of [MiB, 2_000_000]) {
      it(`v${version}, ${partSize}-byte parts: answers of one to several parts arrive byte-identical`, async () => {
        const { p, client, server, toServer } = setup(
          { partSize },
          {},
          version * 10 + (partSize === MiB ? 1 : 2),
        );
        // Transfer sizes (rldp.answer adds 40 bytes to data of a multiple of 4 bytes, at least 254).
        const totals = [740, MiB - 4, MiB, MiB + 4, 2_095_160, 3_500_000];
        const sizes = totals.map((t) => t - 40);
        server.onQuery = async (_peer, data) => bytes(sizes[data[0]], data[0]);
        const sent = partSizes(p, 'b');
        for (let i = 0; i < sizes.length; i++) {
          const answer = await client.query(toServer, Uint8Array.of(i), {
            maxAnswerSize: 4_000_000,
            timeoutMs: 30_000,
            version,
          });
          expect(equal(answer, bytes(sizes[i], i)), `size ${sizes[i]}`).toBe(true);
        }
        // What went on the wire: every part but the last has the sender's size, the last the remainder.
        const layouts = [...sent.values()].map((parts) => [...parts.entries()].sort((x, y) => x[0] - y[0]));
        const expected = totals.map((size) => {
          const out: [number, number][] = [];
          for (let i = 0; i * partSize < size; i++) out.push([i, Math.min(partSize, size - i * partSize)]);
          return out;
        });
        expect(layouts).toEqual(expected);
        if (partSize === MiB) {
          // As tonutils-go v1.14.1 cut its 2,095,160-byte answer to max_chunk_size 2,095,104
          // (rldp-transcript.json part_size).
          expect(layouts[4]).toEqual([
            [0, 1_048_576],
            [1, 1_046_584],
          ]);
        }
        expect(client.counters).toMatchObject({ malformed: 0, refused: 0, badPayloads: 0 });
        expect(client.usage().decoderBytes).toBe(0);
      });
    }
  }

  for (const version of [1, 2] as const) {
    it(`v${version}, 1 MiB parts, 10% loss, reordering and duplicates: a three-part answer arrives`, async () => {
      const p = pipe({ loss: 0.1, reorder: 0.1, duplicate: 0.05 }, 50 + version);
      const client = new RldpNode(p.a);
      const server = new RldpNode(p.b, { partSize: MiB });
      open.push(client, server, p);
      const body = bytes(2_400_000, 9);
      server.onQuery = async () => body;
      const answer = await client.query(p.b.remote, Uint8Array.of(1), {
        maxAnswerSize: 3_000_000,
        timeoutMs: 60_000,
        version,
      });
      expect(equal(answer, body)).toBe(true);
      expect(client.counters).toMatchObject({ malformed: 0, refused: 0 });
    });
  }

  it('a node sending 1 MiB parts also takes 2,000,000-byte parts, and the other way round', async () => {
    const { client, server, toServer, toClient } = setup(
      { partSize: MiB, maxIncomingTransfer: 3_000_000 },
      { partSize: 2_000_000, maxIncomingTransfer: 3_000_000 },
      5,
    );
    server.onQuery = async (_peer, data) => data.slice().reverse();
    client.onQuery = async (_peer, data) => data.slice().reverse();
    const big = bytes(2_500_000, 7);
    const back = await client.query(toServer, big, { maxAnswerSize: 3_000_000, timeoutMs: 30_000 });
    expect(equal(back, big.slice().reverse())).toBe(true);
    const back2 = await server.query(toClient, big, { maxAnswerSize: 3_000_000, timeoutMs: 30_000 });
    expect(equal(back2, big.slice().reverse())).toBe(true);
  });

  it('partSize must be within 1..RLDP_MAX_PART_SIZE', () => {
    for (const partSize of [0, -1, 1.5, RLDP_MAX_PART_SIZE + 1]) {
      expect(() => new RldpNode(pipe().a, { partSize })).toThrow(RangeError);
    }
  });
});

describe('strictInboundParts: receiving like C++ rldp2', () => {
  for (const version of [1, 2] as const) {
    it(`v${version}: 1 MiB parts are refused; one-part answers arrive`, async () => {
      const { client, server, toServer } = setup(
        { partSize: MiB },
        { strictInboundParts: true },
        30 + version,
      );
      server.onQuery = async (_peer, data) => bytes(data[0] === 0 ? 2_095_160 : 900_000, 3);
      await expect(
        client.query(toServer, Uint8Array.of(0), { maxAnswerSize: 3_000_000, timeoutMs: 1500, version }),
      ).rejects.toMatchObject({ kind: 'timeout' });
      expect(client.counters.refused).toBeGreaterThan(0);
      expect(client.usage().decoderBytes).toBe(0);
      // A one-part answer is min(2,000,000, total) whatever the sender's part size.
      const small = await client.query(toServer, Uint8Array.of(1), {
        maxAnswerSize: 3_000_000,
        timeoutMs: 10_000,
        version,
      });
      expect(equal(small, bytes(900_000, 3))).toBe(true);
    });
  }

  it('the same answer in 2,000,000-byte parts arrives', async () => {
    const { client, server, toServer } = setup({}, { strictInboundParts: true }, 33);
    server.onQuery = async () => bytes(2_095_160, 3);
    const answer = await client.query(toServer, Uint8Array.of(0), {
      maxAnswerSize: 3_000_000,
      timeoutMs: 10_000,
    });
    expect(equal(answer, bytes(2_095_160, 3))).toBe(true);
    expect(client.counters.refused).toBe(0);
  });
});

describe('pinning the part size', () => {
  const rules: PartRules = { strict: false, maxParts: 256 };

  it('decidePartSize: part 0 decides; a later part decides unless it may be a full part or the remainder', () => {
    expect(decidePartSize(2_095_160, 0, MiB, rules)).toBe(MiB);
    expect(decidePartSize(2_095_160, 0, 2_095_160, rules)).toBe(2_095_160);
    // Remainder after 1 MiB, or a full part of three: cannot tell.
    expect(decidePartSize(2_095_160, 1, 1_046_584, rules)).toBeNull();
    expect(decidePartSize(3 * MiB, 1, MiB, rules)).toBeNull();
    // Only a full part: as the remainder it would need a part size above RLDP_MAX_PART_SIZE.
    expect(decidePartSize(4 * MiB + 1, 1, MiB, rules)).toBe(MiB);
    // Only the remainder: 5-byte parts would be more than maxParts.
    expect(decidePartSize(2 * MiB + 5, 2, 5, rules)).toBe(MiB);
    expect(decidePartSize(2 * 2_000_000 + 5, 2, 5, { strict: false, maxParts: 3 })).toBe(2_000_000);
    // The last full-size part: both readings agree.
    expect(decidePartSize(2 * MiB, 1, MiB, rules)).toBe(MiB);
    const refuse = (t: number, p: number, d: number, r = rules) =>
      expect(() => decidePartSize(t, p, d, r)).toThrow(RldpError);
    refuse(1000, 1, 1000);
    refuse(1000, 0, 1, { strict: false, maxParts: 999 });
    refuse(3 * MiB, 1, 2 * MiB + 1);
    refuse(2_095_160, 0, MiB, { strict: true, maxParts: 256 });
    refuse(2_095_160, 1, 1_046_584, { strict: true, maxParts: 256 });
    expect(decidePartSize(2_095_160, 1, 95_160, { strict: true, maxParts: 256 })).toBe(2_000_000);
  });

  it('a later part that cannot tell waits for part 0; afterwards parts must agree with the pinned size', async () => {
    const h = harness({ limits: { maxTransferSize: 8_000_000 } });
    const server = peer(3);
    const pending = h.node.query(server, Uint8Array.of(1), { maxAnswerSize: 3_000_000, timeoutMs: 300 });
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 5));
    const q = decodeRldpWire(h.sent[0].data);
    if (!q || q.kind !== 'part') throw new Error('expected our query symbol');
    const transferId = inverted(q.transferId);
    const totalSize = 2_095_160;
    // Part 1 first: could be the remainder after a 1 MiB part 0 or a full part; nothing is taken or refused.
    h.inject(server, part({ transferId, totalSize, part: 1, dataSize: 1_046_584 }));
    expect(h.node.usage().decoderBytes).toBe(0);
    expect(h.node.counters.refused).toBe(0);
    h.inject(server, part({ transferId, totalSize, part: 0, dataSize: MiB }));
    expect(h.node.usage().decoderBytes).toBe(MiB);
    h.inject(server, part({ transferId, totalSize, part: 1, dataSize: 1_046_584 }));
    expect(h.node.usage().decoderBytes).toBe(totalSize);
    // Contradicting the pinned 1 MiB: refused, nothing more allocated.
    for (const [p, dataSize] of [
      [1, 1_046_583],
      [0, 2_000_000],
      [2, 1],
      [1, MiB],
    ]) {
      h.inject(server, part({ transferId, totalSize, part: p, dataSize }));
    }
    expect(h.node.counters.refused).toBe(4);
    expect(h.node.usage().decoderBytes).toBe(totalSize);
    await expect(pending).rejects.toMatchObject({ kind: 'timeout' });
    expect(h.node.usage().decoderBytes).toBe(0);
  });

  it('more parts than maxPartsPerTransfer, or parts above RLDP_MAX_PART_SIZE, are refused from the first symbol', () => {
    const h = harness({ maxIncomingTransfer: 8_000_000, limits: { maxPartsPerTransfer: 4 } });
    h.inject(peer(4), part({ totalSize: 8_000_000, dataSize: 1_999_999 }));
    h.inject(peer(4), part({ totalSize: 8_000_000, dataSize: RLDP_MAX_PART_SIZE + 1 }));
    h.inject(peer(4), part({ totalSize: 8_000_000, part: 4, dataSize: 2_000_000 }));
    expect(h.node.counters.refused).toBe(3);
    expect(h.node.usage()).toMatchObject({ decoderBytes: 0, unsolicitedTransfers: 0 });
    h.inject(peer(4), part({ totalSize: 8_000_000, dataSize: 2_000_000 }));
    expect(h.node.usage()).toMatchObject({ decoderBytes: 2_000_000, unsolicitedTransfers: 1 });
    h.node.close();
  });

  it('symbols_count ceil + 1 for a multiple of 768 (older tonutils-go) is taken unless strict', () => {
    for (const strict of [false, true]) {
      const h = harness({ strictInboundParts: strict });
      h.inject(peer(5), part({ totalSize: 1536, symbolsCount: 3 }));
      expect(h.node.counters.refused).toBe(strict ? 1 : 0);
      h.inject(peer(5), part({ transferId: new Uint8Array(32).fill(2), totalSize: 1537, symbolsCount: 4 }));
      expect(h.node.counters.refused).toBe(strict ? 2 : 1);
      h.node.close();
    }
  });
});

describe('answers go back in the version their query arrived in', () => {
  /** Versions of the parts the side sends, by transfer id. */
  function versions(p: Pipe, side: 'a' | 'b'): Map<string, Set<RldpVersion>> {
    const seen = new Map<string, Set<RldpVersion>>();
    const end = p[side];
    const send = end.sendCustom.bind(end);
    end.sendCustom = (to, data) => {
      const m = decodeRldpWire(data);
      if (m?.kind === 'part') {
        const key = Buffer.from(m.transferId).toString('hex');
        if (!seen.has(key)) seen.set(key, new Set());
        seen.get(key)!.add(m.version);
      }
      send(to, data);
    };
    return seen;
  }

  it('while the peer switches versions between queries, and when its version is pinned', async () => {
    const { p, client, server, toServer, toClient } = setup({ partSize: MiB }, {}, 40);
    const fromServer = versions(p, 'b');
    const gates: (() => void)[] = [];
    server.onQuery = async (_peer, data) => {
      await new Promise<void>((r) => gates.push(r));
      return bytes(1_500_000, data[0]);
    };
    const ask = (n: number, version: RldpVersion) =>
      client.query(toServer, Uint8Array.of(n), { maxAnswerSize: 2_000_000, timeoutMs: 30_000, version });
    // A v1 query, then a v2 one while the first is being served (the server now "hears" v2 from this peer),
    // then a v1 one again.
    const a = ask(1, 1);
    await waitFor(() => gates.length === 1);
    const b = ask(2, 2);
    await waitFor(() => gates.length === 2);
    expect(server.peerVersion(toClient.id)).toBe(2);
    const c = ask(3, 1);
    await waitFor(() => gates.length === 3);
    expect(server.peerVersion(toClient.id)).toBe(1);
    // Pinned to v2 from now on: a v1 query is still answered in v1.
    server.setPeerVersion(toClient.id, 2);
    const d = ask(4, 1);
    await waitFor(() => gates.length === 4);
    for (const release of gates) release();
    const answers = await Promise.all([a, b, c, d]);
    answers.forEach((x, i) => expect(equal(x, bytes(1_500_000, i + 1))).toBe(true));
    // Each transfer (query in, answer out) in one version; the answers as their queries were.
    const answerVersions = [...fromServer.values()].map((s) => [...s]);
    expect(answerVersions.every((v) => v.length === 1)).toBe(true);
    expect(answerVersions.map((v) => v[0]).sort()).toEqual([1, 1, 1, 2]);
    expect(server.peerVersion(toClient.id)).toBe(2);
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
