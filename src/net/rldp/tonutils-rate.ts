/**
 * The per-peer send rate of a tonutils-go v1.14.1 RLDP sender, for the `tonutils` send cadence
 * (tonutils-cadence.ts): its token bucket and the AdaptiveRateController that moves it on rldp2 confirms.
 * Read from xssnick/tonutils-go at v1.14.1 (167b5d35):
 *
 * - adnl/rldp/bucket.go `NewTokenBucket(10000, …)` (client.go NewClient): 10,000 symbols/s, capacity the same, starts
 *   full. `SetRate(pps)` clamps pps to 128..5,000,000 and sets rate and capacity; the tokens already in the bucket
 *   stay until the next refill (`TryConsume`) caps them at the new capacity. `GetTokensLeft` reads the tokens as of
 *   the last refill.
 * - adnl/rldp/client.go handleMessage, case ConfirmV2: only a v2 confirm (a v1 `Confirm` is rewritten to ConfirmV2
 *   with isV2 = false and never counts) whose MaxSeqno is at least 32 above the current part's
 *   lastConfirmSeqnoProcessed feeds the controller, with total = MaxSeqno − lastProc + 1 and recv = the growth of
 *   ReceivedCount since the last processed confirm (0 if it shrank). Both are per part and start at 0.
 * - adnl/rldp/rate.go `ObserveDelta(total, recv)`: sums samples; once there are MinSamples of them and
 *   clamp(DelayBaseMs + rate/DelayPerRateDiv, DelayMinMs, DelayMaxMs) ms passed since the last recalculation, takes
 *   loss = (total − recv)/total over the sums, an EWMA of it (seeded with the first loss), and then: in slow start,
 *   rate += trunc(rate × (SlowStartMultiplier − 1)) while the EWMA is below TargetLoss, else slow start ends; out of
 *   it, below TargetLoss rate += trunc(rate × IncreaseFactor) only if the bucket holds fewer than
 *   IncreaseOnlyWhenTokensBelow × rate tokens, above HighLoss rate −= trunc(rate × DecreaseFactor), between them
 *   rate −= trunc(rate × MildDecreaseFactor); then at least MinRate, and no change within the Deadband.
 * - client.go NewClient passes the options below; applyDefaults fills the rest (MinSamples 3, DelayBaseMs 10,
 *   DelayPerRateDiv 2000, DelayMinMs 10, DelayMaxMs 500, EWMAAlpha 0.1, SlowStartExitLoss = 2 × TargetLoss).
 */

/** client.go NewClient AdaptiveRateOptions, with rate.go applyDefaults for the fields it leaves at zero. */
export const TONUTILS_RATE_OPTIONS = {
  minSamples: 3,
  delayBaseMs: 10,
  delayPerRateDiv: 2000,
  delayMinMs: 10,
  delayMaxMs: 500,
  targetLoss: 0.05,
  highLoss: 0.25,
  increaseFactor: 0.067,
  decreaseFactor: 0.15,
  mildDecreaseFactor: 0.05,
  deadband: 0.01,
  ewmaAlpha: 0.1,
  minRate: 2500,
  increaseOnlyWhenTokensBelow: 0.75,
  slowStartMultiplier: 2.5,
  slowStartExitLoss: 0.1,
} as const;

/** NewTokenBucket(10000): symbols per second and capacity. SetRate's bounds. */
export const TONUTILS_START_RATE = 10_000;
const MIN_SET_RATE = 128;
const MAX_SET_RATE = 5_000_000;

/** A tonutils-go TokenBucket (bucket.go): `rate` symbols per second, holding at most `capacity`. */
export class TonutilsBucket {
  #rate = TONUTILS_START_RATE;
  #capacity = TONUTILS_START_RATE;
  #tokens = TONUTILS_START_RATE;
  #refilledAt: number | null = null;

  /** Symbols per second. */
  get rate(): number {
    return this.#rate;
  }

