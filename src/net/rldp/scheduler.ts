/**
 * One timer for every peer connection of a node: each asks to be serviced no later than some time (an ack due, a
 * pacer token, a loss timer, a deadline); the timer fires for the earliest, services everything due and re-arms.
 * JavaScript timers fire a millisecond or more late (4 ms for nested browser timers), which the pacer tolerates.
 */

export interface Serviced {
  /** Does what is due at `now`; returns when to be called again (Infinity: not until woken). */
  service(now: number): number;
}

export class Scheduler<T extends Serviced> {
  readonly #now: () => number;
  readonly #onError: () => void;
  readonly #wakeAt = new Map<T, number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #timerAt = Infinity;
  #running = false;
  #stopped = false;

  /** `onError` counts a service() that threw (the item is retried 10 ms later; others are not held up). */
  constructor(now: () => number, onError: () => void) {
    this.#now = now;
    this.#onError = onError;
  }

  /** Service `item` no later than `at` (monotonic ms). */
  wake(item: T, at: number): void {
    if (this.#stopped || !(at < Infinity)) return;
    const current = this.#wakeAt.get(item);
    if (current !== undefined && current <= at) return;
    this.#wakeAt.set(item, at);
    if (!this.#running) this.#arm(at);
  }

  forget(item: T): void {
    this.#wakeAt.delete(item);
  }

  stop(): void {
    this.#stopped = true;
    this.#wakeAt.clear();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(at: number): void {
    if (this.#timer && at >= this.#timerAt) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = unref(setTimeout(() => this.#run(), Math.max(0, at - this.#now())));
  }

  #run(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    if (this.#stopped) return;
    this.#running = true;
    const now = this.#now();
    try {
      for (const [item, at] of [...this.#wakeAt]) {
        if (at > now + 0.2) continue;
        this.#wakeAt.delete(item);
        let next: number;
        try {
          next = item.service(now);
        } catch {
          this.#onError();
          next = now + 10;
        }
        const queued = this.#wakeAt.get(item);
        if (next < Infinity && (queued === undefined || next < queued)) this.#wakeAt.set(item, next);
      }
    } finally {
      this.#running = false;
    }
    let earliest = Infinity;
    for (const at of this.#wakeAt.values()) if (at < earliest) earliest = at;
    if (earliest < Infinity && !this.#stopped) this.#arm(earliest);
  }
}

/**
 * The timer does not keep a Node process alive by itself: sockets and pending queries (whose timeout timers do)
 * are what a process waits for; browsers' numeric timer ids have no unref.
 */
function unref(timer: ReturnType<typeof setTimeout>): ReturnType<typeof setTimeout> {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
