/**
 * DatagramSocket over the bridge's `/udp` WebSocket relay (frames: relay-protocol.ts). Isomorphic: the WebSocket
 * class is injected (the platform one in the service worker, `ws`'s in Node).
 *
 * UDP semantics are kept: send() never blocks and never throws for network reasons; a datagram is silently
 * dropped when the socket is closed or the WebSocket's send queue is over `maxBufferedBytes`. Drops the bridge
 * reports (forbidden destination, rate limits) reach `onDrop`.
 */
import {
  decodeRelayFrame,
  encodeRelayDatagram,
  MAX_RELAY_PAYLOAD,
  type RelayFrame,
} from './relay-protocol.ts';
import { TransportError, type DatagramSocket } from './types.ts';
import type { WebSocketConstructor, WebSocketLike } from './websocket-stream.ts';

const OPEN = 1;

export interface RelaySocketOptions {
  /** WebSocket class; defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Give up opening after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Drop outgoing datagrams while more than this many bytes wait in the WebSocket (default 1 MiB). */
  maxBufferedBytes?: number;
}

export interface RelaySocketStats {
  sent: number;
  received: number;
  /** Dropped locally (queue full, closed, oversize). */
  droppedLocally: number;
  /** DROPPED notices from the bridge. */
  droppedByRelay: number;
  /** Frames from the bridge that did not parse. */
  badFrames: number;
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
  };
  readonly #ws: WebSocketLike;
  readonly #maxBuffered: number;
  #closed = false;

  /** Use openRelaySocket(); this wraps an already open WebSocket. */
  constructor(ws: WebSocketLike, maxBufferedBytes: number) {
    this.#ws = ws;
    this.#maxBuffered = maxBufferedBytes;
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
    if (data.length > MAX_RELAY_PAYLOAD || this.#ws.bufferedAmount > this.#maxBuffered) {
      this.stats.droppedLocally++;
      return;
    }
    const frame = encodeRelayDatagram(host, port, data);
    try {
      this.#ws.send(frame);
      this.stats.sent++;
    } catch {
      this.stats.droppedLocally++;
    }
  }

  close(): void {
    if (this.#closed) return;
    try {
      this.#ws.close(1000);
    } catch {
      // already closing
    }
    this.#finish(undefined);
  }

  #message(data: unknown): void {
    if (this.#closed) return;
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    else {
      this.stats.badFrames++;
      return;
    }
    let frame: RelayFrame;
    try {
      frame = decodeRelayFrame(bytes);
    } catch {
      this.stats.badFrames++;
      return;
    }
    if (frame.kind === 'dropped') {
      this.stats.droppedByRelay++;
      this.onDrop?.(frame.host, frame.port, frame.reason);
      return;
    }
    this.stats.received++;
    // Copy: the frame's buffer may be reused by the WebSocket implementation.
    this.onMessage?.(frame.payload.slice(), frame.host, frame.port);
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

/** Opens a relay WebSocket at `url` (see bridgeUdpUrl) and resolves once it is open; TransportError otherwise. */
export function openRelaySocket(url: string, options: RelaySocketOptions = {}): Promise<RelaySocket> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) return Promise.reject(new TransportError('no WebSocket implementation available'));
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  return new Promise<RelaySocket>((resolve, reject) => {
    let ws: WebSocketLike;
    try {
      ws = new Ctor(url) as WebSocketLike;
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
      reject(new TransportError(`relay closed before open (code ${event.code})`, event.code));
    };
    ws.onopen = () => {
      clearTimeout(timer);
      ws.onopen = null;
      resolve(new RelaySocket(ws, maxBuffered));
    };
  });
}
