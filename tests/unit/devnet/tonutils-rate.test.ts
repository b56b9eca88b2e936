/**
 * The tonutils kind's send rate (src/net/rldp/tonutils-rate.ts) against tonutils-go v1.14.1 (167b5d35): confirm
 * sequences replayed through the controller, and the rates compared with what adnl/rldp/rate.go ObserveDelta
 * computes for the same inputs, worked out by hand from its formulas with NewClient's options (client.go NewClient:
 * MinRate 2500, slow start ×2.5, TargetLoss 0.05, HighLoss 0.25, DecreaseFactor 0.15, MildDecreaseFactor 0.05,
 * IncreaseFactor 0.067, Deadband 0.01, IncreaseOnlyWhenTokensBelow 0.75; applyDefaults: MinSamples 3,
 * delay = clamp(10 + rate/2000, 10, 500) ms, EWMAAlpha 0.1).
 */
import { describe, expect, it } from 'vitest';
import type { RldpConfirmMessage } from '../../../src/net/rldp/codec.ts';
import { TONUTILS_PART_SIZE } from '../../../src/devnet/peers/index.ts';
import { OutboundTransfer } from '../../../src/net/rldp/outbound.ts';
import { TonutilsCadence } from '../../../src/net/rldp/tonutils-cadence.ts';
import {
  confirmSample,
  newConfirmProgress,
  TonutilsBucket,
  TonutilsRateController,
} from '../../../src/net/rldp/tonutils-rate.ts';

function controller(): { bucket: TonutilsBucket; rc: TonutilsRateController } {
  const bucket = new TonutilsBucket();
  return { bucket, rc: new TonutilsRateController(bucket) };
}

/** Three samples at t, t+1, t+2 (MinSamples 3), each `total` sent and `recv` received. */
function step(rc: TonutilsRateController, t: number, total: number, recv: number): void {
  for (let i = 0; i < 3; i++) rc.observeDelta(total, recv, t + i);
}

describe('confirmSample (client.go handleMessage, case ConfirmV2)', () => {
  it('takes v2 confirms whose max_seqno advanced by 32, as total = advance + 1 and the growth of received_count', () => {
    const p = newConfirmProgress();
    expect(confirmSample(p, 1, 100, 0)).toBeNull(); // v1: isV2 = false, never observed
    expect(confirmSample(p, 2, 31, 31)).toBeNull(); // lastProc + 32 <= MaxSeqno fails: 32 > 31
    expect(confirmSample(p, 2, 32, 30)).toEqual({ total: 33, recv: 30 }); // (32 - 0) + 1; 30 - 0
    expect(confirmSample(p, 2, 63, 60)).toBeNull();
    expect(confirmSample(p, 2, 64, 61)).toEqual({ total: 33, recv: 31 });
    // ReceivedCount below the last processed one: recvDelta stays 0, and the new count is remembered (SwapUint32).
    expect(confirmSample(p, 2, 100, 50)).toEqual({ total: 37, recv: 0 });
    expect(confirmSample(p, 2, 132, 80)).toEqual({ total: 33, recv: 30 });
  });
});

