/**
 * Round-trip time of ADNL queries and the retransmission timeout derived from it (RFC 6298, as TCP does):
 * SRTT/RTTVAR smoothed over samples, RTO = SRTT + max(G, 4·RTTVAR) clamped to [minRto, maxRto], doubled on every
 * timeout (§5.5) until a new sample resets it. Samples come only from queries answered without a resend (Karn's
 * rule: an answer to a resent query cannot be matched to one of its sends). AdnlNode keeps one per peer, and one
 * over all peers that gives the first-contact estimate for a peer never measured.
 */

/** RFC 6298 §2 gains: alpha = 1/8, beta = 1/4, K = 4. */
const ALPHA = 1 / 8;
const BETA = 1 / 4;
const K = 4;

export interface RtoBounds {
  /** RTO before any sample. */
  initialRtoMs: number;
  minRtoMs: number;
  maxRtoMs: number;
  /** Clock granularity G of RFC 6298 (a JS timer fires this late under load). */
  granularityMs: number;
}

export interface RttFigures {
  srttMs: number;
  rttvarMs: number;
  rtoMs: number;
  samples: number;
}

export class RttEstimator {
  srtt = 0;
  rttvar = 0;
  samples = 0;
  rto: number;
  readonly #bounds: RtoBounds;

  /** `rto`: the estimate to start from (the first-contact estimate, or bounds.initialRtoMs). */
  constructor(bounds: RtoBounds, rto = bounds.initialRtoMs) {
    this.#bounds = bounds;
    this.rto = this.#clamp(rto);
  }

  /** One measured round trip (ms) of a query sent once (RFC 6298 §2.2–2.3). */
  sample(ms: number): void {
    const r = Math.max(0, ms);
    if (this.samples === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = (1 - BETA) * this.rttvar + BETA * Math.abs(this.srtt - r);
      this.srtt = (1 - ALPHA) * this.srtt + ALPHA * r;
    }
    this.samples++;
    this.rto = this.#clamp(this.srtt + Math.max(this.#bounds.granularityMs, K * this.rttvar));
  }

  /** A query waited a whole RTO unanswered: back off (RFC 6298 §5.5) until the next sample. */
  backoff(): void {
    this.rto = this.#clamp(this.rto * 2);
  }

  figures(): RttFigures {
    return { srttMs: this.srtt, rttvarMs: this.rttvar, rtoMs: this.rto, samples: this.samples };
  }

  #clamp(ms: number): number {
    return Math.min(this.#bounds.maxRtoMs, Math.max(this.#bounds.minRtoMs, ms));
  }
}
