/**
 * DatagramSocket over the bridge's `/udp` WebSocket relay (protocol: relay-protocol.ts). Isomorphic: the WebSocket
 * class is injected (the platform one in the service worker, `ws`'s in Node).
 *
 * The client offers the batched protocol (`tonsite-relay.2`) and speaks one frame per message with a bridge that
 * does not select it (relay-protocol.ts, 1.). Batched, the datagrams sent in one event-loop turn leave in one WebSocket message at the
 * end of the turn (turn-end.ts), or earlier when the batch is full.
 *
 * UDP semantics are kept: send() never blocks and never throws for network reasons; a datagram is silently
 * dropped (and counted) when the socket is closed or the WebSocket's send queue plus the pending batch is over
 * `maxBufferedBytes`. Drops the bridge reports (forbidden destination, rate limits) reach `onDrop`.
 */
import { decodeRelayBatch, RelayBatchWriter } from './relay-batch.ts';
import {
  decodeRelayFrame,
  encodeRelayDatagram,
  MAX_RELAY_PAYLOAD,
  RELAY_SUBPROTOCOL_BATCH,
  RELAY_SUBPROTOCOL_SINGLE,
  type RelayFrame,
} from './relay-protocol.ts';
import { turnEndScheduler, type TurnEndScheduler } from './turn-end.ts';
import { TransportError, type DatagramSocket } from './types.ts';
import type { WebSocketLike } from './websocket-stream.ts';

const OPEN = 1;

/** Any WebSocket class taking a URL and optional subprotocols (`globalThis.WebSocket`, `ws`'s WebSocket). */
export type RelayWebSocketConstructor = new (url: string, protocols?: string[]) => unknown;

/** The WebSocket API the relay uses: WebSocketLike plus the negotiated subprotocol. */
interface RelayWebSocket extends WebSocketLike {
  readonly protocol?: string;
}

export interface RelaySocketOptions {
  /** WebSocket class; defaults to globalThis.WebSocket. */
  WebSocket?: RelayWebSocketConstructor;
  /** Give up opening after this long (default 10 s, both attempts together). */
  connectTimeoutMs?: number;
  /** Drop outgoing datagrams while more than this many bytes wait in the WebSocket (default 1 MiB). */
  maxBufferedBytes?: number;
  /** Offer the batched protocol (default true); false speaks one frame per message like older clients. */
  batch?: boolean;
  /** When a batch is sent; default: at the end of the current event-loop turn (turnEndScheduler()). */
  schedule?: TurnEndScheduler;
}

export interface RelaySocketStats {
  sent: number;
  received: number;
  /** Dropped locally (queue full, closed, oversize). */
  droppedLocally: number;
  /** DROPPED notices from the bridge. */
  droppedByRelay: number;
  /** Messages from the bridge that did not parse. */
  badFrames: number;
  /** WebSocket messages sent and received (fewer than datagrams when batched). */
  messagesSent: number;
  messagesReceived: number;
}

