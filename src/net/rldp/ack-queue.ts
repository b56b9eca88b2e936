/**
 * Receiver acknowledgements (DIGEST §7.2–7.3; C++ rldp2 RldpReceiver): a part that got new symbols is confirmed
 * ACK_DELAY_MS later (one confirm covers every symbol of that interval); an unanswered v2 confirm is repeated with
 * doubling delays up to ACK_RESENDS times, so the sender learns the final received_count even if one was lost.
 * v1 confirms carry only the highest seqno and are not repeated.
 *
 * Why this cadence stays (DIGEST §7.3; rldp-transcript.json): a C++ rldp2 sender is driven by our acks. Its
 * congestion window starts at Bbr::get_window_size's floor of 10 symbols and its pacer at 10 symbols/s
 * (Pacer::Options initial_speed); only RldpSender::on_ack, and only when max_seqno advanced, takes symbols out of
 * flight and gives the RTT and bandwidth samples (rtt = now - sent_at, ack_delay passed as 0) that open both. So
 * any ack later than the C++ receiver's own (RldpReceiver::on_received: ack_delay 1 ms after a new symbol) slows
 * every C++ transfer. tonutils-go v1.x senders read confirms the other way: recoverySender (adnl/rldp/client.go)
 * sends max(1, K/300) new symbols on its next 1 ms tick whenever a confirm arrived after its last recovery send,
 * whatever the confirm says, which clocks the 11-14 % surplus seen from them while we drain a burst; but under
 * loss those confirms are the only fast way to get more symbols out of it (without them: one round per 50 ms).
 * Newer tonutils-go recovers on a timer and feeds confirms to a BBRv2 controller, wanting them timely too. No one
 * cadence serves all three, and a sender cannot be told from its symbols (our devnet's tonutils-like peers are
 * ack-clocked senders with 1 MiB parts), so we keep C++'s.
 */
import { encodeConfirm } from './codec.ts';
import type { InboundPart, InboundTransfer } from './inbound.ts';

/** Acknowledgement delay (C++ rldp2 ack_delay; DIGEST §7.3: 1 ms). */
export const ACK_DELAY_MS = 1;
/** Repeats of an unanswered v2 confirm (C++ RldpReceiver: up to 7, delays ×2 each). */
export const ACK_RESENDS = 7;

/**
 * tonutils-go's receiver (adnl/rldp/client.go, handleMessage at v1.14.1: "send confirm for each 10 packets or after
 * 20 ms"): a confirm right on the symbol that makes 10 since the last one, or that comes 20 ms after it; sent once.
 * Devnet peers that behave like tonutils-go use it (RldpNode `ackCadence: 'tonutils'`).
 */
export const TONUTILS_CONFIRM_EVERY = 10;
export const TONUTILS_CONFIRM_MS = 20;

interface PendingAck {
  transfer: InboundTransfer;
  part: InboundPart;
}

export class AckQueue {
  readonly #pending: PendingAck[] = [];
  /** tonutils cadence: symbols since the last confirm of a part, and when that was. */
  readonly #tonutils: WeakMap<InboundPart, { since: number; at: number }> | null;

  constructor(cadence: 'cpp' | 'tonutils' = 'cpp') {
    this.#tonutils = cadence === 'tonutils' ? new WeakMap() : null;
  }

  /** `part` got a new symbol at `now`; returns when the next confirm is due if that moved earlier, else null. */
  onSymbol(transfer: InboundTransfer, part: InboundPart, now: number): number | null {
    if (this.#tonutils) return this.#onSymbolTonutils(transfer, part, now);
    part.ackResends = 0;
    if (part.ackDueAt === 0) {
      part.ackDueAt = now + ACK_DELAY_MS;
      this.#pending.push({ transfer, part });
      return part.ackDueAt;
    }
    if (part.ackDueAt > now + ACK_DELAY_MS) {
      // A new symbol during the backoff: acknowledge soon again (C++ RldpReceiver::on_received).
      part.ackDueAt = now + ACK_DELAY_MS;
      return part.ackDueAt;
    }
    return null;
  }

  #onSymbolTonutils(transfer: InboundTransfer, part: InboundPart, now: number): number | null {
    let c = this.#tonutils!.get(part);
    if (!c) this.#tonutils!.set(part, (c = { since: 0, at: -Infinity }));
    c.since++;
    if (c.since < TONUTILS_CONFIRM_EVERY && now - c.at <= TONUTILS_CONFIRM_MS) return null;
    c.since = 0;
    c.at = now;
    part.ackResends = ACK_RESENDS; // sent once, never repeated
    if (part.ackDueAt === 0) this.#pending.push({ transfer, part });
    part.ackDueAt = now || Number.MIN_VALUE; // 0 means "none due"
    return part.ackDueAt;
  }

  /**
   * Sends the confirms due by `now` through `emit`; parts for which `live` says no (finished, dropped) are
   * forgotten. Returns when the next one is due (Infinity: none).
   */
  flush(
    now: number,
    live: (t: InboundTransfer, p: InboundPart) => boolean,
    emit: (data: Uint8Array) => void,
  ): number {
    let wake = Infinity;
    const pending = this.#pending;
    let kept = 0;
    for (let i = 0; i < pending.length; i++) {
      const a = pending[i];
      const { transfer: t, part } = a;
      if (!live(t, part) || part.ackDueAt === 0) {
        part.ackDueAt = 0;
        continue;
      }
      if (part.ackDueAt <= now) {
        emit(
          t.version === 2
            ? encodeConfirm(2, t.id, part.index, part.maxSeqno, part.receivedMask, part.receivedCount)
            : encodeConfirm(1, t.id, part.index, part.maxSeqno - 1),
        );
        part.ackResends++;
        if (t.version !== 2 || part.ackResends > ACK_RESENDS) {
          part.ackDueAt = 0;
          continue;
        }
        part.ackDueAt = now + ACK_DELAY_MS * 2 ** part.ackResends;
      }
      wake = Math.min(wake, part.ackDueAt);
      pending[kept++] = a;
    }
    pending.length = kept;
    return wake;
  }

  clear(): void {
    for (const { part } of this.#pending) part.ackDueAt = 0;
    this.#pending.length = 0;
  }
}
