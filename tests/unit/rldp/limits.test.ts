/**
 * Hostile senders: every size and fec parameter from the wire is checked before anything is allocated. A peer that
 * announces an enormous transfer, lies about part sizes, opens many transfers or floods symbols gets refusals
 * (counted), never memory.
 */
import { describe, expect, it } from 'vitest';
import { decodeRldpWire, encodeRldpQuery, type RldpVersion } from '../../../src/net/rldp/index.ts';
import { harness, inverted, part, peer, type Craft } from './wire.ts';

describe('answers to our queries', () => {
  it('symbols of an enormous answer transfer are refused without allocating', async () => {
    const h = harness();
    const server = peer(2);
    const pending = h.node.query(server, Uint8Array.of(1), { maxAnswerSize: 10_000, timeoutMs: 300 });
    await new Promise((r) => setTimeout(r, 5));
    const q = decodeRldpWire(h.sent[0].data);
    if (!q || q.kind !== 'part') throw new Error('expected our query symbol');
    const answerId = inverted(q.transferId);
    for (const totalSize of [10_044 + 1, 2_000_000, 2 ** 40, 2 ** 53 - 1, 2 ** 62, -1, 0]) {
      for (let seqno = 0; seqno < 50; seqno++) {
        h.inject(
          server,
          part({
            transferId: answerId,
            totalSize,
            dataSize: Math.min(Math.max(totalSize, 0), 2_000_000),
            seqno,
          }),
        );
        expect(h.node.usage().decoderBytes).toBe(0);
      }
    }
    expect(h.node.counters.refused).toBe(7 * 50);
    await expect(pending).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('an answer within max_answer_size is taken; its decoders are bounded by the node budget', async () => {
    const h = harness({ limits: { maxInboundBytes: 2_500_000, maxTransferSize: 8_000_000 } });
    const server = peer(3);
    const pending = h.node.query(server, Uint8Array.of(1), { maxAnswerSize: 6_000_000, timeoutMs: 200 });
    pending.catch(() => {});
    await new Promise((r) => setTimeout(r, 5));
    const q = decodeRldpWire(h.sent[0].data);
    if (!q || q.kind !== 'part') throw new Error('expected our query symbol');
    const answerId = inverted(q.transferId);
    const totalSize = 5_000_000;
    for (let p = 0; p < 3; p++) {
      const dataSize = Math.min(2_000_000, totalSize - p * 2_000_000);
      h.inject(server, part({ transferId: answerId, totalSize, part: p, dataSize, seqno: 0 }));
    }
    // Part 0 got a decoder; parts 1 and 2 wait for the budget (their symbols are dropped, the sender repeats).
    expect(h.node.usage().decoderBytes).toBe(2_000_000);
    expect(h.node.counters.refused).toBe(0);
    await expect(pending).rejects.toMatchObject({ kind: 'timeout' });
    expect(h.node.usage().decoderBytes).toBe(0);
  });
});

describe('unsolicited transfers', () => {
  it('a transfer above maxIncomingTransfer is refused from its first symbol', () => {
    const h = harness({ maxIncomingTransfer: 5000 });
    h.inject(peer(4), part({ totalSize: 5001, dataSize: 5001 }));
    h.inject(peer(4), part({ totalSize: 100_000_000, dataSize: 2_000_000 }));
    expect(h.node.counters.refused).toBe(2);
    expect(h.node.usage()).toMatchObject({ decoderBytes: 0, unsolicitedTransfers: 0 });
    h.inject(peer(4), part({ totalSize: 5000, dataSize: 5000 }));
    expect(h.node.usage()).toMatchObject({ decoderBytes: 5000, unsolicitedTransfers: 1 });
    h.node.close();
  });

  it('fec parameters must match the part: data_size, symbol_size 768, symbols_count, raptorQ, index, symbol length', () => {
    for (const strict of [false, true]) check(strict);
  });

  function check(strict: boolean): void {
    const h = harness({ strictInboundParts: strict });
    const bad: Craft[] = [
      // A 999-byte part 0 of 1000 bytes is a part size of 999 (two parts) unless we receive like C++ rldp2.
      strict ? { totalSize: 1000, dataSize: 999 } : { totalSize: 1000, dataSize: 1001 },
      { totalSize: 1000, dataSize: 1000, symbolsCount: 3 },
      { totalSize: 1000, dataSize: 1000, symbolSize: 512 },
      { totalSize: 1000, part: 1 },
      { totalSize: 1000, part: -1 },
      { totalSize: 1000, seqno: -5 },
    ];
    for (const c of bad) h.inject(peer(5), part(c));
    // fec.roundRobin instead of raptorQ (same layout, other constructor id).
    const rr = part({ totalSize: 1000 });
    rr.set([0xe4, 0x28, 0xf5, 0x32], 36);
    h.inject(peer(5), rr);
    // A short symbol (the bytes field says 700).
    const short = new Uint8Array(68 + 704);
    short.set(part({ totalSize: 1000 }).subarray(0, 68));
    short[68] = 254;
    short[69] = 700 & 255;
    short[70] = 700 >> 8;
    h.inject(peer(5), short);
    expect(h.node.counters.refused).toBe(bad.length + 2);
    expect(h.node.usage()).toMatchObject({ decoderBytes: 0, unsolicitedTransfers: 0 });
    h.node.close();
  }

  it('at most maxInboundPerPeer / maxInboundTotal half-received transfers; they expire', async () => {
    const h = harness({ limits: { maxInboundPerPeer: 4, maxInboundTotal: 6, inboundTimeoutMs: 100 } });
    for (let i = 0; i < 10; i++) {
      h.inject(peer(6), part({ transferId: new Uint8Array(32).fill(100 + i), totalSize: 2000 }));
    }
    expect(h.node.usage().unsolicitedTransfers).toBe(4);
    for (let i = 0; i < 10; i++) {
      h.inject(peer(7), part({ transferId: new Uint8Array(32).fill(200 + i), totalSize: 2000 }));
    }
    expect(h.node.usage().unsolicitedTransfers).toBe(6);
    // The node's slots are shared fairly (fair-share.ts): peer 7 took one of peer 6's four, then 3 + 3.
    expect(h.node.usage().evictedTransfers).toBe(1);
    expect(h.node.counters.refused).toBe(6 + 7);
    await new Promise((r) => setTimeout(r, 250));
    expect(h.node.usage()).toMatchObject({ unsolicitedTransfers: 0, decoderBytes: 0 });
    h.node.close();
  });

  it('a finished transfer answers later symbols with complete again, in its version', async () => {
    for (const version of [1, 2] as RldpVersion[]) {
      const h = harness();
      const got: Uint8Array[] = [];
      h.node.onQuery = async (_p, data) => {
        got.push(data);
        return new Uint8Array(0);
      };
      const payload = encodeRldpQuery(new Uint8Array(32).fill(9), 100, 2 ** 31 - 1, Uint8Array.of(1, 2, 3));
      const symbol = new Uint8Array(768);
      symbol.set(payload);
      const msg = part({ version, totalSize: payload.length, seqno: 0, symbol });
      h.inject(peer(8), msg);
      expect(got).toHaveLength(1);
      const kinds = () => h.sent.map((s) => decodeRldpWire(s.data)).map((m) => `${m?.kind}/v${m?.version}`);
      expect(kinds()).toContain(`complete/v${version}`);
      h.sent.length = 0;
      await new Promise((r) => setTimeout(r, 10));
      h.inject(peer(8), msg);
      expect(kinds()).toContain(`complete/v${version}`);
      // The handler ran once only.
      expect(got).toHaveLength(1);
      h.node.close();
    }
  });
});
