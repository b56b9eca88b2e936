/**
 * The encrypted, framed ADNL-TCP channel shared by both ends once the handshake is done: every outgoing payload
 * becomes one frame encrypted with our CTR stream; incoming bytes are decrypted as they arrive and cut into
 * frames (DIGEST §2.2). Any framing error ends the channel with that AdnlError.
 */
import type { ByteStream } from '../transport/index.ts';
import type { AdnlTcpCiphers } from './tcp-handshake.ts';
import { ADNL_TCP_MAX_FRAME_SIZE, TcpFrameParser, encodeTcpFrame } from './tcp-frame.ts';
import { AdnlError } from './errors.ts';

export interface AdnlTcpChannelHandlers {
  /** One decrypted, checksum-verified payload (possibly empty: keepalive / handshake ack). */
  onPayload(payload: Uint8Array): void;
  /** Called once; `error` is undefined when we closed the channel ourselves without an error. */
  onClose(error?: Error): void;
}

export class AdnlTcpChannel {
  readonly #stream: ByteStream;
  readonly #ciphers: AdnlTcpCiphers;
  readonly #parser: TcpFrameParser;
  readonly #handlers: AdnlTcpChannelHandlers;
  #closed = false;
  /** Encrypted frames waiting for the end of the current task, written as one chunk (fewer syscalls). */
  #outbox: Uint8Array[] = [];
  #outboxBytes = 0;

  constructor(
    stream: ByteStream,
    ciphers: AdnlTcpCiphers,
    handlers: AdnlTcpChannelHandlers,
    maxFrameSize: number = ADNL_TCP_MAX_FRAME_SIZE,
  ) {
    this.#stream = stream;
    this.#ciphers = ciphers;
    this.#handlers = handlers;
    this.#parser = new TcpFrameParser(maxFrameSize);
    stream.onData = (chunk) => this.receive(chunk);
    stream.onClose = (error) =>
      this.#finish(error ?? new AdnlError('connection-lost', 'connection closed by peer'));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one payload as one frame. Frames are encrypted at once (the CTR stream order is the send order) and
   * flushed together in a microtask, so a burst of queries or answers costs one write.
   */
  send(payload: Uint8Array): void {
    if (this.#closed) return;
    const frame = this.#ciphers.encrypt.update(encodeTcpFrame(payload));
    if (this.#outbox.length === 0) queueMicrotask(() => this.#flush());
    this.#outbox.push(frame);
    this.#outboxBytes += frame.length;
    if (this.#outboxBytes >= 1 << 20) this.#flush();
  }

  #flush(): void {
    const frames = this.#outbox;
    if (frames.length === 0) return;
    this.#outbox = [];
    const total = this.#outboxBytes;
    this.#outboxBytes = 0;
    if (this.#closed) return;
    if (frames.length === 1) {
      this.#stream.write(frames[0]);
      return;
    }
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const f of frames) {
      joined.set(f, offset);
      offset += f.length;
    }
    this.#stream.write(joined);
  }

  /** Feeds received (encrypted) bytes; used by the stream handler and for bytes that followed the handshake. */
  receive(chunk: Uint8Array): void {
    if (this.#closed || chunk.length === 0) return;
    let payloads: Uint8Array[];
    try {
      payloads = this.#parser.push(this.#ciphers.decrypt.update(chunk));
    } catch (error) {
      this.close(error instanceof Error ? error : new AdnlError('protocol', String(error)));
      return;
    }
    for (const payload of payloads) {
      if (this.#closed) return;
      this.#handlers.onPayload(payload);
    }
  }

  /** Closes the stream; `onClose(error)` follows once. */
  close(error?: Error): void {
    if (this.#closed) return;
    this.#flush();
    this.#stream.onData = null;
    this.#stream.onClose = null;
    this.#stream.close();
    this.#finish(error);
  }

  #finish(error: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stream.onData = null;
    this.#stream.onClose = null;
    this.#handlers.onClose(error);
  }
}
