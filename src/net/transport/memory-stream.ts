/**
 * An in-process pair of connected ByteStreams (what one end writes, the other receives, asynchronously and in
 * order). Used to run our ADNL client against our ADNL server end without sockets (tests, in-process devnet).
 */
import type { ByteStream } from './types.ts';

class MemoryStream implements ByteStream {
  onData: ((data: Uint8Array) => void) | null = null;
  onClose: ((error?: Error) => void) | null = null;
  peer: MemoryStream | null = null;
  #closed = false;
  #pending: Uint8Array[] = [];
  #scheduled = false;

  write(data: Uint8Array): void {
    if (this.#closed || !this.peer) return;
    this.peer.#receive(data.slice());
  }

  close(): void {
    this.#end(undefined, true);
  }

  /** Ends both ends with `error` on the peer (like a connection reset seen by the other side). */
  destroy(error: Error): void {
    const peer = this.peer;
    this.#end(undefined, false);
    if (peer) peer.#end(error, false);
  }

  #receive(data: Uint8Array): void {
    if (this.#closed) return;
    this.#pending.push(data);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#scheduled = false;
    const chunks = this.#pending;
    this.#pending = [];
    for (const chunk of chunks) {
      if (this.#closed) return;
      this.onData?.(chunk);
    }
  }

  #end(error: Error | undefined, notifyPeer: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    const peer = this.peer;
    const onClose = this.onClose;
    this.onClose = null;
    this.onData = null;
    queueMicrotask(() => onClose?.(error));
    // The peer sees EOF after the bytes already in flight to it.
    if (notifyPeer && peer) queueMicrotask(() => queueMicrotask(() => peer.#end(undefined, false)));
  }
}

export interface MemoryStreamPair {
  a: ByteStream & { destroy(error: Error): void };
  b: ByteStream & { destroy(error: Error): void };
}

/** Two connected in-memory streams. */
export function createMemoryStreamPair(): MemoryStreamPair {
  const a = new MemoryStream();
  const b = new MemoryStream();
  a.peer = b;
  b.peer = a;
  return { a, b };
}
