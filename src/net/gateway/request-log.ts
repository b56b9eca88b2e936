/**
 * One request's log while it runs: the stages as they complete, the end (once, with the error that ended it) and
 * the `done` promise the response carries. Shared by the ADNL-site path (gateway.ts) and the bag path
 * (storage-site.ts), so neither hands the other callbacks.
 */
import { messageOf, type GatewayError } from './errors.ts';
import type { GatewayRequestLog, StageTiming, TimingStage } from './log.ts';

export class RequestLog {
  /** The log as the caller sees it (live: stages are added as they complete). */
  readonly entry: GatewayRequestLog;
  /** Resolves (never rejects) when the request is completely done. */
  readonly done: Promise<GatewayRequestLog>;
  /** Monotonic milliseconds for timings. */
  readonly now: () => number;
  readonly #t0: number;
  readonly #onDone: ((log: GatewayRequestLog) => void) | undefined;
  #resolveDone!: (log: GatewayRequestLog) => void;

  constructor(
    start: { id: number; method: string; url: string },
    now: () => number,
    onDone?: (log: GatewayRequestLog) => void,
  ) {
    this.entry = {
      id: start.id,
      method: start.method,
      url: start.url,
      host: '',
      startedAt: Date.now(),
      stages: [],
      bytes: 0,
      done: false,
    };
    this.now = now;
    this.#onDone = onDone;
    this.#t0 = now();
    this.done = new Promise<GatewayRequestLog>((r) => (this.#resolveDone = r));
  }

  /** Records a stage that completed (`cached`: served from a cache or an open connection, 0 ms). */
  stage(stage: TimingStage, since: number, detail?: string, cached?: boolean): void {
    const entry: StageTiming = { stage, ms: cached ? 0 : round(this.now() - since) };
    if (cached) entry.cached = true;
    if (detail) entry.detail = detail;
    this.entry.stages.push(entry);
  }

  /** Records a stage that failed (with how long it took to fail) and passes the error on. */
  failed(stage: TimingStage, since: number, error: unknown): unknown {
    this.entry.stages.push({ stage, ms: round(this.now() - since), failed: true, detail: messageOf(error) });
    return error;
  }

  /** Marks the request done (with the error that ended it, if any); later calls change nothing. */
  finish(error?: GatewayError): void {
    const log = this.entry;
    if (log.done) return;
    log.done = true;
    log.totalMs = round(this.now() - this.#t0);
    if (error) log.error = { stage: error.stage, message: error.message, code: error.code };
    this.#resolveDone(log);
    try {
      this.#onDone?.(log);
    } catch {
      // a logging callback must not break requests
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
