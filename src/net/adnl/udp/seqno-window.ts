/**
 * Duplicate detection for incoming packet seqnos (DIGEST §4.2; C++ AdnlPeerPairImpl::received_packet /
 * add_received_packet): the highest seqno seen plus a 64-bit mask of which of the 64 seqnos up to it arrived.
 * Anything 64 or more below the highest counts as already received.
 */
import { ADNL_SEQNO_WINDOW } from './limits.ts';

const WINDOW = BigInt(ADNL_SEQNO_WINDOW);
const MASK = (1n << WINDOW) - 1n;

export class SeqnoWindow {
  /** Highest seqno received (0 = none). */
  highest = 0n;
  #mask = 0n;

  /** True if `seqno` (> 0) was received already or is too old to tell. */
  seen(seqno: bigint): boolean {
    if (seqno + WINDOW <= this.highest) return true;
    if (seqno > this.highest) return false;
    return ((this.#mask >> (this.highest - seqno)) & 1n) === 1n;
  }

  /** Records `seqno` (> 0, not seen). */
  add(seqno: bigint): void {
    if (seqno <= this.highest) {
      this.#mask |= 1n << (this.highest - seqno);
      return;
    }
    const shift = seqno - this.highest;
    this.#mask = shift >= WINDOW ? 1n : ((this.#mask << shift) | 1n) & MASK;
    this.highest = seqno;
  }

  reset(): void {
    this.highest = 0n;
    this.#mask = 0n;
  }
}
