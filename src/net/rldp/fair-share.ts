/**
 * The node-wide slots of unsolicited inbound transfers (RldpLimits.maxInboundTotal), shared fairly between peers.
 *
 * Each peer may hold maxInboundPerPeer unsolicited transfers, and the node maxInboundTotal. With a plain "refuse when
 * full", maxInboundTotal / maxInboundPerPeer identities (16 with the defaults; an ADNL identity is a random key)
 * holding their transfers open — one symbol each, renewed as they expire — lock every other peer out of the node:
 * no query is taken (issue 15 item 7, tests/integration/rldp-faults.test.ts). So when the slots are full, a peer
 * holding fewer transfers takes the slot of the oldest transfer of the peer holding the most, as long as that peer
 * holds at least two more than the newcomer: the peers holding the most lose first, a peer with one transfer keeps
 * it unless hundreds of identities each hold as many, and the total never exceeds the limit.
 */

/** What the slots need of a peer connection. */
export interface SlotHolder {
  readonly unsolicitedCount: number;
  /** Drops its oldest unsolicited transfer; its release comes back through UnsolicitedSlots.release. */
  evictOldestUnsolicited(): boolean;
}

export class UnsolicitedSlots {
  readonly #max: number;
  /** Peers holding at least one slot (at most `max` of them). */
  readonly #holders = new Set<SlotHolder>();
  #used = 0;
  evictions = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get used(): number {
    return this.#used;
  }

  /** A slot for `peer` (true = taken and counted), by eviction of the heaviest holder's oldest transfer if full. */
  admit(peer: SlotHolder): boolean {
    if (this.#used >= this.#max) {
      let heaviest: SlotHolder | null = null;
      for (const h of this.#holders) {
        if (!heaviest || h.unsolicitedCount > heaviest.unsolicitedCount) heaviest = h;
      }
      if (!heaviest || heaviest.unsolicitedCount < peer.unsolicitedCount + 2) return false;
      if (!heaviest.evictOldestUnsolicited() || this.#used >= this.#max) return false;
      this.evictions++;
    }
    this.#used++;
    this.#holders.add(peer);
    return true;
  }

  /** `peer` gave a slot back (its count is already lowered). */
  release(peer: SlotHolder): void {
    this.#used--;
    if (peer.unsolicitedCount === 0) this.#holders.delete(peer);
  }
}