export class RelaySocket implements DatagramSocket {
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null = null;
  /** The bridge did not relay a datagram to host:port (reason: RelayDropReason). */
  onDrop: ((host: string, port: number, reason: number) => void) | null = null;
  /** The WebSocket ended (error set unless close() was called or the bridge closed normally). */
  onClose: ((error?: Error) => void) | null = null;
  readonly stats: RelaySocketStats = {
    sent: 0,
    received: 0,
    droppedLocally: 0,
    droppedByRelay: 0,
    badFrames: 0,
    messagesSent: 0,
    messagesReceived: 0,
  };
  /** True when the bridge accepted the batched protocol (relay-protocol.ts, 4.). */
  readonly batched: boolean;
  readonly #ws: RelayWebSocket;
  readonly #maxBuffered: number;
  readonly #batch: RelayBatchWriter | null;
  readonly #schedule: TurnEndScheduler;
  readonly #flush = () => {
    this.#flushScheduled = false;
    this.#flushBatch();
  };
  #flushScheduled = false;
  #closed = false;

  /**
   * Use openRelaySocket(); this wraps an already open WebSocket. The protocol follows the subprotocol the bridge
   * selected (`ws.protocol`).
   */
  constructor(ws: WebSocketLike, maxBufferedBytes: number, schedule: TurnEndScheduler = turnEndScheduler()) {
    this.#ws = ws;
    this.#maxBuffered = maxBufferedBytes;
    this.batched = (ws as RelayWebSocket).protocol === RELAY_SUBPROTOCOL_BATCH;
    this.#batch = this.batched ? new RelayBatchWriter() : null;
    this.#schedule = schedule;
    ws.onmessage = (event) => this.#message(event.data);
    ws.onerror = () => {};
    ws.onclose = (event) =>
      this.#finish(
        event.code === 1000 ? undefined : new TransportError(`relay closed (code ${event.code})`, event.code),
      );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Sends one datagram through the relay. TransportError only for a caller bug (bad address or port). */
  send(data: Uint8Array, host: string, port: number): void {
    if (this.#closed || this.#ws.readyState !== OPEN) {
      this.stats.droppedLocally++;
      return;
    }
    const batch = this.#batch;
    const pending = batch === null ? 0 : batch.byteLength;
    if (data.length > MAX_RELAY_PAYLOAD || this.#ws.bufferedAmount + pending > this.#maxBuffered) {
      this.stats.droppedLocally++;
      return;
    }
    if (batch === null) {
      const frame = encodeRelayDatagram(host, port, data);
      this.#sendMessage(frame, 1);
      return;
    }
    if (!batch.fits(data.length)) this.#flushBatch();
    batch.appendDatagram(host, port, data);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      this.#schedule(this.#flush);
    }
  }

  close(): void {
    if (this.#closed) return;
    // What was sent in this turn still goes out: close() lets queued messages drain before the close frame.
    this.#flushBatch();
    try {
      this.#ws.close(1000);
    } catch {
      // already closing
    }
    this.#finish(undefined);
  }

  #flushBatch(): void {
    const batch = this.#batch;
    if (batch === null) return;
    const frames = batch.frameCount;
    const message = batch.take();
    if (message === null) return;
    if (this.#closed) this.stats.droppedLocally += frames;
    else this.#sendMessage(message, frames);
  }

  #sendMessage(message: Uint8Array, frames: number): void {
    if (this.#ws.readyState !== OPEN) {
      this.stats.droppedLocally += frames;
      return;
    }
    try {
      this.#ws.send(message);
      this.stats.sent += frames;
      this.stats.messagesSent++;
    } catch {
      this.stats.droppedLocally += frames;
    }
  }

  #message(data: unknown): void {
    if (this.#closed) return;
    let bytes: Uint8Array;
    // An ArrayBuffer (binaryType 'arraybuffer') is this message's own memory, so payload views need no copy;
    // a view (e.g. into a pooled Node buffer) may be reused by the WebSocket implementation, so it is copied.
    let owned = true;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) {
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      owned = false;
    } else {
      this.stats.badFrames++;
      return;
    }
    this.stats.messagesReceived++;
    let frames: RelayFrame[];
    try {
      frames = this.batched ? decodeRelayBatch(bytes) : [decodeRelayFrame(bytes)];
    } catch {
      this.stats.badFrames++;
      return;
    }
    for (const frame of frames) {
      // onMessage may close the socket (and clear the handlers) in the middle of a batch.
      if (this.#closed) return;
      if (frame.kind === 'dropped') {
        this.stats.droppedByRelay++;
        this.onDrop?.(frame.host, frame.port, frame.reason);
        continue;
      }
      this.stats.received++;
      this.onMessage?.(owned ? frame.payload : frame.payload.slice(), frame.host, frame.port);
    }
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#ws.onmessage = null;
    this.#ws.onclose = null;
    const onClose = this.onClose;
    this.onMessage = null;
    this.onDrop = null;
    this.onClose = null;
    onClose?.(error);
  }
}

/**
 * Opens a relay WebSocket at `url` (see bridgeUdpUrl) and resolves once it is open; TransportError otherwise.
 * Offers the relay subprotocols (relay-protocol.ts, 1.) unless `batch` is false; a server that refuses the offer
 * before the socket opens gets one more attempt offering nothing, within the same connect timeout.
 */
export async function openRelaySocket(url: string, options: RelaySocketOptions = {}): Promise<RelaySocket> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: RelayWebSocketConstructor }).WebSocket;
  if (!Ctor) throw new TransportError('no WebSocket implementation available');
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  const schedule = options.schedule ?? turnEndScheduler();
  const deadline = Date.now() + timeoutMs;
  if (options.batch ?? true) {
    const first = await openWebSocket(
      Ctor,
      url,
      [RELAY_SUBPROTOCOL_SINGLE, RELAY_SUBPROTOCOL_BATCH],
      timeoutMs,
    );
    if ('ws' in first) return new RelaySocket(first.ws, maxBuffered, schedule);
    if (Date.now() >= deadline) throw first.refused;
  }
  const second = await openWebSocket(Ctor, url, undefined, Math.max(1, deadline - Date.now()));
  if ('ws' in second) return new RelaySocket(second.ws, maxBuffered, schedule);
  throw second.refused;
}

/**
 * One connection attempt: the open WebSocket, or the error of a close before open (handshake refused, bridge
 * unreachable). Rejects for a timeout or a constructor failure (bad URL), which no second attempt would fix.
 */
function openWebSocket(
  Ctor: RelayWebSocketConstructor,
  url: string,
  protocols: string[] | undefined,
  timeoutMs: number,
): Promise<{ ws: RelayWebSocket } | { refused: TransportError }> {
  return new Promise((resolve, reject) => {
    let ws: RelayWebSocket;
    try {
      ws = (protocols === undefined ? new Ctor(url) : new Ctor(url, protocols)) as RelayWebSocket;
    } catch (error) {
      reject(new TransportError(`WebSocket: ${(error as Error).message}`));
      return;
    }
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      ws.onopen = null;
      ws.onclose = null;
      try {
        ws.close();
      } catch {
        // ignore
      }
      reject(new TransportError(`relay connect timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    ws.onerror = () => {};
    ws.onclose = (event) => {
      clearTimeout(timer);
      ws.onopen = null;
      ws.onclose = null;
      resolve({ refused: new TransportError(`relay closed before open (code ${event.code})`, event.code) });
    };
    ws.onopen = () => {
      clearTimeout(timer);
      ws.onopen = null;
      resolve({ ws });
    };
  });
}
