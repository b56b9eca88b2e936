/**
 * `/udp` route of the bridge: a blind datagram relay for ADNL-UDP (frames: src/net/transport/relay-protocol.ts).
 * Each WebSocket gets its own UDP socket. The relay never looks into payloads (ADNL is end-to-end encrypted) and
 * never logs them; it must not become an open relay or an amplifier, so per stream it:
 * - sends only to public unicast IPv4 destinations with port >= 1024 (udp-relay-policy.ts; devnet mode also
 *   allows loopback),
 * - caps the distinct destinations in use (forgotten after `destinationIdleMs` without traffic),
 * - caps packets/s and bytes/s towards the network (token buckets; over-budget datagrams are dropped, not queued),
 * - drops datagrams whose payload exceeds `maxPayloadBytes` (<= MAX_RELAY_PAYLOAD = 1472),
 * - relays back only datagrams from an IPv4:port the client has sent to (like a port-restricted NAT), and drops
 *   them while the WebSocket's send queue is over `downstreamHighWaterBytes`,
 * - drops malformed messages (counted) without closing the stream; a text message closes it (4400).
 * Each relay datagram is at most one reply-sized datagram out per datagram in, so there is no amplification.
 * With the batched protocol (`tonsite-relay.2`, relay-protocol.ts 4.) every datagram of a message goes through
 * the same checks one by one, and what the stream sends the client in one event-loop turn leaves in one message
 * at the end of the turn (or when the batch is full).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { networkInterfaces } from 'node:os';
import type { RawData } from 'ws';
import { BridgeCloseCode } from '../../net/transport/bridge-protocol.ts';
import { decodeRelayBatch, RelayBatchWriter } from '../../net/transport/relay-batch.ts';
import {
  BRIDGE_UDP_PATH,
  decodeRelayFrame,
  encodeRelayDatagram,
  encodeRelayDropped,
  MAX_RELAY_PAYLOAD,
  RELAY_SUBPROTOCOL_BATCH,
  RELAY_SUBPROTOCOL_SINGLE,
  RelayDropReason,
  type RelayFrame,
} from '../../net/transport/relay-protocol.ts';
import { turnEndScheduler } from '../../net/transport/turn-end.ts';
import { FaultySocket, type FaultOptions } from '../../net/transport/faulty-socket.ts';
import type { DatagramSocket } from '../../net/transport/types.ts';
import type { MetricFamily } from './metrics.ts';
import type { BridgeRoute, BridgeStreamContext } from './route.ts';
import { TokenBucket } from './token-bucket.ts';
import { isAllowedDestination, type RelayPolicy } from './udp-relay-policy.ts';

export interface UdpRelayLimits {
  /** Distinct destinations (IPv4:port) one stream may use at a time. */
  maxDestinations: number;
  /** A destination with no traffic for this long stops counting against maxDestinations. */
  destinationIdleMs: number;
  /** Datagrams per second towards the network, per stream (token bucket; burst = burstPackets). */
  packetsPerSecond: number;
  burstPackets: number;
  /** Payload bytes per second towards the network, per stream (token bucket; burst = burstBytes). */
  bytesPerSecond: number;
  burstBytes: number;
  /** Largest datagram payload relayed in either direction (at most MAX_RELAY_PAYLOAD). */
  maxPayloadBytes: number;
  /** DROPPED notices sent to the client per second at most. */
  dropNoticesPerSecond: number;
  /** Datagrams from the network are dropped while the WebSocket has more than this many bytes queued. */
  downstreamHighWaterBytes: number;
  /** SO_RCVBUF/SO_SNDBUF requested for each stream's UDP socket. */
  socketBufferBytes: number;
}

export const DEFAULT_UDP_RELAY_LIMITS: UdpRelayLimits = {
  maxDestinations: 256,
  destinationIdleMs: 60_000,
  packetsPerSecond: 2000,
  burstPackets: 4000,
  bytesPerSecond: 256 * 1024,
  burstBytes: 512 * 1024,
  maxPayloadBytes: MAX_RELAY_PAYLOAD,
  dropNoticesPerSecond: 20,
  downstreamHighWaterBytes: 4 * 1024 * 1024,
  socketBufferBytes: 4 * 1024 * 1024,
};

