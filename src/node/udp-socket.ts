/**
 * DatagramSocket over Node's `dgram` (IPv4). Socket buffers are raised to 4 MiB where the OS allows it: RLDP
 * bursts overflow the default receive buffer and stall transfers (design/ARCHITECTURE.md, "Checked facts").
 * Linux silently caps SO_RCVBUF/SO_SNDBUF at net.core.{r,w}mem_max; the sizes actually granted are reported.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup } from 'node:dns';
import { isIPv4 } from 'node:net';
import type { DatagramSocket } from '../net/transport/types.ts';
import { TransportError } from '../net/transport/types.ts';

export const DEFAULT_UDP_BUFFER_BYTES = 4 * 1024 * 1024;

export interface UdpSocketOptions {
  /** Local address to bind (default 0.0.0.0). */
  host?: string;
  /** Local port (default 0 = any free port). */
  port?: number;
  /** SO_RCVBUF and SO_SNDBUF request (default 4 MiB). */
  bufferBytes?: number;
}

export interface UdpSocketStats {
  sent: number;
  received: number;
  sendErrors: number;
}

export class NodeUdpSocket implements DatagramSocket {
  onMessage: ((data: Uint8Array, host: string, port: number) => void) | null = null;
  readonly stats: UdpSocketStats = { sent: 0, received: 0, sendErrors: 0 };
  /** Buffer sizes the OS granted (bytes; Linux reports double the usable size). */
  readonly recvBufferSize: number;
  readonly sendBufferSize: number;
  readonly #socket: Socket;
  #closed = false;

  constructor(socket: Socket) {
    this.#socket = socket;
    this.recvBufferSize = safeGet(() => socket.getRecvBufferSize());
    this.sendBufferSize = safeGet(() => socket.getSendBufferSize());
    socket.on('message', (msg: Buffer, rinfo) => {
      if (this.#closed) return;
      this.stats.received++;
      // A plain Uint8Array view: src/net never sees Buffer.
      this.onMessage?.(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength), rinfo.address, rinfo.port);
    });
    // ICMP errors and the like: UDP is best effort, the protocol above retries. Sends take no callback (with one,
    // Node schedules a tick per datagram even when the send completed at once), so a failed send is not counted
    // here: it is a lost datagram like any other.
    socket.on('error', () => {
      this.stats.sendErrors++;
    });
  }

  /** The bound local address. */
  address(): { host: string; port: number } {
    const a = this.#socket.address();
    return { host: a.address, port: a.port };
  }

  send(data: Uint8Array, host: string, port: number): void {
    if (this.#closed) return;
    try {
      this.#socket.send(data, port, host);
      this.stats.sent++;
    } catch {
      // Bad port or host from the caller, or the socket closing under us: drop like the network would.
      this.stats.sendErrors++;
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.onMessage = null;
    try {
      this.#socket.close();
    } catch {
      // already closed
    }
  }
}

function safeGet(fn: () => number): number {
  try {
    return fn();
  } catch {
    return 0;
  }
}

/**
 * dgram resolves the destination of every send, and Node's resolver answers even an IP literal in a later tick
 * (one tick per datagram). ADNL only ever sends to IPv4 literals: answer those at once, anything else as usual.
 */
const literalFirstLookup = ((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
  if (isIPv4(hostname)) callback(null, hostname, 4);
  else
    (lookup as (h: string, o: unknown, cb: (...args: unknown[]) => void) => void)(
      hostname,
      options,
      callback,
    );
}) as unknown as typeof lookup;

/** Binds a UDP socket and resolves once it is listening. TransportError if the bind fails. */
export function openUdpSocket(options: UdpSocketOptions = {}): Promise<NodeUdpSocket> {
  const bufferBytes = options.bufferBytes ?? DEFAULT_UDP_BUFFER_BYTES;
  const socket = createSocket({ type: 'udp4', lookup: literalFirstLookup });
  return new Promise<NodeUdpSocket>((resolve, reject) => {
    const onError = (error: Error) => {
      socket.close();
      reject(new TransportError(`UDP bind failed: ${error.message}`));
    };
    socket.once('error', onError);
    socket.bind(options.port ?? 0, options.host ?? '0.0.0.0', () => {
      socket.off('error', onError);
      for (const set of [
        () => socket.setRecvBufferSize(bufferBytes),
        () => socket.setSendBufferSize(bufferBytes),
      ]) {
        try {
          set();
        } catch {
          // Not permitted here: keep the OS default.
        }
      }
      resolve(new NodeUdpSocket(socket));
    });
  });
}
