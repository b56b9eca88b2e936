/**
 * Per-peer send pacing, BBR-like as in C++ rldp2 (DIGEST §7.3; Bbr.cpp, Pacer.cpp, RttStats, BdwStats): the
 * sender measures the round-trip time and the rate at which the receiver actually gets symbols (its
 * received_count growing), and sends at gain × that rate with at most ~2 bandwidth-delay products in flight.
 * A blast that overflows the receiver's socket buffer only lowers the measured delivery rate, so the pace follows
 * what the peer (and the CPU on both ends) can take instead of collapsing.
 *
 * Phases: startup (gain 2.77 until the delivery rate stops growing by 25% for 3 rounds), drain (gain 1/2.77 until
 * what is in flight fits one BDP), then probe-bandwidth cycling gains [1.25, 0.75, 1 × 6] each round.
 * Loss: the loss rate (symbols below the highest acknowledged one that never arrived) is tracked for the FEC
 * budget. Random loss on the path shows as a floor every round shares; a round whose loss rises well above the
 * lowest of recent rounds means our own queue overflowed, and lowers the bandwidth estimate by 15%.
 *
 * Units: milliseconds and symbols; rates in symbols per millisecond.
 */

const STARTUP_GAIN = 2.77;
const PROBE_GAINS = [1.25, 0.75, 1, 1, 1, 1, 1, 1];
/** Before any measurement: 50 ms RTT (DIGEST §7.3) and ~1.5 MB/s. */
const INITIAL_RTT_MS = 50;
const INITIAL_BW = 2;
const INITIAL_CWND = 64;
const MIN_CWND = 16;
/** Rates are measured over at least this long (timer and ack-delay granularity of JavaScript event loops). */
const MIN_SAMPLE_MS = 4;
/**
 * ... and over at least this many delivered symbols: at a low rate (a policed relay: ~1 symbol/ms) a few-ms sample
 * holds one or two symbols, and the windowed maximum of such samples overestimates the rate several times over.
 */
const MIN_SAMPLE_SYMBOLS = 32;
/** The delivery rate keeps its maximum over this many rounds (and at least BW_WINDOW_MIN_MS). */
const BW_WINDOW_ROUNDS = 10;
const BW_WINDOW_MIN_MS = 250;
const MIN_RTT_WINDOW_MS = 10_000;
/** Per-round loss rates remembered to find the path's loss floor. */
const LOSS_HISTORY_ROUNDS = 16;
/** A round losing this much more than the floor signals congestion. */
const CONGESTION_LOSS_MARGIN = 0.08;
/** Event-loop latency allowed for in the window (see cwnd). */
const HOST_LATENCY_MS = 8;
/** Pacer burst: tokens never accumulate beyond this many ms of sending. */
const MAX_BURST_MS = 8;

type Phase = 'startup' | 'drain' | 'probe';

export interface PacingSnapshot {
  phase: Phase;
  srttMs: number;
  minRttMs: number;
  /** Estimated delivery rate, symbols/ms. */
  bandwidth: number;
  pacingRate: number;
  cwnd: number;
  lossRate: number;
}

export class PacingController {
  srtt = 0;
  rttvar = 0;
  minRtt = Infinity;
  #minRttAt = 0;
  #phase: Phase = 'startup';
  /** Monotonic deque of (time, rate) for the windowed maximum. */
  #bwTimes: number[] = [];
  #bwValues: number[] = [];
  #bw = INITIAL_BW;
  #fullBw = 0;
  #fullBwRounds = 0;
  #roundStart = 0;
  #rounds = 0;
  #cycle = 0;
  #cycleStart = 0;
  /** (time, delivered) points of recent acknowledgements, oldest first. */
  #ackTimes: number[] = [];
  #ackDelivered: number[] = [];
  delivered = 0;
  /** Long-run loss rate (EWMA weighted by symbols) and this round's counts. */
  lossRate = 0;
  #roundLost = 0;
  #roundResolved = 0;
  readonly #lossHistory: number[] = [];
  #tokens = INITIAL_CWND / 2;
  #lastRefill = -1;

  get phase(): Phase {
    return this.#phase;
  }