  /** GetTokensLeft: whole tokens as of the last refill. */
  get tokensLeft(): number {
    return Math.floor(this.#tokens);
  }

  /** TryConsume's refill: tokens grow with the time passed, capped at the capacity (only when time passed). */
  refill(now: number): void {
    if (this.#refilledAt !== null && now > this.#refilledAt) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#refilledAt) * this.#rate) / 1000);
    }
    if (this.#refilledAt === null || now > this.#refilledAt) this.#refilledAt = now;
  }

  /** Takes up to `n` whole tokens (one per symbol); returns how many it took. Call refill first. */
  take(n: number): number {
    const got = Math.max(0, Math.min(n, Math.floor(this.#tokens)));
    this.#tokens -= got;
    return got;
  }

  /** SetRate: rate and capacity, clamped to 128..5,000,000. */
  setRate(pps: number): void {
    const r = Math.min(MAX_SET_RATE, Math.max(MIN_SET_RATE, pps));
    this.#rate = r;
    this.#capacity = r;
  }
}

/** Per part: what handleMessage remembers of the last confirm it fed to the controller. */
export interface ConfirmProgress {
  seqno: number;
  received: number;
}

export function newConfirmProgress(): ConfirmProgress {
  return { seqno: 0, received: 0 };
}

/**
 * client.go handleMessage, case ConfirmV2: the sample a confirm gives the controller, or null when it gives none
 * (a v1 confirm, or max_seqno less than 32 above the last processed one). Updates `p` when it gives one.
 */
export function confirmSample(
  p: ConfirmProgress,
  version: 1 | 2,
  maxSeqno: number,
  receivedCount: number,
): { total: number; recv: number } | null {
  if (version !== 2 || p.seqno + 32 > maxSeqno) return null;
  const total = maxSeqno - p.seqno + 1;
  const recv = receivedCount >= p.received ? receivedCount - p.received : 0;
  p.seqno = maxSeqno;
  p.received = receivedCount;
  return { total, recv };
}

/** rate.go AdaptiveRateController with NewClient's options, moving a TonutilsBucket's rate. */
export class TonutilsRateController {
  readonly #bucket: TonutilsBucket;
  #total = 0;
  #recv = 0;
  #samples = 0;
  /** lastProc: the ms of the last recalculation (unix ms in Go, so the first one is never delayed). */
  #lastProc = -Infinity;
  #lossEwma = 0;
  #slowStart = true;

  constructor(bucket: TonutilsBucket) {
    this.#bucket = bucket;
  }

  get inSlowStart(): boolean {
    return this.#slowStart;
  }

  get lossEwma(): number {
    return this.#lossEwma;
  }

  /** ObserveDelta(total, recv) at `now` ms (Go reads time.Now().UnixMilli(): whole ms). */
  observeDelta(total: number, recv: number, now: number): void {
    const o = TONUTILS_RATE_OPTIONS;
    if (total === 0) return;
    this.#total += total;
    this.#recv += recv;
    this.#samples++;
    const nowMs = Math.floor(now);
    const rate = this.#bucket.rate;
    const delay = Math.min(
      o.delayMaxMs,
      Math.max(o.delayMinMs, o.delayBaseMs + Math.trunc(rate / o.delayPerRateDiv)),
    );
    if (this.#samples < o.minSamples || this.#lastProc + delay > nowMs) return;
    this.#lastProc = nowMs;
    const totalN = this.#total;
    const recvN = this.#recv;
    this.#total = 0;
    this.#recv = 0;
    this.#samples = 0;
    if (totalN <= 0) return;

    const loss = (totalN - recvN) / totalN;
    const prev = this.#lossEwma === 0 ? loss : this.#lossEwma;
    const ewma = prev * (1 - o.ewmaAlpha) + loss * o.ewmaAlpha;
    this.#lossEwma = ewma;

    let next = rate;
    if (this.#slowStart) {
      if (ewma < o.targetLoss) next = rate + Math.max(1, Math.trunc(rate * (o.slowStartMultiplier - 1)));
      else this.#slowStart = false;
      if (ewma > o.slowStartExitLoss) this.#slowStart = false;
    }
    if (!this.#slowStart) {
      if (ewma < o.targetLoss) {
        if (this.#bucket.tokensLeft < Math.trunc(rate * o.increaseOnlyWhenTokensBelow)) {
          next = rate + Math.trunc(rate * o.increaseFactor);
        }
      } else if (ewma > o.highLoss) next = rate - Math.trunc(rate * o.decreaseFactor);
      else next = rate - Math.trunc(rate * o.mildDecreaseFactor);
    }
    next = Math.max(o.minRate, next);
    if (rate > 0 && Math.abs(next - rate) / rate < o.deadband) return;
    if (next !== rate) this.#bucket.setRate(next);
  }
}
