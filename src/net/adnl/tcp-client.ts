/**
 * Client end of ADNL over TCP (DIGEST §2): connects through any StreamConnector (direct TCP, WebSocket bridge,
 * in-memory), performs the handshake, waits for the server's empty ack frame, then multiplexes queries matched
 * by query_id, keeps the link alive with tcp.ping, and (optionally) reconnects with exponential backoff.
 *
 * With `pipeline`, the first connection does not wait for the ack: queries follow the 256-byte handshake at
 * once (the server reads frames in order after the handshake and acks before it answers, DIGEST §2.1; the C++
 * and tonutils-go clients send the same way), saving one round trip. The ack is still required: a first frame
 * that is not empty, a close or a timeout before it fails the connection and every query sent on it.
 *
 * With `authKey`, every connection also runs the tcp.authentificate exchange (tcp-auth.ts) before any query.
 */
import { generateKeyPair, type KeyPair } from '../crypto/index.ts';
import { pooledRandomBytes } from './random-pool.ts';
import type { ByteStream, StreamConnector } from '../transport/index.ts';
import { AdnlError } from './errors.ts';
import { AdnlTcpChannel } from './tcp-channel.ts';
import { ADNL_TCP_MAX_FRAME_SIZE, ADNL_TCP_MAX_PAYLOAD } from './tcp-frame.ts';
import { TcpAuthClient } from './tcp-auth.ts';
import { createClientHandshake } from './tcp-handshake.ts';
import { decodeTcpPayload, encodePing, encodeQuery, queryKey } from './tcp-messages.ts';

export type AdnlTcpClientState = 'connecting' | 'ready' | 'reconnecting' | 'closed';

export interface AdnlTcpClientOptions {
  /** Our identity; by default a fresh ephemeral key per connection. */
  keyPair?: KeyPair;
  /** Opening the stream plus the handshake ack must finish within this (default 10 s). */
  connectTimeoutMs?: number;
  /** Send tcp.ping this often while connected (default 5 s; 0 disables keepalive). */
  pingIntervalMs?: number;
  /** A keepalive ping unanswered this long drops the connection (default 10 s). */
  pingTimeoutMs?: number;
  /** Reconnect after the connection drops (default true). The first connect never retries. */
  reconnect?: boolean;
  /** Backoff bounds for reconnecting (defaults 250 ms .. 30 s, doubling, with jitter). */
  reconnectMinDelayMs?: number;
  reconnectMaxDelayMs?: number;
  /** Largest incoming frame accepted (default and maximum 2^24). */
  maxFrameSize?: number;
  /** Most queries in flight or queued at once (default 4096). */
  maxPendingQueries?: number;
  /**
   * Send queries right after the handshake instead of waiting for the server's ack (first connection only;
   * reconnects wait). `connect` then resolves once the stream is open and a failed handshake shows up as the
   * queries' AdnlError('handshake' | 'timeout'); `acknowledged()` tells when the server confirmed. Default false.
   */
  pipeline?: boolean;
  /**
   * Authenticate every connection with this Ed25519 key (tcp.authentificate, DIGEST §2.1): the client sends its
   * nonce right behind the handshake (as the C++ client does), signs the server's nonce and sends the completion
   * before any query, so every query is answered as from this key. The connect timeout covers the exchange; a
   * server that closes instead fails the connect with AdnlError('auth'). Queries wait for the exchange, so
   * `pipeline` has no effect with it. Default: none (public liteservers don't need it).
   */
  authKey?: KeyPair;
}

