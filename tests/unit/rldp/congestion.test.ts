/**
 * Pacing (DIGEST §7.3): the BBR-like controller on simulated time, and a sender against a receiver that can take
 * only so many datagrams per ms behind a small buffer — it must complete without drowning the buffer.
 */
import { describe, expect, it } from 'vitest';
import { PacingController, RldpNode } from '../../../src/net/rldp/index.ts';
import { pipe } from './pipe.ts';

/** Drives a controller as a path of `rate` symbols/ms and `rtt` ms would: acks every ms, `loss` of them lost. */
function simulate(
  c: PacingController,
  ms: number,
  rate: (t: number) => number,
  rtt: number,
  loss = 0,
  from = 0,
) {
  for (let t = from; t < from + ms; t++) {
    const sent = Math.min(c.pacingRate(), rate(t));
    const lost = sent * loss;
    c.onRttSample(rtt, t);
    c.onDelivered(sent - lost, t);
    c.onResolved(sent, lost);
    c.onInFlight(c.pacingRate() * rtt, t);
  }
}

describe('PacingController', () => {
  it('starts conservatively, then ramps up to the path rate in startup', () => {
    const c = new PacingController();
    expect(c.phase).toBe('startup');
    expect(c.cwnd()).toBe(64);
    const initial = c.pacingRate();
    simulate(c, 200, () => 30, 5);
    expect(c.bandwidth).toBeGreaterThan(25);
    expect(c.bandwidth).toBeLessThanOrEqual(30.01);
    expect(c.pacingRate()).toBeGreaterThan(initial * 3);
  });

  it('leaves startup when the delivery rate stops growing, then cycles around it', () => {
    const c = new PacingController();
    simulate(c, 400, () => 20, 5);
    expect(c.phase).toBe('probe');
    const rates: number[] = [];
    for (let t = 400; t < 600; t++) {
      simulate(c, 1, () => 20, 5, 0, t);
      rates.push(c.pacingRate());
    }
    // Probe gains 0.75..1.25 around the measured 20 symbols/ms.
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.75 * 20 - 0.01);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1.25 * 20 + 0.01);
    // Window: 2 × bandwidth × (min RTT + host latency allowance).
    expect(c.cwnd()).toBeGreaterThanOrEqual(2 * 20 * 5);
  });

  it('random loss is learned (for the FEC budget) without collapsing the rate', () => {
    const c = new PacingController();
    const r = ((s) => () => ((s = (s * 1103515245 + 12345) >>> 0), s / 4294967296))(7);
    for (let t = 0; t < 2000; t++) {
      const sent = Math.min(c.pacingRate(), 30);
      let lost = 0;
      for (let i = 0; i < Math.round(sent); i++) if (r() < 0.3) lost++;
      c.onRttSample(5, t);
      c.onDelivered(sent - lost, t);
      c.onResolved(Math.round(sent), lost);
      c.onInFlight(0, t);
    }
    expect(c.lossRate).toBeGreaterThan(0.2);
    expect(c.lossRate).toBeLessThan(0.4);
    // 70% of 30/ms arrives; the estimate is of what the path carries (30/ms), not a rate shrinking by 30% a round.
    expect(c.bandwidth).toBeGreaterThan(0.8 * 30);
  });

  it('a round with loss far above the floor (our queue overflowing) cuts the estimate', () => {
    const c = new PacingController();
    simulate(c, 400, () => 20, 5);
    const before = c.bandwidth;
    for (let t = 400; t < 420; t++) {
      c.onRttSample(5, t);
      c.onDelivered(10, t);
      c.onResolved(20, 10);
    }
    expect(c.bandwidth).toBeLessThan(before * 0.9);
  });

  it('app-limited samples never lower the estimate', () => {
    const c = new PacingController();
    simulate(c, 300, () => 20, 5);
    const before = c.bandwidth;
    for (let t = 300; t < 340; t++) {
      c.onRttSample(5, t);
      c.onDelivered(1, t, true);
    }
    expect(c.bandwidth).toBe(before);
  });

  it('the pacer hands out tokens at its rate, in bursts of a few ms at most', () => {
    const c = new PacingController();
    expect(c.available(0)).toBeGreaterThan(0);
    c.spend(c.available(0));
    const rate = c.pacingRate();
    expect(c.available(20)).toBe(Math.floor(Math.min(rate * 20, rate * 8)));
    c.spend(c.available(20));
    expect(c.available(20)).toBe(0);
    expect(c.waitForToken()).toBeGreaterThan(0);
    expect(c.waitForToken()).toBeLessThanOrEqual(1 / rate + 1e-9);
  });
});

describe('sender against a slow receiver with a small buffer', () => {
  it('completes without most of what it sends being dropped', async () => {
    // The receiver takes 20 datagrams/ms behind a 200-datagram buffer; a blast of a 4 MB answer's 5209 symbols
    // would lose most of them.
    const p = pipe({ ratePerMs: 20, queueLimit: 200 }, 3);
    const client = new RldpNode(p.a);
    const server = new RldpNode(p.b);
    const size = 4_000_000;
    server.onQuery = async () => new Uint8Array(size).fill(7);
    const answer = await client.query(p.b.remote, Uint8Array.of(1), {
      maxAnswerSize: size,
      timeoutMs: 30_000,
    });
    expect(answer.length).toBe(size);
    const k = Math.ceil(size / 768);
    expect(p.b.stats.sent).toBeLessThan(2 * k);
    expect(p.b.stats.lost).toBeLessThan(0.5 * p.b.stats.sent);
    client.close();
    server.close();
    p.close();
  });
});
