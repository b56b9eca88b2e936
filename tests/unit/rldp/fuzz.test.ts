/**
 * Fuzzing the part handling: random bytes and mutated copies of real RLDP traffic (captured from an exchange
 * between two nodes) are thrown at a node. Nothing may escape the ADNL callback, memory stays within the limits,
 * and the node still serves a real query afterwards.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AdnlPeer } from '../../../src/net/adnl/index.ts';
import { encodeComplete, encodeConfirm, RldpNode } from '../../../src/net/rldp/index.ts';
import { pipe } from './pipe.ts';

/** Real traffic: every message both sides sent during a few queries (v1 and v2, with loss). */
async function capture(): Promise<Uint8Array[]> {
  const p = pipe({ loss: 0.2 }, 21);
  const captured: Uint8Array[] = [];
  for (const end of [p.a, p.b]) {
    const send = end.sendCustom.bind(end);
    end.sendCustom = (peer, data) => {
      if (captured.length < 3000) captured.push(data.slice());
      send(peer, data);
    };
  }
  const client = new RldpNode(p.a);
  const server = new RldpNode(p.b);
  server.onQuery = async (_peer, data) => new Uint8Array(data[0] * 1000).fill(data[0]);
  for (const version of [1, 2] as const) {
    for (const n of [1, 5, 40]) {
      await client.query(p.b.remote, Uint8Array.of(n), { maxAnswerSize: 50_000, timeoutMs: 10_000, version });
    }
  }
  client.close();
  server.close();
  p.close();
  return captured;
}

function peer(tag: number): AdnlPeer {
  const id = new Uint8Array(32).fill(tag);
  return { id, publicKey: id, address: { host: '127.0.0.1', port: 50000 + tag } };
}

describe('fuzzed RLDP input', () => {
  it('random and mutated messages: counted or ignored, never thrown, memory bounded', async () => {
    const corpus = await capture();
    expect(corpus.length).toBeGreaterThan(50);
    const transport = {
      onCustom: null as ((p: AdnlPeer, d: Uint8Array) => void) | null,
      sendCustom() {},
    };
    const limits = { maxInboundPerPeer: 8, maxInboundTotal: 12, maxInboundBytes: 4_000_000 };
    const node = new RldpNode(transport, { limits });
    node.onQuery = async () => Uint8Array.of(1);
    const peers = [peer(1), peer(2), peer(3)];

    const mutation = fc
      .tuple(
        fc.nat({ max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat({ max: 900 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat({ max: 12 }),
        fc.boolean(),
      )
      .map(([i, edits, cut, extend]) => {
        let b = corpus[i].slice();
        for (const [at, v] of edits) if (at < b.length) b[at] = v;
        if (cut) b = b.subarray(0, Math.max(0, b.length - cut));
        if (extend) b = Uint8Array.from([...b, 0, 0, 0, 0]);
        return b;
      });
    // Well-formed control messages with random fields (unknown transfers, absurd seqnos and counts).
    const control = fc
      .tuple(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer(),
        fc.integer(),
        fc.integer(),
        fc.integer(),
        fc.constantFrom(1 as const, 2 as const),
      )
      .chain(([id, a, b, c, d, v]) =>
        fc.constantFrom(encodeConfirm(v, id, a, b, c, d), encodeComplete(v, id, a)),
      );
    const input = fc.oneof(
      mutation,
      mutation,
      fc.uint8Array({ maxLength: 900 }),
      control,
      fc.constantFrom(...corpus),
    );

    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 2 }), input), { maxLength: 60 }), (stream) => {
        for (const [who, bytes] of stream) {
          expect(() => transport.onCustom!(peers[who], bytes)).not.toThrow();
        }
        const u = node.usage();
        expect(u.unsolicitedTransfers).toBeLessThanOrEqual(limits.maxInboundTotal);
        expect(u.decoderBytes).toBeLessThanOrEqual(limits.maxInboundBytes);
      }),
      { numRuns: 300 },
    );
    // The scheduler (acks, deadlines) runs on what the fuzz left behind without trouble.
    await new Promise((r) => setTimeout(r, 50));
    node.close();
  });

  it('a node that was fed garbage still answers real queries', async () => {
    const p = pipe({}, 22);
    const client = new RldpNode(p.a);
    const server = new RldpNode(p.b);
    server.onQuery = async (_peer, data) => data.slice().reverse();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1200 }), (bytes) => {
        p.a.sendCustom(p.b.remote, bytes);
      }),
      { numRuns: 500 },
    );
    const q = new Uint8Array(20_000).map((_, i) => i);
    const answer = await client.query(p.b.remote, q, { maxAnswerSize: 20_000, timeoutMs: 5000 });
    expect(Buffer.from(answer).equals(Buffer.from(q.slice().reverse()))).toBe(true);
    client.close();
    server.close();
    p.close();
  });
});
