/**
 * Fault injection for datagram sockets (tests and the devnet): wraps any DatagramSocket — direct UDP or the
 * WebSocket relay — and loses, delays, reorders and duplicates datagrams on the way out, on the way in, or both.
 * Randomness is injectable so a run can be replayed. Memory is bounded: at most `maxQueued` datagrams wait in
 * delay timers; more are dropped (counted as lost).
 */
import type { DatagramSocket } from './types.ts';

export interface FaultOptions {
  /** Probability (0..1) that a datagram is lost. */
  loss?: number;
  /** Fixed delay added to every datagram, in ms. */
  delayMs?: number;
  /** Extra uniformly random delay in [0, jitterMs) ms. */
  jitterMs?: number;
  /** Probability (0..1) that a datagram is held back `reorderDelayMs` more, so later ones overtake it. */
  reorder?: number;
  /** Hold-back for reordered datagrams (default: delayMs + 20 ms). */
  reorderDelayMs?: number;
  /** Probability (0..1) that a datagram is delivered twice. */
  duplicate?: number;
  /** Which way the faults apply (default both). */
  direction?: 'send' | 'receive' | 'both';
  /** Uniform [0, 1) source (default Math.random); inject a seeded one for reproducible runs. */
  random?: () => number;
  /** Datagrams waiting in delay timers at most (default 10000). */
  maxQueued?: number;
}

export interface FaultStats {
  passed: number;
  lost: number;
  delayed: number;
  reordered: number;
  duplicated: number;
}

function checkProbability(name: string, p: number | undefined): void {
  if (p !== undefined && !(p >= 0 && p <= 1)) throw new RangeError(`fault ${name} must be within 0..1`);
}

function checkDuration(name: string, ms: number | undefined): void {
  if (ms !== undefined && !(ms >= 0 && ms <= 60_000))
    throw new RangeError(`fault ${name} must be within 0..60000 ms`);
}

export class FaultySocket implements DatagramSocket {
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null = null;
  readonly stats: FaultStats = { passed: 0, lost: 0, delayed: 0, reordered: 0, duplicated: 0 };
  readonly #inner: DatagramSocket;
  #options: Required<Omit<FaultOptions, 'reorderDelayMs'>> & { reorderDelayMs: number | undefined };
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(inner: DatagramSocket, options: FaultOptions = {}) {
    this.#inner = inner;
    this.#options = FaultySocket.#resolve(options);
    inner.onMessage = (data, host, port) => {
      if (this.#closed) return;
      if (this.#options.direction === 'send') this.#deliver(data, host, port);
      else this.#inject(() => this.#deliver(data, host, port));
    };
  }

  static #resolve(o: FaultOptions) {
    checkProbability('loss', o.loss);
    checkProbability('reorder', o.reorder);
    checkProbability('duplicate', o.duplicate);
    checkDuration('delayMs', o.delayMs);
    checkDuration('jitterMs', o.jitterMs);
    checkDuration('reorderDelayMs', o.reorderDelayMs);
    return {
      loss: o.loss ?? 0,
      delayMs: o.delayMs ?? 0,
      jitterMs: o.jitterMs ?? 0,
      reorder: o.reorder ?? 0,
      reorderDelayMs: o.reorderDelayMs,
      duplicate: o.duplicate ?? 0,
      direction: o.direction ?? 'both',
      random: o.random ?? Math.random,
      maxQueued: o.maxQueued ?? 10_000,
    };
  }

  /** Changes the faults from now on (datagrams already delayed keep their schedule). */
  setFaults(options: FaultOptions): void {
    this.#options = FaultySocket.#resolve(options);
  }

  send(data: Uint8Array, host: string, port: number): void {
    if (this.#closed) return;
    if (this.#options.direction === 'receive') {
      this.#inner.send(data, host, port);
      return;
    }
    // Copy now: the caller may reuse its buffer before a delayed send runs.
    const copy = data.slice();
    this.#inject(() => {
      if (!this.#closed) this.#inner.send(copy, host, port);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#inner.onMessage = null;
    this.onMessage = null;
    this.#inner.close();
  }

  #deliver(data: Uint8Array, host: string, port: number): void {
    if (!this.#closed) this.onMessage?.(data, host, port);
  }

  #inject(action: () => void): void {
    const o = this.#options;
    if (o.loss > 0 && o.random() < o.loss) {
      this.stats.lost++;
      return;
    }
    const copies = o.duplicate > 0 && o.random() < o.duplicate ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let delay = o.delayMs + (o.jitterMs > 0 ? o.random() * o.jitterMs : 0);
      if (o.reorder > 0 && o.random() < o.reorder) {
        delay += o.reorderDelayMs ?? o.delayMs + 20;
        this.stats.reordered++;
      }
      if (delay <= 0) {
        this.stats.passed++;
        action();
        continue;
      }
      if (this.#timers.size >= o.maxQueued) {
        this.stats.lost++;
        continue;
      }
      this.stats.delayed++;
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.stats.passed++;
        action();
      }, delay);
      this.#timers.add(timer);
    }
  }
}
