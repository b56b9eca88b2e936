/**
 * An in-memory datagram path between two RldpNodes for tests: each sendCustom becomes a delivery on the other
 * side after the network "tick" (setImmediate batches, or a delay), with seeded loss, reordering and duplicates.
 * Memory is bounded like a socket buffer: beyond `queueLimit` waiting messages, more are dropped.
 */
import type { AdnlPeer } from '../../../src/net/adnl/index.ts';
import type { RldpAdnlTransport } from '../../../src/net/rldp/index.ts';

export interface PipeFaults {
  loss?: number;
  /** Probability that a message is held back one extra tick (later ones overtake it). */
  reorder?: number;
  duplicate?: number;
  /** Fixed one-way delay in ms (0 = next tick). */
  delayMs?: number;
  /** Messages waiting per direction at most (default 100000); more are dropped, like a full socket buffer. */
  queueLimit?: number;
  /**
   * A receiver that takes at most this many messages per ms (a CPU- or link-bound peer): the queue drains at that
   * rate on a 1 ms timer instead of all at once.
   */
  ratePerMs?: number;
}

export interface PipeStats {
  sent: number;
  delivered: number;
  lost: number;
}

/** Deterministic PRNG (mulberry32) so failures replay. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fakePeer(tag: number): AdnlPeer {
  const id = new Uint8Array(32).fill(tag);
  return { id, publicKey: id.slice(), address: { host: '127.0.0.1', port: 1000 + tag } };
}

class End implements RldpAdnlTransport {
  onCustom: ((peer: AdnlPeer, data: Uint8Array) => void) | null = null;
  other!: End;
  /** How the other end appears to this one. */
  readonly remote: AdnlPeer;
  readonly stats: PipeStats = { sent: 0, delivered: 0, lost: 0 };
  faults: PipeFaults;
  readonly #random: () => number;
  #queue: Uint8Array[] = [];
  #held: Uint8Array[] = [];
  #scheduled = false;
  closed = false;

  constructor(remote: AdnlPeer, faults: PipeFaults, random: () => number) {
    this.remote = remote;
    this.faults = faults;
    this.#random = random;
  }

  sendCustom(_peer: AdnlPeer, data: Uint8Array): void {
    if (this.closed) return;
    this.stats.sent++;
    const f = this.faults;
    if (f.loss && this.#random() < f.loss) {
      this.stats.lost++;
      return;
    }
    const copies = f.duplicate && this.#random() < f.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.#queue.length + this.#held.length >= (f.queueLimit ?? 100_000)) {
        this.stats.lost++;
        continue;
      }
      // Copy: the sender may reuse its buffer, as with a real socket.
      const copy = data.slice();
      if (f.reorder && this.#random() < f.reorder) this.#held.push(copy);
      else this.#queue.push(copy);
    }
    this.#schedule();
  }

  #lastDrain = 0;

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const rate = this.faults.ratePerMs;
    if (rate) {
      setTimeout(() => {
        this.#scheduled = false;
        const now = performance.now();
        const n = Math.max(1, Math.floor((now - (this.#lastDrain || now - 1)) * rate));
        this.#lastDrain = now;
        const batch = this.#queue.splice(0, n);
        this.#queue.push(...this.#held.splice(0));
        for (const m of batch) {
          if (this.closed || this.other.closed) return;
          this.stats.delivered++;
          this.other.onCustom?.(this.remote, m);
        }
        if (this.#queue.length > 0) this.#schedule();
      }, 1);
      return;
    }
    const run = () => {
      this.#scheduled = false;
      const batch = this.#queue;
      this.#queue = this.#held;
      this.#held = [];
      for (const m of batch) {
        if (this.closed || this.other.closed) return;
        this.stats.delivered++;
        this.other.onCustom?.(this.remote, m);
      }
      if (this.#queue.length > 0) this.#schedule();
    };
    if (this.faults.delayMs) setTimeout(run, this.faults.delayMs);
    else setImmediate(run);
  }
}

export interface Pipe {
  /** Transport of side A (it sees B as `a.remote`) and of side B. */
  a: End;
  b: End;
  close(): void;
}

export function pipe(faults: PipeFaults = {}, seed = 1): Pipe {
  const random = seeded(seed);
  const peerA = fakePeer(0xa1);
  const peerB = fakePeer(0xb2);
  // A's transport sends to B: B sees the messages coming from peer A.
  const a = new End(peerA, faults, random);
  const b = new End(peerB, faults, random);
  a.other = b;
  b.other = a;
  return {
    a,
    b,
    close() {
      a.closed = true;
      b.closed = true;
    },
  };
}
