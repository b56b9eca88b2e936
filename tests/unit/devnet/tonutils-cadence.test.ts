/**
 * The tonutils-go v1.x send cadence of devnet `tonutils` peers (src/net/rldp/tonutils-cadence.ts), against what
 * rldp-transcript.json `sender_per_part` observed from a real v1.14.1 site: a fast burst of K + floor(K/33)
 * symbols per part (1407 for K = 1366, 1404 for K = 1363), then max(1, floor(K/300)) = 4 new symbols on the next
 * tick, on each confirm, and every 50 ms without one; the next part only after `complete`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { peerProfile, rldpOptionsOf, TONUTILS_PART_SIZE } from '../../../src/devnet/peers/index.ts';
import { decodeRldpWire, RldpNode } from '../../../src/net/rldp/index.ts';
import { OutboundTransfer } from '../../../src/net/rldp/outbound.ts';
import { TonutilsCadence } from '../../../src/net/rldp/tonutils-cadence.ts';
import { pipe } from '../rldp/pipe.ts';

/** The answer of the transcript's run: total_size 2,095,160 in two 1 MiB parts. */
function transfer(): OutboundTransfer {
  const data = new Uint8Array(2_095_160).map((_, i) => i & 0xff);
  return new OutboundTransfer(new Uint8Array(32).fill(1), 'x', 2, data, 1e9, 4, () => {}, TONUTILS_PART_SIZE);
}

function seqnos(out: Uint8Array[]): number[] {
  return out.map((d) => {
    const m = decodeRldpWire(d);
    if (m?.kind !== 'part') throw new Error('not a part');
    return m.seqno;
  });
}

const open: { close(): void }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) o.close();
});

describe('TonutilsCadence', () => {
  it('bursts K + K/33 symbols, then 4 new ones on the next tick, on a confirm and every 50 ms', () => {
    const c = new TonutilsCadence();
    const t = transfer();
    const out: Uint8Array[] = [];
    const emit = (d: Uint8Array) => out.push(d.slice());

    let r = c.pump([t], 0, emit);
    expect(r.sent).toBe(1366 + 41);
    expect(seqnos(out)).toEqual([...Array(1407).keys()]);
    expect(t.active.map((p) => p.index)).toEqual([0]); // one part at a time
    expect(r.wake).toBe(1);

    out.length = 0;
    r = c.pump([t], 1, emit); // lastRecoverAt starts at 0: the first tick after the burst sends
    expect(seqnos(out)).toEqual([1407, 1408, 1409, 1410]);
    expect(r.repairs).toBe(4);
    expect(r.wake).toBe(1 + 50 + 1);

    out.length = 0;
    expect(c.pump([t], 10, emit).sent).toBe(0); // nothing due
    const id = new Uint8Array(32).fill(1);
    c.onConfirm(
      t,
      { kind: 'confirm', version: 2, transferId: id, part: 0, seqno: 20, receivedMask: 0, receivedCount: 20 },
      11,
    );
    expect(c.pump([t], 11, emit).sent).toBe(4); // a confirm since the last recovery send
    expect(c.pump([t], 30, emit).sent).toBe(0);
    expect(c.pump([t], 62, emit).sent).toBe(4); // 50 ms without a confirm
    expect(seqnos(out)).toEqual([1411, 1412, 1413, 1414, 1415, 1416, 1417, 1418]);

    // complete for part 0: part 1 starts with its own burst (K = 1363 -> 1404 symbols).
    out.length = 0;
    expect(t.completePart(0)).toBe(false);
    r = c.pump([t], 70, emit);
    expect(r.sent).toBe(1363 + 41);
    expect(t.active.map((p) => p.index)).toEqual([1]);
  });

  it('a tonutils-kind RLDP node sends an answer that way, and the answer arrives whole', async () => {
    const p = pipe();
    const client = new RldpNode(p.a);
    const server = new RldpNode(p.b, {
      ...rldpOptionsOf(peerProfile('tonutils')),
      maxIncomingTransfer: 1 << 16,
    });
    open.push(client, server, p);
    const data = new Uint8Array(2_095_104).map((_, i) => (i * 13) & 0xff);
    server.onQuery = async () => data;
    const bySeqnoOrder: number[] = [];
    const send = p.b.sendCustom.bind(p.b);
    p.b.sendCustom = (peer, d) => {
      const m = decodeRldpWire(d.slice());
      if (m?.kind === 'part' && m.part === 0) bySeqnoOrder.push(m.seqno);
      send(peer, d);
    };
    const got = await client.query(p.b.remote, Uint8Array.of(1), {
      maxAnswerSize: 3_000_000,
      timeoutMs: 20_000,
      version: 2,
    });
    expect(Buffer.from(got).equals(Buffer.from(data))).toBe(true);
    // The first 1407 symbols of part 0 left in one burst, in order.
    expect(bySeqnoOrder.slice(0, 1407)).toEqual([...Array(1407).keys()]);
    // New seqnos only: a fountain sender never repeats a symbol.
    expect(new Set(bySeqnoOrder).size).toBe(bySeqnoOrder.length);
  });
});

describe('the tonutils receiver cadence', () => {
  it('confirms on the first symbol and then every 10th (within 20 ms), each once, and completes on decode', async () => {
    const p = pipe();
    const client = new RldpNode(p.a);
    const server = new RldpNode(p.b, {
      ...rldpOptionsOf(peerProfile('tonutils')),
      maxIncomingTransfer: 1 << 20,
    });
    open.push(client, server, p);
    server.onQuery = async () => Uint8Array.of(1);
    const confirms: { seqno: number; at: number }[] = [];
    const send = p.b.sendCustom.bind(p.b);
    p.b.sendCustom = (peer, d) => {
      const m = decodeRldpWire(d.slice());
      if (m?.kind === 'confirm') confirms.push({ seqno: m.seqno, at: performance.now() });
      send(peer, d);
    };
    // 100,000 bytes: K = 131 source symbols, all arriving within a few ms on the in-memory path.
    await client.query(p.b.remote, new Uint8Array(100_000), {
      maxAnswerSize: 100,
      timeoutMs: 10_000,
      version: 2,
    });
    // v2 max_seqno = highest + 1: the first symbol is confirmed at once, then every 10th, or one that comes more
    // than 20 ms after the last confirm; the symbol that decodes sends complete instead.
    expect(confirms[0].seqno).toBe(1);
    expect(confirms.length).toBeGreaterThanOrEqual(13);
    for (let i = 1; i < confirms.length; i++) {
      const gap = confirms[i].seqno - confirms[i - 1].seqno;
      if (gap !== 10) expect(confirms[i].at - confirms[i - 1].at).toBeGreaterThan(20);
    }
  });
});
