/**
 * A pool of liteservers (from a global config): picks a healthy server per request, fails over on error or
 * timeout, retries idempotent requests on other servers, tracks every server's masterchain seqno and stops
 * using one that lags behind the others (desynced public liteservers are a top cause of failed resolutions),
 * and exposes per-server state for diagnostics. Connectors are injected: direct TCP in Node, the WebSocket
 * bridge in the browser.
 */
import { AdnlError, AdnlTcpClient, type AdnlTcpClientOptions } from '../adnl/index.ts';
import { TransportError, type StreamConnector } from '../transport/index.ts';
import { LiteClient, type LiteCallOptions, type MasterchainInfo, type MasterchainInfoExt } from './client.ts';
import { LiteError, LiteErrorCode, LiteServerError } from './errors.ts';
import { liteServersFromConfig, type LiteServerEntry } from './global-config.ts';
import { MAX_SEQNO_HISTORY } from './limits.ts';

export type LiteServerState = 'idle' | 'connecting' | 'ready' | 'down';

/** Diagnostics for one server (what `tonsite status` and the popup show). */
export interface LiteServerStatus {
  index: number;
  host: string;
  port: number;
  key: string;
  state: LiteServerState;
  /** null until the first attempt. */
  reachable: boolean | null;
  /** Smoothed getMasterchainInfo round trip, ms. */
  latencyMs: number | null;
  lastSeqno: number | null;
  /** Blocks behind the highest seqno seen from any server (at the time of its last observation). */
  lag: number | null;
  lagging: boolean;
  inFlight: number;
  /** Consecutive failures. */
  failures: number;
  lastError: string | null;
  /** Date.now() of the last observed seqno. */
  lastSeenAt: number | null;
}

export interface LitePoolOptions {
  servers: readonly LiteServerEntry[];
  /** How to reach one server (direct TCP, bridge, in-memory). */
  connector: (server: LiteServerEntry) => StreamConnector;
  /** Per-query timeout (default 10 s). */
  queryTimeoutMs?: number;
  /** Connect + handshake timeout (default 5 s). */
  connectTimeoutMs?: number;
  /** Servers tried for one idempotent request (default 3). */
  maxAttempts?: number;
  /** A server more than this many masterchain blocks behind the best is avoided (default 8). */
  maxLagBlocks?: number;
  /** Background health check period (default 30 s; 0 = only on demand via refresh()). */
  healthCheckIntervalMs?: number;
  /** Backoff before retrying a down server (defaults 1 s .. 60 s). */
  retryMinDelayMs?: number;
  retryMaxDelayMs?: number;
  /** Extra ADNL options (keepalive...). Reconnects are managed by the pool. */
  adnl?: Omit<AdnlTcpClientOptions, 'reconnect' | 'connectTimeoutMs'>;
}

export interface RunOptions {
  /** Safe to repeat on another server (default true; all read queries are). */
  idempotent?: boolean;
  /** Override maxAttempts for this request. */
  attempts?: number;
  /** Server indexes not to use. */
  exclude?: readonly number[];
}

export interface PoolAnswer<T> {
  server: LiteServerEntry;
  value: T;
}

type PoolTask<T> = (client: LiteClient, server: LiteServerEntry) => Promise<T>;

interface Slot {
  entry: LiteServerEntry;
  state: LiteServerState;
  adnl: AdnlTcpClient | null;
  client: LiteClient | null;
  connecting: Promise<LiteClient> | null;
  reachable: boolean | null;
  latencyMs: number | null;
  seqno: number | null;
  seqnoAt: number;
  lastSeenAt: number | null;
  failures: number;
  lastError: string | null;
  retryAt: number;
  inFlight: number;
}

export class LitePool {
  /** Called whenever a server's state or seqno changes (for status displays). */
  onChange: ((status: LiteServerStatus[]) => void) | null = null;

