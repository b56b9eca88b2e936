/** ByteStream over a plain TCP socket (node:net): direct liteserver connections and the server end. */
import { connect, type Socket } from 'node:net';
import { TransportError, type ByteStream, type StreamConnector } from '../net/transport/index.ts';
import type { LiteServerEntry } from '../net/lite/index.ts';

export interface TcpConnectOptions {
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

/** Wraps an already connected socket (e.g. one accepted by a net.Server) as a ByteStream. */
export function socketByteStream(socket: Socket): ByteStream {
  let closed = false;
  let socketError: Error | undefined;
  const stream: ByteStream = {
    onData: null,
    onClose: null,
    write(data: Uint8Array): void {
      if (closed || socket.destroyed) return;
      socket.write(data);
    },
    close(): void {
      if (closed) return;
      socket.end();
      // Do not wait forever for the peer's FIN.
      setTimeout(() => socket.destroy(), 2000).unref();
      finish(undefined);
    },
  };
  function finish(error: Error | undefined): void {
    if (closed) return;
    closed = true;
    const onClose = stream.onClose;
    stream.onData = null;
    stream.onClose = null;
    onClose?.(error);
  }
  socket.setNoDelay(true);
  socket.on('data', (chunk: Buffer) => {
    if (!closed) stream.onData?.(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  });
  socket.on('error', (error: Error) => {
    socketError = new TransportError(`TCP: ${error.message}`);
  });
  socket.on('close', () => finish(socketError));
  socket.on('end', () => {
    // Peer finished sending; finish our side too (ADNL has no half-close).
    socket.end();
  });
  return stream;
}

/** Opens a TCP connection; resolves once connected, TransportError on failure or timeout. */
export function connectTcpStream(
  host: string,
  port: number,
  options: TcpConnectOptions = {},
): Promise<ByteStream> {
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  return new Promise<ByteStream>((resolve, reject) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError(`TCP connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onError = (error: Error): void => {
      clearTimeout(timer);
      reject(new TransportError(`TCP connect to ${host}:${port} failed: ${error.message}`));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(socketByteStream(socket));
    });
  });
}

/** A StreamConnector for one TCP destination. */
export function tcpConnector(host: string, port: number, options: TcpConnectOptions = {}): StreamConnector {
  return () => connectTcpStream(host, port, options);
}

/** LitePool connector factory for direct TCP to each liteserver's host:port (Node). */
export function tcpConnectors(options: TcpConnectOptions = {}): (server: LiteServerEntry) => StreamConnector {
  return (server) => tcpConnector(server.host, server.port, options);
}
