/**
 * The send cadence of a tonutils-go v1.x RLDP sender (adnl/rldp/client.go at v1.14.1; observed in
 * vectors/tonutils-go/rldp-transcript.json `sender_per_part`), for devnet peers that behave like tonutils-go sites
 * (RldpNode `sendCadence: 'tonutils'`). It replaces our paced sender (send-queue.ts, congestion.ts) for every
 * transfer of a connection:
 *
 * - One part of a transfer at a time; the next starts only on `complete` for the current one (prepareNextPart).
 * - A new part goes out as a fast burst of K + floor(K/33) symbols, seqnos 0.. in order (sendFastSymbols,
 *   `fastSeqnoTill`), limited only by the per-peer token bucket (NewTokenBucket(10000): 10,000 symbols/s, as many
 *   in the bucket), so the whole burst of a fresh peer leaves at once.
 * - Then recoverySender adds max(1, floor(K/300)) NEW repair symbols (old seqnos are never resent) when a confirm
 *   arrived since its last recovery send, or when nextRecoverDelay passed since it (30 ms for a new part,
 *   lastRecoverAt starting at 0 so the first tick after the burst already sends; 50 ms after a send; 10 ms when
 *   the token bucket ran dry).
 * - The bucket's rate moves with rldp2 confirms (AdaptiveRateController, tonutils-rate.ts): handleMessage applies
 *   every confirm to the transfer's CURRENT part (getCurrentPart, whatever part the confirm names), and feeds the
 *   controller from v2 confirms whose max_seqno advanced by 32 or more; v1 confirms only mark that one came.
 *
 * Left out: the 1 ms ticker (we send on the confirm itself, and wake on the recovery delay).
 */
import { messagePartSize, type RldpConfirmMessage } from './codec.ts';
import { RLDP_SYMBOL_SIZE } from './limits.ts';
import type { OutboundPart, OutboundTransfer } from './outbound.ts';
import type { PumpResult } from './send-queue.ts';
import {
  confirmSample,
  newConfirmProgress,
  TonutilsBucket,
  TonutilsRateController,
  type ConfirmProgress,
} from './tonutils-rate.ts';

const PART_MESSAGE_SIZE = messagePartSize(RLDP_SYMBOL_SIZE);

/** nextRecoverDelay: for a new part, after a recovery send, after running out of tokens. */
const FIRST_RECOVER_MS = 30;
const RECOVER_MS = 50;
const RATE_LIMITED_MS = 10;

interface PartCadence {
  /** K + floor(K/33): the fast burst ends below this seqno. */
  fastTill: number;
  lastRecoverAt: number;
  nextDelay: number;
  confirmedAt: number;
  /** lastConfirmSeqnoProcessed / lastConfirmRecvProcessed. */
  progress: ConfirmProgress;
}

/** How a connection's transfers are sent: our paced sender, or another implementation's cadence. */
export interface SendCadence {
  pump(transfers: Iterable<OutboundTransfer>, now: number, emit: (data: Uint8Array) => void): PumpResult;
  /** A confirm arrived for `transfer` (the connection checked that it is ours and in its version). */
  onConfirm(transfer: OutboundTransfer, confirm: RldpConfirmMessage, now: number): void;
}

export class TonutilsCadence implements SendCadence {
  readonly #parts = new WeakMap<OutboundPart, PartCadence>();
  readonly #bucket = new TonutilsBucket();
  readonly #rate = new TonutilsRateController(this.#bucket);

  /** The token bucket's rate now, symbols per second (for tests and benches). */
  get rate(): number {
    return this.#bucket.rate;
  }

  onConfirm(transfer: OutboundTransfer, confirm: RldpConfirmMessage, now: number): void {
    const part = transfer.active[0];
    const c = part && this.#parts.get(part);
    if (!c) return;
    const sample = confirmSample(c.progress, confirm.version, confirm.seqno, confirm.receivedCount);
    if (sample) this.#rate.observeDelta(sample.total, sample.recv, now);
    c.confirmedAt = now;
  }

  pump(transfers: Iterable<OutboundTransfer>, now: number, emit: (data: Uint8Array) => void): PumpResult {
    let sent = 0;
    let repairs = 0;
    let wake = Infinity;
    for (const t of transfers) {
      const part = t.active[0] ?? t.openNext();
      if (!part) continue;
      let c = this.#parts.get(part);
      if (!c) {
        c = {
          fastTill: part.k + Math.floor(part.k / 33),
          lastRecoverAt: -Infinity,
          nextDelay: FIRST_RECOVER_MS,
          confirmedAt: -Infinity,
          progress: newConfirmProgress(),
        };
        this.#parts.set(part, c);
      }
      const burst = part.nextSeqno < c.fastTill;
      let want = 0;
      if (burst) want = c.fastTill - part.nextSeqno;
      else if (c.confirmedAt > c.lastRecoverAt || now - c.lastRecoverAt > c.nextDelay) {
        want = Math.max(1, Math.floor(part.k / 300));
      }
      // TryConsume refills the bucket only when a symbol is wanted; GetTokensLeft sees it as of then.
      if (want > 0) this.#bucket.refill(now);
      const n = this.#bucket.take(want);
      if (n > 0) {
        const slab = new Uint8Array(n * PART_MESSAGE_SIZE);
        for (let i = 0; i < n; i++) if (part.writeNext(slab, i * PART_MESSAGE_SIZE, now)) repairs++;
        for (let i = 0; i < n; i++) emit(slab.subarray(i * PART_MESSAGE_SIZE, (i + 1) * PART_MESSAGE_SIZE));
        t.symbolsSent += n;
        sent += n;
        // Only recovery sends move lastRecoverAt; the burst leaves it at 0, so the first tick after it sends.
        if (!burst) {
          c.lastRecoverAt = now;
          c.nextDelay = RECOVER_MS;
        }
      }
      if (n < want) c.nextDelay = RATE_LIMITED_MS;
      // recoverySender looks every 1 ms; a recovery is due once nextDelay has passed (or on a confirm).
      const next =
        part.nextSeqno < c.fastTill ? now + 1 : Math.max(now + 1, c.lastRecoverAt + c.nextDelay + 1);
      wake = Math.min(wake, next);
    }
    return { wake, sent, repairs };
  }
}