  readonly #slots: Slot[];
  readonly #connector: (server: LiteServerEntry) => StreamConnector;
  readonly #queryTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #maxAttempts: number;
  readonly #maxLag: number;
  readonly #retryMin: number;
  readonly #retryMax: number;
  readonly #adnl: LitePoolOptions['adnl'];
  readonly #history: { seqno: number; at: number }[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(options: LitePoolOptions) {
    if (options.servers.length === 0) throw new LiteError('no-server', 'lite pool needs at least one server');
    this.#slots = options.servers.map((entry) => ({
      entry,
      state: 'idle',
      adnl: null,
      client: null,
      connecting: null,
      reachable: null,
      latencyMs: null,
      seqno: null,
      seqnoAt: 0,
      lastSeenAt: null,
      failures: 0,
      lastError: null,
      retryAt: 0,
      inFlight: 0,
    }));
    this.#connector = options.connector;
    this.#queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#maxAttempts = Math.max(1, options.maxAttempts ?? 3);
    this.#maxLag = options.maxLagBlocks ?? 8;
    this.#retryMin = options.retryMinDelayMs ?? 1_000;
    this.#retryMax = options.retryMaxDelayMs ?? 60_000;
    this.#adnl = options.adnl;
    const interval = options.healthCheckIntervalMs ?? 30_000;
    if (interval > 0) {
      this.#timer = setInterval(() => void this.refresh().catch(() => {}), interval);
      (this.#timer as { unref?: () => void }).unref?.();
    }
  }

  /** A pool over the `liteservers` of a parsed global config. */
  static fromConfig(
    config: unknown,
    connector: (server: LiteServerEntry) => StreamConnector,
    options: Omit<LitePoolOptions, 'servers' | 'connector'> = {},
  ): LitePool {
    return new LitePool({ ...options, servers: liteServersFromConfig(config), connector });
  }

  get servers(): LiteServerEntry[] {
    return this.#slots.map((s) => s.entry);
  }

  /** Current per-server diagnostics. */
  status(): LiteServerStatus[] {
    return this.#slots.map((slot) => {
      const lag = this.#lagOf(slot);
      return {
        index: slot.entry.index,
        host: slot.entry.host,
        port: slot.entry.port,
        key: slot.entry.key,
        state: slot.state,
        reachable: slot.reachable,
        latencyMs: slot.latencyMs === null ? null : Math.round(slot.latencyMs * 10) / 10,
        lastSeqno: slot.seqno,
        lag,
        lagging: lag !== null && lag > this.#maxLag,
        inFlight: slot.inFlight,
        failures: slot.failures,
        lastError: slot.lastError,
        lastSeenAt: slot.lastSeenAt,
      };
    });
  }

  /** Polls every server now (connecting as needed): reachability, latency, masterchain seqno. */
  async refresh(timeoutMs = this.#queryTimeoutMs): Promise<LiteServerStatus[]> {
    const answered: Slot[] = [];
    await Promise.all(
      this.#slots.map(async (slot) => {
        try {
          const client = await this.#clientOf(slot, true);
          await client.getMasterchainInfo({ timeoutMs });
          this.#succeeded(slot);
          answered.push(slot);
        } catch (error) {
          this.#failed(slot, error);
        }
      }),
    );
    // One poll is one snapshot: compare every answer with every other, whatever order they arrived in.
    const end = Date.now();
    for (const slot of answered) slot.seqnoAt = end;
    this.#changed();
    return this.status();
  }

  /**
   * Runs `task` on the best server; on a retryable failure (timeout, lost connection, garbage answer, server
   * not ready) tries the next best server, up to maxAttempts (1 if not idempotent).
   */
  async run<T>(task: PoolTask<T>, options: RunOptions = {}): Promise<T> {
    const attempts = options.idempotent === false ? 1 : (options.attempts ?? this.#maxAttempts);
    const excluded = new Set(options.exclude ?? []);
    let lastError: unknown = null;
    let tried = 0;
    while (tried < attempts) {
      const slot = this.#pick(excluded);
      if (!slot) break;
      excluded.add(slot.entry.index);
      let client: LiteClient;
      try {
        client = await this.#clientOf(slot, false);
        // Work that must not be repeated waits for the server's handshake ack (the connection is pipelined).
        if (options.idempotent === false && client.transport instanceof AdnlTcpClient)
          await client.transport.acknowledged();
      } catch (error) {
        // Nothing was sent: trying another server is safe even for non-idempotent requests.
        this.#failed(slot, error);
        lastError = error;
        continue;
      }
      tried++;
      slot.inFlight++;
      try {
        const value = await task(client, slot.entry);
        this.#succeeded(slot);
        return value;
      } catch (error) {
        lastError = error;
        if (!isRetryable(error)) throw error;
        this.#failed(slot, error);
      } finally {
        slot.inFlight--;
      }
    }
    throw this.#exhausted(lastError);
  }

  /** Runs `task` on one given server (no failover). */
  async runOn<T>(index: number, task: PoolTask<T>): Promise<T> {
    const slot = this.#slots.find((s) => s.entry.index === index);
    if (!slot) throw new LiteError('no-server', `no liteserver with index ${index}`);
    const client = await this.#clientOf(slot, true).catch((error: unknown) => {
      this.#failed(slot, error);
      throw error;
    });
    slot.inFlight++;
    try {
      const value = await task(client, slot.entry);
      this.#succeeded(slot);
      return value;
    } catch (error) {
      if (isRetryable(error)) this.#failed(slot, error);
      throw error;
    } finally {
      slot.inFlight--;
    }
  }

  /**
   * Runs `task` on two DIFFERENT healthy servers in parallel (for cross-checking answers, e.g. DNS records).
   * A failing leg moves to a third server when there is one. LiteError('no-server') if two answers cannot be had.
   */
  async runOnTwo<T>(task: PoolTask<T>): Promise<[PoolAnswer<T>, PoolAnswer<T>]> {
    const used = new Set<number>();
    const leg = async (): Promise<PoolAnswer<T>> => {
      let lastError: unknown = null;
      for (let i = 0; i < this.#maxAttempts; i++) {
        const slot = this.#pick(used);
        if (!slot) break;
        used.add(slot.entry.index);
        try {
          const client = await this.#clientOf(slot, false).catch((error: unknown) => {
            this.#failed(slot, error);
            throw error;
          });
          slot.inFlight++;
          try {
            const value = await task(client, slot.entry);
            this.#succeeded(slot);
            return { server: slot.entry, value };
          } finally {
            slot.inFlight--;
          }
        } catch (error) {
          lastError = error;
          if (!isRetryable(error)) throw error;
          this.#failed(slot, error);
        }
      }
      throw this.#exhausted(lastError, 'two different liteservers could not both answer');
    };
    return Promise.all([leg(), leg()]);
  }

  /** getMasterchainInfo with failover. */
  getMasterchainInfo(options?: LiteCallOptions): Promise<MasterchainInfo> {
    return this.run((c) => c.getMasterchainInfo(options));
  }

  /** Closes every connection and stops the health check. */
  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const slot of this.#slots) {
      slot.client?.close();
      slot.client = null;
      slot.adnl = null;
      slot.state = 'idle';
    }
  }

  // -------------------------------------------------------------------------------------------------------------

  /** Best usable server not in `excluded`: ready before idle/retryable-down, up-to-date before lagging. */
  #pick(excluded: ReadonlySet<number>): Slot | null {
    const now = Date.now();
    let best: Slot | null = null;
    let bestScore = Infinity;
    for (const slot of this.#slots) {
      if (excluded.has(slot.entry.index)) continue;
      if (slot.state === 'down' && now < slot.retryAt) continue;
      const lag = this.#lagOf(slot);
      let score = 0;
      if (lag !== null && lag > this.#maxLag) score += 1e9; // last resort only
      if (slot.state === 'down') score += 1e6;
      else if (slot.state !== 'ready') score += 1e3;
      score += slot.failures * 1e4; // recently failing: only if nothing better
      score += slot.inFlight * 50 + (slot.latencyMs ?? 100) + Math.random();
      if (score < bestScore) {
        best = slot;
        bestScore = score;
      }
    }
    return best;
  }

  /** Connected client of a slot, connecting if needed (`force`: ignore the retry backoff). */
  #clientOf(slot: Slot, force: boolean): Promise<LiteClient> {
    if (this.#closed) return Promise.reject(new LiteError('no-server', 'lite pool is closed'));
    if (slot.client && slot.adnl?.state === 'ready') return Promise.resolve(slot.client);
    if (slot.connecting) return slot.connecting;
    if (!force && slot.state === 'down' && Date.now() < slot.retryAt) {
      return Promise.reject(new LiteError('no-server', 'server is down (backing off)'));
    }
    slot.state = 'connecting';
    const connecting = (async () => {
      // Pipelined: the first query goes out with the handshake (one round trip less on a cold start).
      const adnl = await AdnlTcpClient.connect(this.#connector(slot.entry), slot.entry.publicKey, {
        pingIntervalMs: 5_000,
        pipeline: true,
        ...this.#adnl,
        reconnect: false,
        connectTimeoutMs: this.#connectTimeoutMs,
      });
      if (this.#closed) {
        adnl.close();
        throw new LiteError('no-server', 'lite pool is closed');
      }
      if (adnl.state === 'closed')
        throw adnl.lastError ?? new AdnlError('handshake', 'ADNL handshake failed');
      const client = new TrackedLiteClient(adnl, this.#queryTimeoutMs, (seqno, rtt) =>
        this.#observe(slot, seqno, rtt),
      );
      adnl.onStateChange = (state, error) => {
        if (state === 'closed' && slot.adnl === adnl) {
          slot.adnl = null;
          slot.client = null;
          if (!this.#closed)
            this.#failed(slot, error ?? new AdnlError('connection-lost', 'connection closed'));
        }
      };
      slot.adnl = adnl;
      slot.client = client;
      slot.state = 'ready';
      slot.reachable = true;
      this.#changed();
      return client as LiteClient;
    })();
    slot.connecting = connecting;
    connecting.then(
      () => (slot.connecting = null),
      () => (slot.connecting = null),
    );
    return connecting;
  }

  #observe(slot: Slot, seqno: number, rttMs: number): void {
    const now = Date.now();
    slot.latencyMs = slot.latencyMs === null ? rttMs : slot.latencyMs * 0.7 + rttMs * 0.3;
    if (slot.seqno === null || seqno >= slot.seqno) {
      slot.seqno = seqno;
      slot.seqnoAt = now;
      slot.lastSeenAt = now;
    }
    const top = this.#history[this.#history.length - 1];
    if (!top || seqno > top.seqno) {
      this.#history.push({ seqno, at: now });
      if (this.#history.length > MAX_SEQNO_HISTORY) this.#history.shift();
    }
    this.#changed();
  }

  /**
   * Lag of a server = (highest seqno any server had shown by the time of this server's last observation) − its
   * seqno. Comparing against what was known at that moment avoids calling a server "lagging" just because it
   * was asked longer ago than the others.
   */
  #lagOf(slot: Slot): number | null {
    if (slot.seqno === null) return null;
    let best = slot.seqno;
    for (let i = this.#history.length - 1; i >= 0; i--) {
      const h = this.#history[i];
      if (h.at <= slot.seqnoAt) {
        best = Math.max(best, h.seqno);
        break;
      }
    }
    return best - slot.seqno;
  }

  #succeeded(slot: Slot): void {
    slot.failures = 0;
    slot.reachable = true;
    slot.lastError = null;
  }

  #failed(slot: Slot, error: unknown): void {
    slot.failures++;
    slot.lastError = errorText(error);
    const dead = !slot.adnl || slot.adnl.state !== 'ready';
    // A server that keeps timing out while "connected" is as good as down.
    if (dead || slot.failures >= 2) {
      if (slot.adnl) {
        const adnl = slot.adnl;
        slot.adnl = null;
        slot.client = null;
        adnl.close();
      }
      slot.state = 'down';
      if (dead) slot.reachable = false;
      const delay = Math.min(this.#retryMax, this.#retryMin * 2 ** Math.min(slot.failures - 1, 20));
      slot.retryAt = Date.now() + delay;
    }
    this.#changed();
  }

  #exhausted(lastError: unknown, message = 'no liteserver could answer'): Error {
    if (lastError instanceof LiteServerError) return lastError;
    return new LiteError('no-server', lastError ? `${message}: ${errorText(lastError)}` : message, {
      cause: lastError ?? undefined,
    });
  }

  #changed(): void {
    if (!this.onChange) return;
    try {
      this.onChange(this.status());
    } catch {
      // listeners must not break the pool
    }
  }
}

