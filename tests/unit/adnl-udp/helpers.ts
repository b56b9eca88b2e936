/** Shared helpers of the ADNL-UDP unit tests: vectors, a replayable RNG, in-memory datagram sockets. */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import type { DatagramSocket } from '../../../src/net/transport/index.ts';

export const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export function loadVector<T = unknown>(name: string): T {
  return JSON.parse(
    readFileSync(new URL(`../../../../shared/spec/vectors/${name}`, import.meta.url), 'utf8'),
  ) as T;
}

/**
 * The generator's RNG (adnl.json rng_note): crypto/rand replaced by the stream sha256(seed || be64(ctr)), ctr = 0, 1,
 * 2, ...; reads consume it in order. `startBlock` skips to a later counter.
 */
export function vectorRng(startBlock = 0, seed = 'tonutils-interop-adnl-v1'): (n: number) => Uint8Array {
  const seedBytes = new TextEncoder().encode(seed);
  let ctr = BigInt(startBlock);
  let buf = new Uint8Array(0);
  return (n: number) => {
    while (buf.length < n) {
      const input = new Uint8Array(seedBytes.length + 8);
      input.set(seedBytes);
      new DataView(input.buffer).setBigUint64(seedBytes.length, ctr++, false);
      const block = sha256(input);
      const next = new Uint8Array(buf.length + 32);
      next.set(buf);
      next.set(block, buf.length);
      buf = next;
    }
    const out = buf.slice(0, n);
    buf = buf.slice(n);
    return out;
  };
}

/** A DatagramSocket that records what is sent and lets the test inject datagrams. */
export class CaptureSocket implements DatagramSocket {
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null = null;
  readonly sent: { data: Uint8Array; host: string; port: number }[] = [];
  closed = false;
  send(data: Uint8Array, host: string, port: number): void {
    this.sent.push({ data: data.slice(), host, port });
  }
  close(): void {
    this.closed = true;
  }
  inject(data: Uint8Array, host: string, port: number): void {
    this.onMessage?.(data, host, port);
  }
}

/** In-memory UDP: sockets bound to "127.0.0.1:port" deliver to each other asynchronously (a macrotask later). */
export class MemoryNetwork {
  readonly #sockets = new Map<string, MemorySocket>();
  #nextPort = 40000;
  /** Every datagram that crossed the network (for size checks). */
  readonly log: { from: string; to: string; size: number }[] = [];
  /** Set to drop datagrams (return true to drop). */
  filter: ((data: Uint8Array, from: string, to: string) => boolean) | null = null;

  socket(): MemorySocket {
    const port = this.#nextPort++;
    const s = new MemorySocket(this, '127.0.0.1', port);
    this.#sockets.set(`127.0.0.1:${port}`, s);
    return s;
  }

  deliver(from: MemorySocket, data: Uint8Array, host: string, port: number): void {
    const to = `${host}:${port}`;
    this.log.push({ from: `${from.host}:${from.port}`, to, size: data.length });
    if (this.filter?.(data, `${from.host}:${from.port}`, to)) return;
    const copy = data.slice();
    setTimeout(() => this.#sockets.get(to)?.onMessage?.(copy, from.host, from.port), 0);
  }

  remove(s: MemorySocket): void {
    this.#sockets.delete(`${s.host}:${s.port}`);
  }
}

export class MemorySocket implements DatagramSocket {
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null = null;
  constructor(
    readonly net: MemoryNetwork,
    readonly host: string,
    readonly port: number,
  ) {}
  send(data: Uint8Array, host: string, port: number): void {
    this.net.deliver(this, data, host, port);
  }
  close(): void {
    this.net.remove(this);
  }
}
