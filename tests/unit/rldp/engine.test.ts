/**
 * The transfer engine end to end over an in-memory datagram path (pipe.ts) with seeded loss, reordering and
 * duplicates: queries and answers of many sizes (one symbol to several 2,000,000-byte parts), RLDP v1 and v2,
 * answers in the version the query came in, timeouts, and closing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeRldpWire, RldpError, RldpNode, type RldpVersion } from '../../../src/net/rldp/index.ts';
import { pipe, seeded, type Pipe, type PipeFaults } from './pipe.ts';

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

function bytes(size: number, seed: number): Uint8Array {
  const r = seeded(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i += 4) {
    const v = (r() * 4294967296) >>> 0;
    out[i] = v;
    out[i + 1] = v >>> 8;
    out[i + 2] = v >>> 16;
    out[i + 3] = v >>> 24;
  }
  return out;
}

function setup(
  faults: PipeFaults = {},
  seed = 1,
  versions: [RldpVersion, RldpVersion] = [2, 2],
  clientClock?: () => number,
) {
  const p = pipe(faults, seed);
  const client = new RldpNode(p.a, {
    defaultVersion: versions[0],
    limits: { maxIncomingTransfer: 1 << 20 },
    ...(clientClock && { clock: clientClock }),
  });
  const server = new RldpNode(p.b, { defaultVersion: versions[1], limits: { maxIncomingTransfer: 1 << 20 } });
  open.push(client, server, p);
  // Each side addresses the other by the peer object its transport reports.
  return { p, client, server, toServer: p.b.remote, toClient: p.a.remote };
}

/** Records the RLDP constructor kinds+versions a side sends. */
function sniff(p: Pipe, side: 'a' | 'b'): Set<string> {
  const seen = new Set<string>();
  const end = p[side];
  const send = end.sendCustom.bind(end);
  end.sendCustom = (peer, data) => {
    const m = decodeRldpWire(data);
    if (m) seen.add(`${m.kind}/v${m.version}`);
    send(peer, data);
  };
  return seen;
}

const equal = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && Buffer.from(a).equals(Buffer.from(b));

describe('transfers without loss', () => {
  for (const version of [1, 2] as const) {
    it(`v${version}: answers of 1 byte to several parts arrive byte-identical`, async () => {
      const { client, server, toServer, toClient } = setup({}, 3, [version, version]);
      const sizes = [0, 1, 700, 767, 768, 769, 5000, 100_000, 2_000_000, 2_000_001, 4_100_000];
      server.onQuery = async (_peer, data) => bytes(sizes[data[0]], data[0]);
      for (let i = 0; i < sizes.length; i++) {
        const answer = await client.query(toServer, Uint8Array.of(i), {
          maxAnswerSize: 5_000_000,
          timeoutMs: 20_000,
        });
        expect(equal(answer, bytes(sizes[i], i)), `size ${sizes[i]}`).toBe(true);
      }
      expect(server.counters.queriesServed).toBe(sizes.length);
      expect(client.counters).toMatchObject({ malformed: 0, refused: 0, badPayloads: 0 });
      expect(server.stats(toClient.id).version).toBe(version);
    });
  }

  it('several queries in flight at once, large queries too, both directions on one pair', async () => {
    const { client, server, toServer, toClient } = setup({}, 4);
    server.onQuery = async (_peer, data) => data.slice().reverse();
    client.onQuery = async (_peer, data) => data.subarray(0, 10);
    const queries = [1, 10_000, 300_000, 900_000].map((n, i) => bytes(n, 100 + i));
    const answers = await Promise.all(
      queries.map((q) => client.query(toServer, q, { maxAnswerSize: 1 << 20, timeoutMs: 20_000 })),
    );
    answers.forEach((a, i) => expect(equal(a, queries[i].slice().reverse())).toBe(true));
    // The site side asks the client (as with http.getNextPayloadPart for request bodies).
    const back = await server.query(toClient, bytes(50_000, 9), { maxAnswerSize: 100, timeoutMs: 5000 });
    expect(equal(back, bytes(50_000, 9).subarray(0, 10))).toBe(true);
  });
});