interface PendingTcpQuery {
  payload: Uint8Array;
  sent: boolean;
  resolve(answer: Uint8Array): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface PendingPing {
  started: number;
  resolve(rttMs: number): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

export class AdnlTcpClient {
  /** Current connection state; `onStateChange` reports every change. */
  onStateChange: ((state: AdnlTcpClientState, error?: Error) => void) | null = null;

  readonly serverPublicKey: Uint8Array;
  readonly #connector: StreamConnector;
  readonly #options: Required<Omit<AdnlTcpClientOptions, 'keyPair' | 'authKey'>> & {
    keyPair?: KeyPair;
    authKey?: KeyPair;
  };
  #state: AdnlTcpClientState = 'connecting';
  #lastError: Error | undefined;
  #channel: AdnlTcpChannel | null = null;
  readonly #queries = new Map<string, PendingTcpQuery>();
  readonly #pings = new Map<bigint, PendingPing>();
  #pingTimer: ReturnType<typeof setInterval> | null = null;
  #reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  #reconnectAttempt = 0;
  #connectAbort: (() => void) | null = null;
  /** Settles when the server acks the current connection's handshake (rejects if it fails first). */
  #ack: Promise<void> = Promise.resolve();
  /** No connection has been acked yet: a failure before the first ack closes the client for good. */
  #neverAcked = true;

  /**
   * Connects (first attempt only: rejects with AdnlError/TransportError if it fails) and resolves once the
   * server acknowledged the handshake — or, with `pipeline`, once the handshake is sent (see the option).
   */
  static async connect(
    connector: StreamConnector,
    serverPublicKey: Uint8Array,
    options: AdnlTcpClientOptions = {},
  ): Promise<AdnlTcpClient> {
    const client = new AdnlTcpClient(connector, serverPublicKey, options);
    try {
      const channel = await client.#open(client.#options.pipeline);
      if (!client.#options.pipeline) client.#attach(channel);
      // Pipelined (attached already): a handshake that failed meanwhile still fails the connect.
      else if (client.#state === 'closed')
        throw client.#lastError ?? new AdnlError('handshake', 'ADNL handshake failed');
    } catch (error) {
      client.#lastError = error as Error;
      client.close();
      throw error;
    }
    return client;
  }

  private constructor(
    connector: StreamConnector,
    serverPublicKey: Uint8Array,
    options: AdnlTcpClientOptions,
  ) {
    if (serverPublicKey.length !== 32) throw new AdnlError('handshake', 'server public key must be 32 bytes');
    this.serverPublicKey = serverPublicKey.slice();
    this.#connector = connector;
    this.#options = {
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      pingIntervalMs: options.pingIntervalMs ?? 5_000,
      pingTimeoutMs: options.pingTimeoutMs ?? 10_000,
      reconnect: options.reconnect ?? true,
      reconnectMinDelayMs: options.reconnectMinDelayMs ?? 250,
      reconnectMaxDelayMs: options.reconnectMaxDelayMs ?? 30_000,
      maxFrameSize: options.maxFrameSize ?? ADNL_TCP_MAX_FRAME_SIZE,
      maxPendingQueries: options.maxPendingQueries ?? 4096,
      // Queries must follow the auth completion, which needs the server's nonce first.
      pipeline: (options.pipeline ?? false) && !options.authKey,
      keyPair: options.keyPair,
      authKey: options.authKey,
    };
  }

  get state(): AdnlTcpClientState {
    return this.#state;
  }

  /** The error that ended the last connection or connection attempt, if any. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /**
   * Resolves once the server acked the handshake of the current connection (at once without `pipeline`);
   * rejects with the AdnlError that failed it. For work that must not reach a server whose handshake failed.
   */
  acknowledged(): Promise<void> {
    if (this.#state === 'closed') return Promise.reject(this.#lastError ?? new AdnlError('closed', 'closed'));
    return this.#ack;
  }

  /** Queries sent or queued and not yet answered. */
  get pendingQueries(): number {
    return this.#queries.size;
  }

  /**
   * Sends `query` (the bytes inside adnl.message.query, e.g. a boxed liteServer.query) and resolves with the
   * `answer` bytes of the matching adnl.message.answer. While reconnecting the query waits for the link (within
   * its timeout). Rejects with AdnlError: 'timeout', 'connection-lost' (link dropped after sending), 'closed',
   * 'overloaded'.
   */
  query(query: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.#state === 'closed') return Promise.reject(new AdnlError('closed', 'ADNL client is closed'));
    if (this.#queries.size >= this.#options.maxPendingQueries) {
      return Promise.reject(new AdnlError('overloaded', 'too many ADNL queries in flight'));
    }
    timeoutMs = clampTimeout(timeoutMs);
    const queryId = pooledRandomBytes(32);
    const payload = encodeQuery(queryId, query);
    if (payload.length > ADNL_TCP_MAX_PAYLOAD) {
      return Promise.reject(new AdnlError('bad-frame-size', 'query too large for one ADNL-TCP frame'));
    }
    const key = queryKey(queryId);
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#queries.delete(key))
          reject(new AdnlError('timeout', `ADNL query timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const pending: PendingTcpQuery = { payload, sent: false, resolve, reject, timer };
      this.#queries.set(key, pending);
      if (this.#channel && this.#state === 'ready') {
        pending.sent = true;
        this.#channel.send(payload);
      }
    });
  }

  /** Sends tcp.ping and resolves with the round-trip time in ms (AdnlError on timeout or when not connected). */
  ping(timeoutMs: number): Promise<number> {
    const channel = this.#channel;
    if (!channel || this.#state !== 'ready') {
      return Promise.reject(
        new AdnlError(this.#state === 'closed' ? 'closed' : 'connection-lost', 'not connected'),
      );
    }
    timeoutMs = clampTimeout(timeoutMs);
    const random = pooledRandomBytes(8);
    const randomId = new DataView(random.buffer).getBigInt64(0, true);
    return new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.#pings.delete(randomId))
          reject(new AdnlError('timeout', `tcp.ping timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pings.set(randomId, { started: now(), resolve, reject, timer });
      channel.send(encodePing(randomId));
    });
  }

  /** Closes the connection for good; pending queries reject with AdnlError('closed'). */
  close(): void {
    if (this.#state === 'closed') return;
    this.#setState('closed', undefined);
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
    this.#connectAbort?.();
    const channel = this.#channel;
    this.#channel = null;
    this.#stopKeepalive();
    channel?.close();
    this.#failAll(new AdnlError('closed', 'ADNL client closed'), true);
  }

  /**
   * One connection attempt: stream, handshake, ack. Resolves with the ready channel; when `pipelined`, as soon
   * as the handshake is written, with the channel already attached.
   */
  async #open(pipelined = false): Promise<AdnlTcpChannel> {
    const deadline = now() + this.#options.connectTimeoutMs;
    let aborted = false;
    let abortWait: (() => void) | null = null;
    this.#connectAbort = () => {
      aborted = true;
      abortWait?.();
    };
    try {
      const stream = await new Promise<ByteStream>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new AdnlError('timeout', `connect timed out after ${this.#options.connectTimeoutMs} ms`)),
          this.#options.connectTimeoutMs,
        );
        abortWait = () => {
          clearTimeout(timer);
          reject(new AdnlError('closed', 'ADNL client closed while connecting'));
        };
        this.#connector().then(
          (s) => {
            clearTimeout(timer);
            // Arrived after a timeout or close: nobody will use it.
            if (aborted || now() > deadline) s.close();
            resolve(s);
          },
          (error: unknown) => {
            clearTimeout(timer);
            reject(error instanceof Error ? error : new AdnlError('connection-lost', String(error)));
          },
        );
      });
      if (aborted) throw new AdnlError('closed', 'ADNL client closed while connecting');
      if (now() > deadline) throw new AdnlError('timeout', 'connect timed out');
      return await this.#handshake(stream, deadline, (abort) => (abortWait = abort), pipelined);
    } finally {
      this.#connectAbort = null;
    }
  }

  #handshake(
    stream: ByteStream,
    deadline: number,
    setAbort: (abort: () => void) => void,
    pipelined: boolean,
  ): Promise<AdnlTcpChannel> {
    const handshake = createClientHandshake(this.serverPublicKey, this.#options.keyPair ?? generateKeyPair());
    const auth = this.#options.authKey ? new TcpAuthClient(this.#options.authKey) : null;
    let ackResolve!: () => void;
    let ackReject!: (error: Error) => void;
    this.#ack = new Promise<void>((resolve, reject) => {
      ackResolve = resolve;
      ackReject = reject;
    });
    this.#ack.catch(() => undefined); // observed through acknowledged() or the queries; never unhandled
    return new Promise<AdnlTcpChannel>((resolve, reject) => {
      /** 'ack': waiting for the empty first frame; 'auth': for tcp.authentificationNonce; 'ready': connected. */
      let stage: 'ack' | 'auth' | 'ready' = 'ack';
      /** Resolved (and attached) before the ack: failures go to the live connection, not to `reject`. */
      let handedOut = false;
      const ready = (): void => {
        stage = 'ready';
        clearTimeout(timer);
        if (!handedOut) resolve(channel);
      };
      const channel = new AdnlTcpChannel(
        stream,
        handshake.ciphers,
        {
          onPayload: (payload) => {
            if (stage === 'ready') {
              this.#onPayload(channel, payload);
              return;
            }
            if (stage === 'ack') {
              // DIGEST §2.1: the server's first frame is empty; anything else means a confused peer.
              if (payload.length !== 0) {
                channel.close(new AdnlError('handshake', 'server sent a non-empty first frame'));
                return;
              }
              this.#neverAcked = false;
              ackResolve();
              if (auth) stage = 'auth';
              else ready();
              return;
            }
            if (payload.length === 0) return; // keepalive
            // The only frame a server sends now is its nonce (we sent no query or ping yet).
            let complete: Uint8Array;
            try {
              const message = decodeTcpPayload(payload);
              if (message.kind !== 'auth-nonce')
                throw new AdnlError(
                  'auth',
                  `server sent ${message.kind} instead of tcp.authentificationNonce`,
                );
              complete = auth!.onNonce(message.nonce);
            } catch (error) {
              channel.close(error as Error);
              return;
            }
            // Queries sent after this frame are handled after the completion (the server reads in order).
            channel.send(complete);
            ready();
          },
          onClose: (error) => {
            if (stage === 'ready') {
              this.#onChannelClosed(channel, error);
              return;
            }
            clearTimeout(timer);
            // Our own timeout/close, a bad first frame and a failed exchange keep their kind; anything else is a
            // failed handshake, or (closed after the ack while authenticating) a server refusing our completion.
            let failure: AdnlError;
            if (
              error instanceof AdnlError &&
              (error.kind === 'timeout' ||
                error.kind === 'closed' ||
                error.kind === 'handshake' ||
                error.kind === 'auth' ||
                (stage === 'auth' && error.kind === 'protocol'))
            )
              failure = error;
            else {
              const detail = error ? `: ${error.message}` : '';
              failure =
                stage === 'auth'
                  ? new AdnlError('auth', `connection closed during tcp.authentificate${detail}`, {
                      cause: error,
                    })
                  : new AdnlError('handshake', `connection closed during handshake${detail}`, {
                      cause: error,
                    });
            }
            if (stage === 'ack') ackReject(failure);
            if (handedOut) this.#onChannelClosed(channel, failure, true);
            else reject(failure);
          },
        },
        this.#options.maxFrameSize,
      );
      const timer = setTimeout(
        () =>
          channel.close(
            new AdnlError(
              'timeout',
              stage === 'auth' ? 'no tcp.authentificationNonce from server' : 'no handshake ack from server',
            ),
          ),
        Math.max(0, deadline - now()),
      );
      setAbort(() => channel.close(new AdnlError('closed', 'ADNL client closed while connecting')));
      stream.write(handshake.packet);
      // adnl-ext-client.cpp start_up: tcp.authentificate follows the handshake packet at once (one round trip
      // saved; the server handles frames in order after the handshake, acking first).
      if (auth) channel.send(auth.start());
      if (pipelined && !channel.closed) {
        // Queries may follow the handshake at once (the server handles frames in order after it).
        handedOut = true;
        this.#attach(channel);
        resolve(channel);
      }
    });
  }

  /** Makes `channel` the live connection: flushes queued queries and starts the keepalive. */
  #attach(channel: AdnlTcpChannel): void {
    if (this.#state === 'closed' || channel.closed) {
      channel.close();
      return;
    }
    this.#channel = channel;
    this.#reconnectAttempt = 0;
    this.#setState('ready', undefined);
    for (const pending of this.#queries.values()) {
      if (!pending.sent) {
        pending.sent = true;
        channel.send(pending.payload);
      }
    }
    this.#startKeepalive();
  }

  #onPayload(channel: AdnlTcpChannel, payload: Uint8Array): void {
    let message;
    try {
      message = decodeTcpPayload(payload);
    } catch (error) {
      channel.close(error as Error);
      return;
    }
    switch (message.kind) {
      case 'answer': {
        const key = queryKey(message.queryId);
        const pending = this.#queries.get(key);
        // Unknown ids are late answers to queries that already timed out.
        if (!pending || !pending.sent) return;
        this.#queries.delete(key);
        clearTimeout(pending.timer);
        pending.resolve(message.answer);
        return;
      }
      case 'pong': {
        const ping = this.#pings.get(message.randomId);
        if (!ping) return;
        this.#pings.delete(message.randomId);
        clearTimeout(ping.timer);
        ping.resolve(now() - ping.started);
        return;
      }
      case 'empty':
        return;
      default:
        channel.close(new AdnlError('protocol', `server sent an unexpected ${message.kind} frame`));
    }
  }

  /** `beforeAck`: the handshake failed on a pipelined connection; its error goes to the queries as is. */
  #onChannelClosed(channel: AdnlTcpChannel, error: Error | undefined, beforeAck = false): void {
    if (channel !== this.#channel) return;
    this.#channel = null;
    this.#stopKeepalive();
    const cause = error ?? new AdnlError('connection-lost', 'connection closed');
    this.#lastError = cause;
    if (this.#state === 'closed') return;
    const lost =
      beforeAck && cause instanceof AdnlError
        ? cause
        : new AdnlError('connection-lost', `ADNL connection lost: ${cause.message}`, { cause });
    // The first connect never retries: a first handshake that fails after pipelining ends the client.
    if (this.#options.reconnect && !(beforeAck && this.#neverAcked)) {
      this.#failAll(lost, false);
      this.#setState('reconnecting', cause);
      this.#scheduleReconnect();
    } else {
      this.#failAll(lost, true);
      this.#setState('closed', cause);
    }
  }

  #scheduleReconnect(): void {
    const { reconnectMinDelayMs: min, reconnectMaxDelayMs: max } = this.#options;
    const base = Math.min(max, min * 2 ** Math.min(this.#reconnectAttempt, 30));
    const delay = base / 2 + Math.random() * (base / 2);
    this.#reconnectAttempt++;
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#state === 'closed') return;
      this.#open().then(
        (channel) => this.#attach(channel),
        (error: Error) => {
          if (this.#state === 'closed') return;
          this.#lastError = error;
          this.#setState('reconnecting', error);
          this.#scheduleReconnect();
        },
      );
    }, delay);
  }

  #startKeepalive(): void {
    const interval = this.#options.pingIntervalMs;
    if (interval <= 0) return;
    this.#pingTimer = setInterval(() => {
      const channel = this.#channel;
      if (!channel) return;
      this.ping(this.#options.pingTimeoutMs).catch((error: unknown) => {
        if (error instanceof AdnlError && error.kind === 'timeout' && this.#channel === channel) {
          channel.close(new AdnlError('timeout', 'keepalive: server stopped answering tcp.ping'));
        }
      });
    }, interval);
  }

  #stopKeepalive(): void {
    if (this.#pingTimer) clearInterval(this.#pingTimer);
    this.#pingTimer = null;
    for (const ping of this.#pings.values()) {
      clearTimeout(ping.timer);
      ping.reject(new AdnlError('connection-lost', 'connection closed before tcp.pong'));
    }
    this.#pings.clear();
  }

  /** Rejects the queries already sent (and, if `all`, the queued ones too). */
  #failAll(error: AdnlError, all: boolean): void {
    for (const [key, pending] of this.#queries) {
      if (!all && !pending.sent) continue;
      this.#queries.delete(key);
      clearTimeout(pending.timer);
      pending.reject(error);
    }
  }

  #setState(state: AdnlTcpClientState, error: Error | undefined): void {
    if (this.#state === state && state !== 'reconnecting') return;
    this.#state = state;
    try {
      this.onStateChange?.(state, error);
    } catch {
      // A listener's failure must not break the connection logic.
    }
  }
}

/** setTimeout fires at once for delays above 2^31-1 ms or NaN; keep every timeout in range. */
function clampTimeout(ms: number): number {
  if (!(ms > 0)) return 1;
  return Math.min(ms, 2 ** 31 - 1);
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