export interface UdpRelayOptions {
  /** Devnet mode (`tonsite bridge --devnet`): loopback destinations are allowed as well. */
  allowLoopback?: boolean;
  /** Lowest destination port (default 1024). */
  minPort?: number;
  /** Local address of the per-stream UDP sockets (default 0.0.0.0). */
  bindHost?: string;
  /**
   * Addresses of this host, never relayed to (a public interface address would otherwise reach local services
   * from inside the host, past its firewall). Default: the IPv4 addresses of os.networkInterfaces(), except
   * loopback ones in devnet mode.
   */
  localAddresses?: string[];
  limits?: Partial<UdpRelayLimits>;
  /**
   * Fault injection on every stream's UDP socket (loss, delay, reordering; tests and the devnet only —
   * `tonsite bridge --devnet --fault-loss P --fault-delay MS`).
   */
  faults?: FaultOptions;
}

/** Totals over every stream of the route (for tests, benches and diagnostics). */
export interface UdpRelayStats {
  streams: number;
  /** Streams that negotiated the batched protocol. */
  batchedStreams: number;
  sent: number;
  received: number;
  /** Malformed messages from clients (a malformed batch counts once) and frames of a kind clients may not send. */
  badFrames: number;
  /** WebSocket messages from and to clients (fewer than datagrams when batched). */
  messagesFromClient: number;
  messagesToClient: number;
  /** Datagrams from addresses the client never sent to. */
  unsolicited: number;
  dropped: Record<keyof typeof RelayDropReason | 'DOWNSTREAM_FULL', number>;
}

export interface UdpRelayRoute extends BridgeRoute {
  readonly stats: UdpRelayStats;
  readonly policy: Readonly<RelayPolicy>;
  readonly limits: Readonly<UdpRelayLimits>;
}

export function resolveUdpRelayLimits(overrides: Partial<UdpRelayLimits> = {}): UdpRelayLimits {
  const limits = { ...DEFAULT_UDP_RELAY_LIMITS, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`UDP relay limit ${name} must be > 0`);
  }
  if (limits.maxPayloadBytes > MAX_RELAY_PAYLOAD)
    throw new RangeError(`maxPayloadBytes must be <= ${MAX_RELAY_PAYLOAD}`);
  limits.burstPackets = Math.max(limits.burstPackets, 1);
  limits.burstBytes = Math.max(limits.burstBytes, limits.maxPayloadBytes);
  return limits;
}

/** The `/udp` route, to mount on the bridge (startBridge({ routes: [udpRelayRoute(...)] }) or addRoute). */
export function udpRelayRoute(options: UdpRelayOptions = {}): UdpRelayRoute {
  const limits = resolveUdpRelayLimits(options.limits);
  const allowLoopback = options.allowLoopback ?? false;
  const local = (options.localAddresses ?? hostAddresses()).filter(
    (a) => !(allowLoopback && a.startsWith('127.')),
  );
  const policy: RelayPolicy = {
    allowLoopback,
    minPort: options.minPort ?? 1024,
    blockedHosts: new Set(local),
  };
  if (!Number.isInteger(policy.minPort) || policy.minPort < 1 || policy.minPort > 65535) {
    throw new RangeError('minPort must be 1..65535');
  }
  const stats: UdpRelayStats = {
    streams: 0,
    batchedStreams: 0,
    sent: 0,
    received: 0,
    badFrames: 0,
    messagesFromClient: 0,
    messagesToClient: 0,
    unsolicited: 0,
    dropped: {
      FORBIDDEN_DESTINATION: 0,
      TOO_MANY_DESTINATIONS: 0,
      PACKET_RATE: 0,
      BYTE_RATE: 0,
      OVERSIZE: 0,
      SEND_FAILED: 0,
      DOWNSTREAM_FULL: 0,
    },
  };
  return {
    path: BRIDGE_UDP_PATH,
    protocols: [RELAY_SUBPROTOCOL_BATCH, RELAY_SUBPROTOCOL_SINGLE],
    stats,
    policy,
    limits,
    open: (stream) =>
      openUdpRelay(stream, policy, limits, options.bindHost ?? '0.0.0.0', stats, options.faults),
    metrics: () => udpRelayMetrics(stats),
  };
}

/**
 * The relay's totals as tonsite_bridge_* families: datagrams relayed each way, and datagrams dropped by reason —
 * the rate-limit drops (`packet_rate`, `byte_rate`) among them.
 */
