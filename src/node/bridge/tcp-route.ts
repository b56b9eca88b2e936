/**
 * `/tcp` route: relays one WebSocket to one TCP connection to a liteserver of the bridge's config
 * (protocol: src/net/transport/bridge-protocol.ts). The bytes are ADNL-TCP ciphertext end to end; the bridge
 * never looks inside them.
 */
import { connect, type Socket } from 'node:net';
import type { RawData } from 'ws';
import {
  BRIDGE_TCP_PATH,
  BridgeCloseCode,
  parseBridgeTcpRequest,
} from '../../net/transport/bridge-protocol.ts';
import { TransportError } from '../../net/transport/types.ts';
import { findDestination, type BridgeDestination } from './destinations.ts';
import type { BridgeRoute, BridgeStreamContext } from './route.ts';

export function tcpRoute(destinations: readonly BridgeDestination[]): BridgeRoute {
  return { path: BRIDGE_TCP_PATH, open: (stream) => openTcpRelay(stream, destinations) };
}

function openTcpRelay(stream: BridgeStreamContext, destinations: readonly BridgeDestination[]): void {
  let target;
  try {
    target = parseBridgeTcpRequest(stream.url.pathname + stream.url.search);
  } catch (error) {
    if (!(error instanceof TransportError)) throw error;
    stream.refuse(BridgeCloseCode.BAD_REQUEST, 'bad request', 'bad_request');
    return;
  }
  const destination = findDestination(destinations, target);
  if (!destination) {
    stream.refuse(BridgeCloseCode.REFUSED, 'destination not configured', 'destination');
    return;
  }
  stream.annotate({ dest: destination.index });

  const { ws, limits } = stream;
  const socket: Socket = connect({ host: destination.host, port: destination.port, noDelay: true });
  let connected = false;
  // Client bytes that arrive before the upstream connect completes (the ADNL handshake usually does).
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const connectTimer = setTimeout(() => {
    stream.close(BridgeCloseCode.UPSTREAM_UNREACHABLE, 'upstream connect timeout');
  }, limits.connectTimeoutMs);

  stream.onEnd(() => {
    clearTimeout(connectTimer);
    pending = [];
    socket.destroy();
  });

  socket.on('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    for (const chunk of pending) socket.write(chunk);
    pending = [];
    pendingBytes = 0;
  });
  socket.on('error', () => {
    // Details (addresses) are in the close log; the error text could echo nothing sensitive, but keep it short.
    stream.close(BridgeCloseCode.UPSTREAM_UNREACHABLE, connected ? 'upstream broke' : 'upstream unreachable');
  });
  socket.on('end', () => stream.close(BridgeCloseCode.NORMAL, 'upstream closed'));
  socket.on('close', () => stream.close(BridgeCloseCode.NORMAL, 'upstream closed'));

  // Upstream → client, with backpressure: stop reading TCP while the WebSocket's send queue is long.
  socket.on('data', (chunk: Buffer) => {
    if (stream.ended) return;
    stream.sentToClient(chunk.length);
    ws.send(chunk, { binary: true }, () => {
      if (socket.isPaused() && ws.bufferedAmount < stream.downstreamHighWater() / 2) socket.resume();
    });
    if (ws.bufferedAmount > stream.downstreamHighWater()) socket.pause();
  });

  // Client → upstream, with backpressure the other way: stop reading the WebSocket while TCP is congested.
  socket.on('drain', () => {
    if (ws.isPaused) ws.resume();
  });
  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (stream.ended) return;
    if (!isBinary) {
      stream.close(BridgeCloseCode.BAD_REQUEST, 'text message');
      return;
    }
    const chunk = toBuffer(data);
    if (!stream.acceptFromClient(chunk.length)) return;
    if (!connected) {
      pendingBytes += chunk.length;
      if (pendingBytes > limits.maxPendingBytes) {
        stream.close(BridgeCloseCode.RATE_LIMITED, 'too much data before upstream connected');
        return;
      }
      pending.push(chunk);
      return;
    }
    if (!socket.write(chunk)) ws.pause();
  });
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