describe('loss, reordering and duplicates', () => {
  for (const version of [1, 2] as const) {
    for (const loss of [0.1, 0.3]) {
      it(`v${version}, ${loss * 100}% loss both ways: a two-part answer arrives intact`, async () => {
        const { p, client, server, toServer, toClient } = setup({ loss, reorder: 0.1, duplicate: 0.05 }, 11, [
          version,
          version,
        ]);
        const body = bytes(2_400_000, 5);
        server.onQuery = async () => body;
        const answer = await client.query(toServer, Uint8Array.of(1), {
          maxAnswerSize: 3_000_000,
          timeoutMs: 60_000,
        });
        expect(equal(answer, body)).toBe(true);
        expect(p.b.stats.lost + p.a.stats.lost).toBeGreaterThan(0);
        // Lost symbols were replaced by repair symbols.
        await waitFor(() => server.stats(toClient.id).retransmits > 0);
      });
    }
  }
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('versions', () => {
  it('the answer goes back in the version the query arrived in', async () => {
    const { p, client, server, toServer, toClient } = setup({}, 5, [2, 2]);
    const fromServer = sniff(p, 'b');
    server.onQuery = async () => bytes(3000, 1);
    await client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10_000, timeoutMs: 5000, version: 1 });
    expect([...fromServer].every((k) => k.endsWith('/v1'))).toBe(true);
    expect(fromServer.has('part/v1')).toBe(true);
    // The server sends until our complete reaches it.
    await waitFor(() => server.stats(toClient.id).transfersOut === 1);
    fromServer.clear();
    await client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10_000, timeoutMs: 5000, version: 2 });
    // (A repeated v1 complete for the first exchange may still be on its way; symbols and confirms are all v2.)
    expect([...fromServer].filter((k) => !k.startsWith('complete/'))).toEqual(['part/v2']);
  });

  it('peers are learned from incoming transfers unless pinned by setPeerVersion', async () => {
    const { client, server, toServer, toClient } = setup({}, 6, [1, 2]);
    server.onQuery = async () => Uint8Array.of(7);
    expect(server.peerVersion(toClient.id)).toBe(2);
    await client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 5000 });
    expect(server.peerVersion(toClient.id)).toBe(1);
    server.setPeerVersion(toClient.id, 2);
    await client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 5000 });
    expect(server.peerVersion(toClient.id)).toBe(2);
    // Pinning before any traffic works too.
    client.setPeerVersion(new Uint8Array(32).fill(0x77), 1);
    expect(client.peerVersion(new Uint8Array(32).fill(0x77))).toBe(1);
    expect(() => client.setPeerVersion(toServer.id, 3 as RldpVersion)).toThrow(RangeError);
  });
});

