/**
 * The node-wide slots of unsolicited inbound transfers (RldpLimits.maxInboundTotal), shared fairly between peers.
 *
 * Each peer may hold maxInboundPerPeer unsolicited transfers, and the node maxInboundTotal. With a plain "refuse when
 * full", maxInboundTotal / maxInboundPerPeer identities (16 with the defaults; an ADNL identity is a random key)
 * holding their transfers open — one symbol each, renewed as they expire — lock every other peer out of the node:
 * no query is taken (issue 15 item 7, tests/integration/rldp-faults.test.ts). So when the slots are full, a peer
 * holding fewer transfers takes the slot of the oldest transfer of the peer holding the most, as long as that peer
 * holds at least two more than the newcomer: the peers holding the most lose first, a peer with one transfer keeps
 * it unless hundreds of identities each hold as many, and the total never exceeds the limit. A transfer of one
 * symbol (total_size <= 768: a storage query, a small HTTP request) needs no slot beyond the call that receives
 * it — that symbol finishes it (or it is dropped at once) — so when no slot can be had it is taken anyway for that
 * moment ('transient'): at most one such transfer exists at any time, and no number of identities holding every
 * slot locks small queries out. What stays possible: about maxInboundTotal identities, each holding one transfer
 * and renewing it, still refuse a new peer's transfers of more than one symbol (a large HTTP request) while they
 * last; each identity costs the attacker an ADNL handshake within the first-contact budget.
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
  /** One-symbol transfers taken beyond the limit. */
  transients = 0;

  constructor(max: number) {
    this.#max = max;
  }

  get used(): number {
    return this.#used;
  }

  /**
   * A slot for `peer`, by eviction of the heaviest holder's oldest transfer if full ('held'); else, for a transfer
   * of one symbol, a slot beyond the limit for the duration of that symbol ('transient': the caller releases it
   * before returning); else false.
   */
  admit(peer: SlotHolder, oneSymbol = false): 'held' | 'transient' | false {
    let slot: 'held' | 'transient' = 'held';
    if (this.#used >= this.#max) {
      let heaviest: SlotHolder | null = null;
      for (const h of this.#holders) {
        if (!heaviest || h.unsolicitedCount > heaviest.unsolicitedCount) heaviest = h;
      }
      if (
        heaviest &&
        heaviest.unsolicitedCount >= peer.unsolicitedCount + 2 &&
        heaviest.evictOldestUnsolicited() &&
        this.#used < this.#max
      ) {
        this.evictions++;
      } else if (oneSymbol) {
        slot = 'transient';
        this.transients++;
      } else {
        return false;
      }
    }
    this.#used++;
    this.#holders.add(peer);
    return slot;
  }

  /** `peer` gave a slot back (its count is already lowered). */
  release(peer: SlotHolder): void {
    this.#used--;
    if (peer.unsolicitedCount === 0) this.#holders.delete(peer);
  }
}