/** A LiteClient that reports every masterchain seqno it sees (and the round trip) to the pool. */
class TrackedLiteClient extends LiteClient {
  readonly #observe: (seqno: number, rttMs: number) => void;
  constructor(adnl: AdnlTcpClient, timeoutMs: number, observe: (seqno: number, rttMs: number) => void) {
    super(adnl, { timeoutMs });
    this.#observe = observe;
  }
  override async getMasterchainInfo(options?: LiteCallOptions): Promise<MasterchainInfo> {
    const t0 = nowMs();
    const info = await super.getMasterchainInfo(options);
    this.#observe(info.last.seqno, nowMs() - t0);
    return info;
  }
  override async getMasterchainInfoExt(mode = 0, options?: LiteCallOptions): Promise<MasterchainInfoExt> {
    const t0 = nowMs();
    const info = await super.getMasterchainInfoExt(mode, options);
    this.#observe(info.last.seqno, nowMs() - t0);
    return info;
  }
}

/** Transport failures, timeouts, garbage answers and "not ready / timeout" server errors are worth a retry. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AdnlError || error instanceof TransportError) return true;
  if (error instanceof LiteServerError) {
    return error.code === LiteErrorCode.NOT_READY || error.code === LiteErrorCode.TIMEOUT;
  }
  if (error instanceof LiteError) {
    return (
      error.kind === 'bad-answer' ||
      error.kind === 'bad-boc' ||
      error.kind === 'bad-stack' ||
      error.kind === 'no-server'
    );
  }
  return false;
}

function errorText(error: unknown): string {
  return error instanceof Error
    ? `${error.name}: ${error.message}`.slice(0, 300)
    : String(error).slice(0, 300);
}

function nowMs(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