  get bandwidth(): number {
    return this.#bw;
  }

  #gain(): number {
    if (this.#phase === 'startup') return STARTUP_GAIN;
    if (this.#phase === 'drain') return 1 / STARTUP_GAIN;
    return PROBE_GAINS[this.#cycle];
  }

  /** Symbols per ms the pacer allows now. */
  pacingRate(): number {
    return Math.max(0.05, this.#gain() * this.#bw);
  }

  #rttForBdp(): number {
    return Number.isFinite(this.minRtt) ? Math.max(this.minRtt, 1) : INITIAL_RTT_MS;
  }

  /**
   * Symbols allowed in flight: gain × bandwidth × (min RTT + HOST_LATENCY_MS). In a JavaScript peer a good part of
   * every round trip is event-loop latency that is not a network queue (a burst waits for the receiver to decrypt
   * the datagrams before it, acks wait for a timer), so the minimum RTT alone would starve the window; the smoothed
   * RTT instead would feed back on our own queueing. A fixed allowance keeps at most a few ms of queue.
   */
  cwnd(): number {
    if (!Number.isFinite(this.minRtt)) return INITIAL_CWND;
    const gain = this.#phase === 'probe' ? 2 : STARTUP_GAIN;
    return Math.max(MIN_CWND, Math.ceil(gain * this.#bw * (this.#rttForBdp() + HOST_LATENCY_MS)));
  }

  /** Time after which an unacknowledged symbol counts as lost. */
  lossDelay(): number {
    if (this.srtt === 0) return INITIAL_RTT_MS * 2;
    return Math.max(this.srtt * 1.25, this.srtt + 4 * this.rttvar) + MIN_SAMPLE_MS;
  }

  onRttSample(rtt: number, now: number): void {
    if (!(rtt >= 0)) return;
    if (this.srtt === 0) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
    if (rtt <= this.minRtt || now - this.#minRttAt > MIN_RTT_WINDOW_MS) {
      this.minRtt = rtt;
      this.#minRttAt = now;
    }
  }

  /**
   * The receiver reports `count` more symbols received. `appLimited`: the sender had nothing more to send lately,
   * so the sample says little about the path and may only raise the estimate (BBR's app-limited samples).
   */
  onDelivered(count: number, now: number, appLimited = false): void {
    if (count <= 0) return;
    this.delivered += count;
    const times = this.#ackTimes;
    const dels = this.#ackDelivered;
    times.push(now);
    dels.push(this.delivered);
    const interval = Math.max(this.srtt, MIN_SAMPLE_MS);
    // Keep the newest point that is at least `interval` old and MIN_SAMPLE_SYMBOLS behind as the sample's base.
    while (times.length > 2 && now - times[1] >= interval && this.delivered - dels[1] >= MIN_SAMPLE_SYMBOLS) {
      times.shift();
      dels.shift();
    }
    if (times.length > 512) {
      times.shift();
      dels.shift();
    }
    const elapsed = now - times[0];
    if (elapsed >= interval && this.delivered - dels[0] >= MIN_SAMPLE_SYMBOLS) {
      // Symbols the path carries per ms, counting those random loss takes on the way (a 30%-loss path that
      // delivers 21/ms carries 30/ms): pacing at the bare delivery rate would shrink by the loss every round.
      const rate = (this.delivered - dels[0]) / elapsed / (1 - this.#lossFloor());
      if (!appLimited || rate > this.#bw) this.#onRateSample(rate, now);
    }
    this.#advanceRound(now, appLimited);
  }

  /** `resolved` symbols were found delivered or lost, `lost` of them lost. */
  onResolved(resolved: number, lost: number): void {
    if (resolved <= 0) return;
    const w = Math.min(1, resolved / 256);
    this.lossRate += w * (Math.min(1, lost / resolved) - this.lossRate);
    this.#roundResolved += resolved;
    this.#roundLost += lost;
  }

  /** The path's random loss: the lowest loss rate of recent rounds (at most 50%). */
  #lossFloor(): number {
    return this.#lossHistory.length === 0 ? 0 : Math.min(0.5, ...this.#lossHistory);
  }

  #onRateSample(rate: number, now: number): void {
    const window = Math.max(BW_WINDOW_ROUNDS * Math.max(this.srtt, MIN_SAMPLE_MS), BW_WINDOW_MIN_MS);
    const t = this.#bwTimes;
    const v = this.#bwValues;
    while (v.length > 0 && v[v.length - 1] <= rate) {
      v.pop();
      t.pop();
    }
    t.push(now);
    v.push(rate);
    while (t.length > 1 && now - t[0] > window) {
      t.shift();
      v.shift();
    }
    this.#bw = Math.max(v[0], 0.05);
  }

  #advanceRound(now: number, appLimited: boolean): void {
    const roundMs = Math.max(this.srtt, MIN_SAMPLE_MS);
    if (now - this.#roundStart < roundMs) return;
    this.#roundStart = now;
    this.#rounds++;
    // Congestion signal: this round lost far more than usual.
    const resolved = this.#roundResolved;
    if (resolved >= 32) {
      const roundLoss = this.#roundLost / resolved;
      // The path's own (random) loss is the lowest a recent round saw; loss well above it is our queue overflowing.
      const history = this.#lossHistory;
      history.push(roundLoss);
      if (history.length > LOSS_HISTORY_ROUNDS) history.shift();
      const floor = this.#lossFloor();
      // Margin plus three standard deviations of a round's sample, so random loss alone does not trigger it.
      const noise = 3 * Math.sqrt((Math.max(floor, 0.01) * (1 - floor)) / resolved);
      if (roundLoss > floor + CONGESTION_LOSS_MARGIN + noise) this.#cutBandwidth(now, 0.85);
    }
    this.#roundResolved = 0;
    this.#roundLost = 0;
    if (this.#phase === 'startup' && !appLimited) {
      if (this.#bw >= this.#fullBw * 1.25) {
        this.#fullBw = this.#bw;
        this.#fullBwRounds = 0;
      } else if (++this.#fullBwRounds >= 3) {
        this.#phase = 'drain';
      }
    }
    if (this.#phase === 'probe' && now - this.#cycleStart >= Math.max(this.#rttForBdp(), MIN_SAMPLE_MS)) {
      this.#cycle = (this.#cycle + 1) % PROBE_GAINS.length;
      this.#cycleStart = now;
    }
  }

  /** Leaves drain once what is in flight fits one bandwidth-delay product. */
  onInFlight(inFlight: number, now: number): void {
    if (this.#phase === 'drain' && inFlight <= this.#bw * this.#rttForBdp()) {
      this.#phase = 'probe';
      // Start the cycle at a random non-draining phase, like C++ Bbr (probe_bdw_cycle_ = random(1, 5)).
      this.#cycle = 2 + (this.#rounds % 6);
      this.#cycleStart = now;
    }
  }

  #cutBandwidth(now: number, factor: number): void {
    const cut = Math.max(this.#bw * factor, 0.05);
    this.#bwTimes = [now];
    this.#bwValues = [cut];
    this.#bw = cut;
    if (this.#phase === 'startup') this.#phase = 'drain';
  }

  /** Whole symbols the pacer lets out now. */
  available(now: number): number {
    const rate = this.pacingRate();
    if (this.#lastRefill < 0) this.#lastRefill = now;
    const cap = Math.max(rate * MAX_BURST_MS, 2);
    this.#tokens = Math.min(cap, this.#tokens + (now - this.#lastRefill) * rate);
    this.#lastRefill = now;
    return Math.floor(this.#tokens);
  }

  spend(symbols: number): void {
    this.#tokens -= symbols;
  }

  /** Ms until the pacer has one more whole symbol. */
  waitForToken(): number {
    return Math.max(0, 1 - this.#tokens) / this.pacingRate();
  }

  snapshot(): PacingSnapshot {
    return {
      phase: this.#phase,
      srttMs: this.srtt,
      minRttMs: Number.isFinite(this.minRtt) ? this.minRtt : 0,
      bandwidth: this.#bw,
      pacingRate: this.pacingRate(),
      cwnd: this.cwnd(),
      lossRate: this.lossRate,
    };
  }
}
