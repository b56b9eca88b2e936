/** Transport interfaces shared by every layer above (see CONTRACTS.md). */

/** A TCP-like byte stream: ordered, reliable, no message boundaries guaranteed. */
export interface ByteStream {
  /** Queues bytes for sending. Ignored after close. */
  write(data: Uint8Array): void;
  /** Closes the stream; `onClose` fires once (without an error when we closed it ourselves). */
  close(): void;
  /** Called with each received chunk, in order. Chunk boundaries carry no meaning. */
  onData: ((data: Uint8Array) => void) | null;
  /** Called once when the stream ends; `error` is set when it ended abnormally. */
  onClose: ((error?: Error) => void) | null;
}

/** Opens a fresh stream to one fixed destination (direct TCP in Node, a WebSocket bridge in the browser). */
export type StreamConnector = () => Promise<ByteStream>;

/** A UDP-like datagram socket (ADNL over UDP). */
export interface DatagramSocket {
  send(data: Uint8Array, host: string, port: number): void;
  close(): void;
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null;
}

/** Every transport failure (connect refused, bridge refusal, timeout, protocol violation). */
export class TransportError extends Error {
  override name = 'TransportError';
  /** WebSocket close code when the failure came from a close frame (e.g. 4403 refused by the bridge). */
  readonly code: number | undefined;
  constructor(message: string, code?: number) {
    super(message);
    this.code = code;
  }
}