describe('TonutilsRateController (rate.go ObserveDelta)', () => {
  it('grows ×2.5 per recalculation in slow start while loss is low, each after clamp(10 + rate/2000) ms', () => {
    const { bucket, rc } = controller();
    // Lossless confirms every 32 symbols: total 33, recv 32 each, loss 3/99 = 0.0303 < TargetLoss 0.05.
    rc.observeDelta(33, 32, 0);
    rc.observeDelta(33, 32, 1);
    expect(bucket.rate).toBe(10_000); // samples < MinSamples
    rc.observeDelta(33, 32, 2); // lastProc starts at 0 unix ms: the first recalculation is never delayed
    expect(rc.lossEwma).toBeCloseTo(3 / 99, 12); // the first EWMA is seeded with the loss itself
    expect(bucket.rate).toBe(25_000); // 10000 + trunc(10000 × 1.5)
    // delay = 10 + trunc(25000 / 2000) = 22 ms after t = 2: samples at 3, 4, 5 wait (and keep accumulating).
    step(rc, 3, 33, 32);
    expect(bucket.rate).toBe(25_000);
    rc.observeDelta(33, 32, 24); // 2 + 22 > 24 is false: recalculates over 4 samples (132 sent, 128 received)
    expect(bucket.rate).toBe(62_500); // 25000 + 37500
    // Each next one after 10 + trunc(rate/2000) ms: 41, 88, 205, 498, then the 500 ms cap.
    const expected: [number, number][] = [
      [24 + 41, 156_250],
      [65 + 88, 390_625],
      [153 + 205, 976_562], // 390625 + trunc(585937.5)
      [358 + 498, 2_441_405], // 976562 + trunc(1464843)
      [856 + 500, 5_000_000], // 2441405 + 3662107 = 6103512, SetRate's cap
    ];
    for (const [at, rate] of expected) {
      step(rc, at - 2, 33, 32);
      expect(bucket.rate).toBe(rate);
    }
    expect(rc.inSlowStart).toBe(true);
  });

  it('leaves slow start on loss, cuts by 15 % above HighLoss and 5 % below it, floors at MinRate, and grows by 6.7 % only with the bucket under 75 %', () => {
    const { bucket, rc } = controller();
    // 20 of 33 arrive: loss 39/99 = 0.394 ≥ 0.05 ends slow start at once, and > 0.25 cuts 15 %.
    step(rc, 0, 33, 20);
    expect(rc.inSlowStart).toBe(false);
    expect(bucket.rate).toBe(8500); // 10000 - trunc(1500)
    // Then lossless (loss 3/99): ewma ← 0.9 ewma + 0.1 × 0.0303, a step every 20 ms (delay ≤ 15 ms here).
    // ewma 0.358, 0.325, 0.295, 0.269 (> 0.25: −15 %), then 0.245 … (−5 %), down to MinRate 2500: 2528 − 126 =
    // 2402 → 2500 (a 1.1 % change, outside the 1 % deadband), then 2500 − 125 → 2500 (no change).
    const rates: number[] = [];
    for (let i = 1; i <= 27; i++) {
      step(rc, i * 20, 33, 32);
      rates.push(bucket.rate);
    }
    expect(rates).toEqual([
      7225, 6142, 5221, 4438, 4217, 4007, 3807, 3617, 3437, 3266, 3103, 2948, 2801, 2661, 2528, 2500, 2500,
      2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500, 2500,
    ]);
    // The 28th lossless step brings the EWMA to 0.0493 < TargetLoss: an increase is allowed, but only when
    // GetTokensLeft < trunc(2500 × 0.75) = 1875; the bucket still holds its 10,000 (SetRate leaves the tokens).
    expect(rc.lossEwma).toBeGreaterThan(0.05);
    step(rc, 28 * 20, 33, 32);
    expect(rc.lossEwma).toBeLessThan(0.05);
    expect(rc.inSlowStart).toBe(false); // slow start never comes back
    expect(bucket.rate).toBe(2500);
    expect(bucket.take(10_000)).toBe(10_000);
    step(rc, 29 * 20, 33, 32);
    expect(bucket.rate).toBe(2667); // 2500 + trunc(167.5)
  });
});

describe('TonutilsBucket (bucket.go)', () => {
  it('starts full at 10,000; SetRate changes rate and capacity, and the next refill caps the tokens', () => {
    const b = new TonutilsBucket();
    b.refill(0);
    expect(b.tokensLeft).toBe(10_000);
    expect(b.take(12_000)).toBe(10_000);
    b.refill(50); // 50 ms at 10 symbols/ms
    expect(b.tokensLeft).toBe(500);
    b.refill(2000);
    expect(b.tokensLeft).toBe(10_000); // capacity
    b.setRate(2500);
    expect(b.tokensLeft).toBe(10_000); // SetRate does not touch the tokens
    b.refill(2001);
    expect(b.tokensLeft).toBe(2500);
    b.setRate(50);
    expect(b.rate).toBe(128);
    b.setRate(9e6);
    expect(b.rate).toBe(5_000_000);
  });
});

describe('the tonutils cadence feeds its rate from confirms', () => {
  function transfer(version: 1 | 2): OutboundTransfer {
    const data = new Uint8Array(2_095_160);
    return new OutboundTransfer(
      new Uint8Array(32).fill(1),
      'x',
      version,
      data,
      1e9,
      4,
      () => {},
      TONUTILS_PART_SIZE,
    );
  }
  function confirm(version: 1 | 2, part: number, seqno: number, receivedCount: number): RldpConfirmMessage {
    const transferId = new Uint8Array(32).fill(1);
    return { kind: 'confirm', version, transferId, part, seqno, receivedMask: 0, receivedCount };
  }

  it('v2 confirms every 32 symbols move the bucket; v1 confirms never do', () => {
    for (const version of [1, 2] as const) {
      const c = new TonutilsCadence();
      const t = transfer(version);
      c.pump([t], 0, () => {});
      for (let i = 1; i <= 3; i++) c.onConfirm(t, confirm(version, 0, 32 * i, 32 * i), i);
      expect(c.rate).toBe(version === 2 ? 25_000 : 10_000);
    }
  });

  it('a confirm naming an earlier part counts for the current one, as getCurrentPart does', () => {
    const c = new TonutilsCadence();
    const t = transfer(2);
    c.pump([t], 0, () => {});
    t.completePart(0);
    c.pump([t], 1, () => {}); // part 1 starts
    // A late confirm of part 0 at max_seqno 1400 is applied to part 1's lastConfirmSeqnoProcessed ...
    c.onConfirm(t, confirm(2, 0, 1400, 1366), 2);
    // ... so part 1's own confirms give no sample until max_seqno reaches 1432.
    for (let i = 1; i <= 5; i++) c.onConfirm(t, confirm(2, 1, 32 * i, 32 * i), 2 + i);
    expect(c.rate).toBe(10_000);
    c.onConfirm(t, confirm(2, 1, 1432, 1380), 10);
    c.onConfirm(t, confirm(2, 1, 1464, 1400), 11);
    expect(c.rate).toBe(25_000); // samples (1401, 1366), (33, 14), (33, 20): loss 67/1467 = 0.046 < 0.05
  });
});