function udpRelayMetrics(stats: UdpRelayStats): MetricFamily[] {
  return [
    {
      name: 'tonsite_bridge_datagrams_total',
      help: 'Datagrams relayed by /udp since start (out: client to network, in: network to client).',
      type: 'counter',
      samples: [
        { labels: { direction: 'out' }, value: stats.sent },
        { labels: { direction: 'in' }, value: stats.received },
      ],
    },
    {
      name: 'tonsite_bridge_datagrams_dropped_total',
      help: 'Datagrams /udp dropped, by reason (packet_rate and byte_rate are the rate-limit drops).',
      type: 'counter',
      samples: [
        ...Object.entries(stats.dropped).map(([reason, value]) => ({
          labels: { reason: reason.toLowerCase() },
          value,
        })),
        { labels: { reason: 'unsolicited' }, value: stats.unsolicited },
        { labels: { reason: 'bad_frame' }, value: stats.badFrames },
      ],
    },
    {
      name: 'tonsite_bridge_rate_limit_drops_total',
      help: 'Datagrams /udp dropped for exceeding a stream budget (packets or bytes per second).',
      type: 'counter',
      samples: [{ value: stats.dropped.PACKET_RATE + stats.dropped.BYTE_RATE }],
    },
  ];
}

/** IPv4 addresses of this host's interfaces. */
function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4') out.push(a.address);
  }
  return out;
}

const REASON_NAME = Object.fromEntries(Object.entries(RelayDropReason).map(([k, v]) => [v, k])) as Record<
  number,
  keyof typeof RelayDropReason
>;