describe('nodes that speak one version only', () => {
  it('a v1-only site ignores RLDP2 (like an old rldp-http-proxy) and answers v1', async () => {
    const p = pipe({}, 14);
    const client = new RldpNode(p.a);
    const site = new RldpNode(p.b, { versions: [1] });
    open.push(client, site, p);
    site.onQuery = async () => Uint8Array.of(5);
    await expect(
      client.query(p.b.remote, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 150 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    expect(site.counters).toMatchObject({ malformed: 0, refused: 0 });
    client.setPeerVersion(p.b.remote.id, 1);
    const answer = await client.query(p.b.remote, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 5000 });
    expect([...answer]).toEqual([5]);
    expect(() => site.setPeerVersion(p.a.remote.id, 2)).toThrow(RangeError);
    await expect(
      site.query(p.a.remote, Uint8Array.of(1), { maxAnswerSize: 1, timeoutMs: 100, version: 2 }),
    ).rejects.toThrow(RangeError);
    expect(() => new RldpNode(pipe().a, { versions: [2], defaultVersion: 1 })).toThrow(RangeError);
  });
});

describe('queries: limits, timeouts, closing', () => {
  it('an answer still arriving after its query timed out is told complete, so its sender stops', async () => {
    // The wire timeout is whole unix seconds: with the asker's clock 2 s ahead, the server's deadline for the
    // answer is over a second away whatever the time of day, so a slow machine still sends it in time.
    const { p, client, server, toServer, toClient } = setup({}, 15, [2, 2], () => Date.now() + 2000);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    server.onQuery = async () => {
      await gate;
      return bytes(400_000, 2);
    };
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 500_000, timeoutMs: 100 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    const fromClient = sniff(p, 'a');
    release();
    await waitFor(() => server.stats(toClient.id).transfersOut === 1);
    expect(fromClient.has('complete/v2')).toBe(true);
    // The sender stops once told complete: no symbol goes out afterwards. (A bound on the count sent before
    // that depends on how fast the machine is, so the test checks that sending ceased instead.)
    const sent = server.stats(toClient.id).symbolsOut;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.stats(toClient.id).symbolsOut).toBe(sent);
  });

  it('an answer larger than maxAnswerSize is not sent; the asker times out', async () => {
    const { client, server, toServer } = setup({}, 7);
    server.onQuery = async () => bytes(2000, 1);
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 1999, timeoutMs: 300 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
    expect(server.counters.answersDropped).toBe(1);
    expect(client.usage().pendingQueries).toBe(0);
  });

  it('the handler gets the asker limits and the version; a failing handler answers nothing', async () => {
    const { client, server, toServer } = setup({}, 8);
    const seen: unknown[] = [];
    server.onQuery = async (_peer, data, ctx) => {
      seen.push(ctx);
      if (data[0] === 0) throw new Error('handler failed');
      return Uint8Array.of(1);
    };
    const before = Date.now();
    await expect(
      client.query(toServer, Uint8Array.of(0), { maxAnswerSize: 123, timeoutMs: 200 }),
    ).rejects.toThrow(RldpError);
    expect(seen[0]).toMatchObject({ maxAnswerSize: 123, version: 2 });
    const deadline = (seen[0] as { deadline: number }).deadline;
    // Absolute unix seconds on the wire (C++: deadline + 1 s), so within ~1 s of ours.
    expect(deadline).toBeGreaterThan(before);
    expect(deadline).toBeLessThanOrEqual(before + 200 + 2000);
    expect(server.counters.answersDropped).toBe(1);
  });

  it('no server at all: timeout; bad options: errors', async () => {
    const { p, client, toServer } = setup({ loss: 1 }, 9);
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 100 }),
    ).rejects.toMatchObject({
      kind: 'timeout',
    });
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: -1, timeoutMs: 100 }),
    ).rejects.toThrow(RangeError);
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 0 }),
    ).rejects.toThrow(RangeError);
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 1 << 30, timeoutMs: 100 }),
    ).rejects.toMatchObject({ kind: 'too-large' });
    expect(p.a.stats.sent).toBeGreaterThan(0);
  });

  it('close() fails pending queries and hands onCustom back', async () => {
    const { p, client, toServer } = setup({ loss: 1 }, 10);
    const pending = client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 10_000 });
    client.close();
    await expect(pending).rejects.toMatchObject({ kind: 'closed' });
    await expect(
      client.query(toServer, Uint8Array.of(1), { maxAnswerSize: 10, timeoutMs: 100 }),
    ).rejects.toMatchObject({ kind: 'closed' });
    expect(p.a.onCustom).toBeNull();
  });

  it('custom messages that are not RLDP reach the handler installed before', async () => {
    const p = pipe({}, 12);
    const other: number[] = [];
    p.b.onCustom = (_peer, data) => other.push(data[0]);
    const server = new RldpNode(p.b);
    open.push(server, p);
    p.a.sendCustom(p.b.remote, Uint8Array.of(42, 0, 0, 0, 1));
    await new Promise((r) => setTimeout(r, 20));
    expect(other).toEqual([42]);
    expect(server.counters.malformed).toBe(0);
  });

  it('rldp.message is delivered one-way', async () => {
    const { client, server, toServer } = setup({}, 13);
    const got: Uint8Array[] = [];
    server.onMessage = (_peer, data) => got.push(data);
    client.sendMessage(toServer, bytes(5000, 3));
    await waitFor(() => got.length === 1);
    expect(equal(got[0], bytes(5000, 3))).toBe(true);
  });
});
