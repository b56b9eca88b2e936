/**
 * The outbound transfers of one peer and the pump that sends their symbols: as many as the pacer's tokens and the
 * congestion window allow (congestion.ts), round-robin over transfers in quanta, each transfer filling its first
 * part that still wants symbols (outbound.ts) and opening the next part when all are satisfied.
 * Symbols of one pump share one buffer (no per-symbol allocation); ADNL packs and encrypts them on its flush.
 */
import { messagePartSize } from './codec.ts';
import type { PacingController } from './congestion.ts';
import { RLDP_SYMBOL_SIZE } from './limits.ts';
import type { OutboundPart, OutboundTransfer } from './outbound.ts';

/** Symbols one transfer sends per round-robin turn. */
const QUANTUM = 32;
const PART_MESSAGE_SIZE = messagePartSize(RLDP_SYMBOL_SIZE);

export interface PumpResult {
  /** When to pump again (Infinity: only an acknowledgement can help). */
  wake: number;
  sent: number;
  repairs: number;
}

export class SendQueue {
  readonly transfers = new Map<string, OutboundTransfer>();
  #order: OutboundTransfer[] = [];
  #rr = 0;
  /** The last pump ran out of symbols before it ran out of tokens and window (BBR's app-limited). */
  appLimited = true;

  add(t: OutboundTransfer): void {
    this.transfers.set(t.key, t);
    this.#order.push(t);
  }

  /** False if `t` was not (or no longer) queued. */
  remove(t: OutboundTransfer): boolean {
    if (this.transfers.get(t.key) !== t) return false;
    this.transfers.delete(t.key);
    this.#order = this.#order.filter((x) => x !== t);
    return true;
  }

  pump(now: number, pacing: PacingController, emit: (data: Uint8Array) => void): PumpResult {
    if (this.#order.length === 0) {
      this.appLimited = true;
      return { wake: Infinity, sent: 0, repairs: 0 };
    }
    const lossDelay = pacing.lossDelay();
    const lossRate = pacing.lossRate;
    let inFlight = 0;
    for (const t of this.#order) for (const p of t.active) inFlight += p.inFlight(now, lossDelay);
    pacing.onInFlight(inFlight, now);
    const tokens = pacing.available(now);
    let allowance = Math.min(tokens, pacing.cwnd() - inFlight);
    if (allowance <= 0) {
      this.appLimited = false;
      const wake = Math.min(this.#nextExpiry(lossDelay), tokens < 1 ? now + pacing.waitForToken() : Infinity);
      return { wake, sent: 0, repairs: 0 };
    }
    const start = allowance;
    let repairs = 0;
    let slab: Uint8Array | null = null;
    let used = 0;
    const flush = () => {
      for (let i = 0; i < used; i++) emit(slab!.subarray(i * PART_MESSAGE_SIZE, (i + 1) * PART_MESSAGE_SIZE));
    };
    const order = this.#order;
    let idle = 0;
    // Visit transfers round-robin until the allowance is spent or a full lap sends nothing.
    while (allowance > 0 && idle < order.length) {
      const t = order[this.#rr % order.length];
      this.#rr = (this.#rr + 1) % order.length;
      let quantum = Math.min(QUANTUM, allowance);
      let sentHere = 0;
      while (quantum > 0) {
        const wanting = partWanting(t, now, lossDelay, lossRate);
        if (!wanting) break;
        const n = Math.min(quantum, wanting.want);
        if (slab === null || used + n > slab.length / PART_MESSAGE_SIZE) {
          flush();
          slab = new Uint8Array(Math.max(n, Math.min(allowance, 256)) * PART_MESSAGE_SIZE);
          used = 0;
        }
        for (let i = 0; i < n; i++) {
          if (wanting.part.writeNext(slab, used * PART_MESSAGE_SIZE, now)) repairs++;
          used++;
        }
        t.symbolsSent += n;
        quantum -= n;
        allowance -= n;
        sentHere += n;
      }
      idle = sentHere > 0 ? 0 : idle + 1;
    }
    flush();
    const sent = start - allowance;
    pacing.spend(sent);
    // Tokens and window left over: we ran out of symbols to send.
    this.appLimited = allowance > 0;
    const expiry = this.#nextExpiry(lossDelay);
    const wake = allowance > 0 ? expiry : Math.min(expiry, now + Math.max(pacing.waitForToken(), 0.25));
    return { wake, sent, repairs };
  }

  /** When the oldest symbol in flight times out (its budget reopens then). */
  #nextExpiry(lossDelay: number): number {
    let at = Infinity;
    for (const t of this.#order) for (const p of t.active) at = Math.min(at, p.nextExpiry(lossDelay));
    return at;
  }
}

/** The first active part of `t` that wants symbols (opening the next part if all are satisfied). */
function partWanting(
  t: OutboundTransfer,
  now: number,
  lossDelay: number,
  lossRate: number,
): { part: OutboundPart; want: number } | null {
  for (const p of t.active) {
    const want = p.wanted(p.inFlight(now, lossDelay), lossRate);
    if (want > 0) return { part: p, want };
  }
  const opened = t.openNext();
  if (!opened) return null;
  return { part: opened, want: opened.wanted(0, lossRate) };
}