function openUdpRelay(
  stream: BridgeStreamContext,
  policy: RelayPolicy,
  limits: UdpRelayLimits,
  bindHost: string,
  totals: UdpRelayStats,
  faults: FaultOptions | undefined,
): void {
  const { ws } = stream;
  if (stream.url.search !== '') {
    stream.refuse(BridgeCloseCode.BAD_REQUEST, 'bad request', 'bad_request');
    return;
  }
  totals.streams++;
  const now = () => performance.now();
  const packets = new TokenBucket(limits.packetsPerSecond, limits.burstPackets, now);
  const bytes = new TokenBucket(limits.bytesPerSecond, limits.burstBytes, now);
  const notices = new TokenBucket(limits.dropNoticesPerSecond, limits.dropNoticesPerSecond, now);
  /** "ip:port" → last traffic time (ms). */
  const destinations = new Map<string, number>();
  const local = { sent: 0, received: 0, dropped: 0, bad: 0 };

  const socket: Socket = createSocket({ type: 'udp4' });
  socket.on('error', () => {
    // Asynchronous send errors (e.g. ICMP unreachable): UDP is best effort.
  });
  // Datagrams sent while the bind is under way are queued by dgram.
  socket.bind(0, bindHost, () => {
    for (const set of [
      () => socket.setRecvBufferSize(limits.socketBufferBytes),
      () => socket.setSendBufferSize(limits.socketBufferBytes),
    ]) {
      try {
        set();
      } catch {
        // keep the OS default
      }
    }
  });

  // The relay logic below talks to a DatagramSocket, so faults can be injected for tests and the devnet.
  const raw: DatagramSocket = {
    onMessage: null,
    send: (data, host, port) => socket.send(data, port, host),
    close: () => {
      try {
        socket.close();
      } catch {
        // not bound yet / already closed
      }
    },
  };
  socket.on('message', (msg: Buffer, rinfo: RemoteInfo) => {
    if (rinfo.family !== 'IPv4') return;
    raw.onMessage?.(new Uint8Array(msg.buffer, msg.byteOffset, msg.length), rinfo.address, rinfo.port);
  });
  const udp: DatagramSocket = faults ? new FaultySocket(raw, faults) : raw;

  // Towards the client: one frame per message through sendMessage, or (batched) frames collected in `batch` and
  // sent at the end of the event-loop turn, or earlier when the batch is full.
  const batch = ws.protocol === RELAY_SUBPROTOCOL_BATCH ? new RelayBatchWriter() : null;
  if (batch) totals.batchedStreams++;
  const schedule = turnEndScheduler();
  let flushScheduled = false;
  const sendMessage = (message: Uint8Array) => {
    stream.sentToClient(message.length);
    ws.send(message, { binary: true });
    totals.messagesToClient++;
  };
  const flush = () => {
    const message = batch?.take();
    if (message && !stream.ended) sendMessage(message);
  };
  const flushAtTurnEnd = () => {
    flushScheduled = false;
    flush();
  };
  /** Room for one more frame with `restBytes` after its header: takes the batch first when it is full. */
  const makeRoom = (writer: RelayBatchWriter, restBytes: number) => {
    if (!writer.fits(restBytes)) flush();
    if (!flushScheduled) {
      flushScheduled = true;
      schedule(flushAtTurnEnd);
    }
  };
  /** Bytes waiting for the client: the WebSocket's queue and the batch not sent yet. */
  const queuedToClient = () => ws.bufferedAmount + (batch?.byteLength ?? 0);
  /** The relay's own high water, or less: the stream's share of the bridge's downstream budget. */
  const highWater = () => Math.min(limits.downstreamHighWaterBytes, stream.downstreamHighWater());

  stream.onEnd(() => {
    stream.annotate({
      udpSent: local.sent,
      udpReceived: local.received,
      udpDropped: local.dropped,
      badFrames: local.bad,
      batched: batch !== null,
    });
    batch?.take();
    destinations.clear();
    udp.close();
  });

  const drop = (reason: number, host: string, port: number) => {
    local.dropped++;
    totals.dropped[REASON_NAME[reason]]++;
    if (notices.take(1) && queuedToClient() < highWater()) {
      if (batch === null) sendMessage(encodeRelayDropped(host, port, reason));
      else {
        makeRoom(batch, 1);
        batch.appendDropped(host, port, reason);
      }
    }
  };

  const admitDestination = (key: string, t: number): boolean => {
    if (destinations.has(key) || destinations.size < limits.maxDestinations) return true;
    for (const [k, last] of destinations) if (t - last > limits.destinationIdleMs) destinations.delete(k);
    return destinations.size < limits.maxDestinations;
  };

  const badFrame = () => {
    local.bad++;
    totals.badFrames++;
  };

  /** One frame from the client: every check below applies to each datagram, batched or not. */
  const relayOut = (frame: RelayFrame) => {
    if (frame.kind !== 'datagram') return badFrame(); // a kind only the bridge may send: never echoed
    const { host, port, payload } = frame;
    if (payload.length > limits.maxPayloadBytes) return drop(RelayDropReason.OVERSIZE, host, port);
    if (!isAllowedDestination(host, port, policy))
      return drop(RelayDropReason.FORBIDDEN_DESTINATION, host, port);
    const key = `${host}:${port}`;
    const t = now();
    if (!admitDestination(key, t)) return drop(RelayDropReason.TOO_MANY_DESTINATIONS, host, port);
    if (!packets.take(1)) return drop(RelayDropReason.PACKET_RATE, host, port);
    if (!bytes.take(payload.length)) return drop(RelayDropReason.BYTE_RATE, host, port);
    destinations.set(key, t);
    try {
      udp.send(payload, host, port);
      local.sent++;
      totals.sent++;
    } catch {
      drop(RelayDropReason.SEND_FAILED, host, port);
    }
  };

  ws.on('message', (data: RawData, isBinary: boolean) => {
    if (stream.ended) return;
    if (!isBinary) {
      stream.close(BridgeCloseCode.BAD_REQUEST, 'text message');
      return;
    }
    const buf = toBuffer(data);
    // Over the stream's byte budget: the message is dropped (UDP semantics), the stream stays open.
    if (!stream.acceptFromClient(buf.length, 'drop')) {
      if (!stream.ended) totals.dropped.BYTE_RATE++;
      return;
    }
    totals.messagesFromClient++;
    const message = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    let frames: RelayFrame[];
    try {
      frames = batch === null ? [decodeRelayFrame(message)] : decodeRelayBatch(message);
    } catch {
      // Malformed: dropped as a whole, counted, never echoed; the stream stays open.
      return badFrame();
    }
    for (const frame of frames) {
      if (stream.ended) return;
      relayOut(frame);
    }
  });

  udp.onMessage = (msg: Uint8Array, host: string, port: number) => {
    if (stream.ended) return;
    const key = `${host}:${port}`;
    const last = destinations.get(key);
    const t = now();
    if (last === undefined || t - last > limits.destinationIdleMs) {
      // Only an address the client sent to recently may answer (a port-restricted NAT mapping).
      totals.unsolicited++;
      return;
    }
    if (msg.length > limits.maxPayloadBytes) {
      local.dropped++;
      totals.dropped.OVERSIZE++;
      return;
    }
    if (queuedToClient() > highWater()) {
      local.dropped++;
      totals.dropped.DOWNSTREAM_FULL++;
      return;
    }
    destinations.set(key, t);
    if (batch === null) sendMessage(encodeRelayDatagram(host, port, msg));
    else {
      makeRoom(batch, msg.length);
      batch.appendDatagram(host, port, msg);
    }
    local.received++;
    totals.received++;
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
