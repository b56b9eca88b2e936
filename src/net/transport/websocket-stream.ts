/**
 * ByteStream over a WebSocket (binary messages = raw stream bytes), for the bridge protocol in
 * bridge-protocol.ts. Works with the platform WebSocket (browser, service worker) and with any constructor of the
 * same shape (Node 20 has no global WebSocket: src/node passes the `ws` package's class in).
 */
import { BridgeCloseCode, describeBridgeClose } from './bridge-protocol.ts';
import { TransportError, type ByteStream } from './types.ts';

/** Any WebSocket class taking a URL (`globalThis.WebSocket`, `ws`'s WebSocket). */
export type WebSocketConstructor = new (url: string) => unknown;

/** The part of the WebSocket API the transports use (the DOM and `ws` agree on it). */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: (() => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
}

const OPEN = 1;

export interface WebSocketStreamOptions {
  /** WebSocket class; defaults to globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Give up opening after this long (default 10 s). */
  connectTimeoutMs?: number;
}

/** Opens a WebSocket to `url` and resolves with a ByteStream once it is open; TransportError otherwise. */
export function connectWebSocketStream(
  url: string,
  options: WebSocketStreamOptions = {},
): Promise<ByteStream> {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (!Ctor) return Promise.reject(new TransportError('no WebSocket implementation available'));
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  return new Promise<ByteStream>((resolve, reject) => {
    let socket: WebSocketLike;
    try {
      socket = new Ctor(url) as WebSocketLike;
    } catch (error) {
      reject(new TransportError(`WebSocket: ${(error as Error).message}`));
      return;
    }
    socket.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      detach(socket);
      safeClose(socket);
      reject(new TransportError(`WebSocket connect timeout after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.onerror = () => {
      // A close event always follows; it carries the code.
    };
    socket.onclose = (event) => {
      clearTimeout(timer);
      detach(socket);
      reject(closeError(event.code, event.reason) ?? new TransportError('WebSocket closed before open'));
    };
    socket.onopen = () => {
      clearTimeout(timer);
      resolve(new WebSocketStream(socket));
    };
  });
}

class WebSocketStream implements ByteStream {
  onData: ((data: Uint8Array) => void) | null = null;
  onClose: ((error?: Error) => void) | null = null;
  #socket: WebSocketLike;
  #closed = false;

  constructor(socket: WebSocketLike) {
    this.#socket = socket;
    socket.onmessage = (event) => this.#message(event.data);
    socket.onerror = () => {};
    socket.onclose = (event) => this.#finish(closeError(event.code, event.reason));
  }

  write(data: Uint8Array): void {
    if (this.#closed || this.#socket.readyState !== OPEN) return;
    this.#socket.send(data);
  }

  close(): void {
    if (this.#closed) return;
    safeClose(this.#socket, BridgeCloseCode.NORMAL);
    this.#finish(undefined);
  }

  #message(data: unknown): void {
    if (this.#closed) return;
    let bytes: Uint8Array;
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data);
    else if (ArrayBuffer.isView(data))
      bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    else {
      // Text frames are a violation of the bridge protocol.
      safeClose(this.#socket, BridgeCloseCode.BAD_REQUEST, 'text message');
      this.#finish(new TransportError('WebSocket: unexpected text message', BridgeCloseCode.BAD_REQUEST));
      return;
    }
    this.onData?.(bytes);
  }

  #finish(error: TransportError | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    detach(this.#socket);
    const onClose = this.onClose;
    this.onData = null;
    this.onClose = null;
    onClose?.(error);
  }
}

/** Maps a close event to an error (undefined for a normal close). */
function closeError(code: number, reason: string): TransportError | undefined {
  if (code === BridgeCloseCode.NORMAL) return undefined;
  const detail = reason ? `: ${reason.slice(0, 120)}` : '';
  return new TransportError(`WebSocket closed (${describeBridgeClose(code)})${detail}`, code);
}

function detach(socket: WebSocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = () => {};
}

function safeClose(socket: WebSocketLike, code?: number, reason?: string): void {
  try {
    socket.close(code, reason);
  } catch {
    // already closing
  }
}
