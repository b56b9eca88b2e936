/**
 * Wire protocol of the blind UDP datagram relay of `tonsite bridge` (path `/udp`). A browser cannot send UDP, so
 * the service worker sends its ADNL datagrams through a WebSocket; the bridge gives every WebSocket its own UDP
 * socket and relays datagrams both ways without looking inside them (ADNL-UDP is encrypted and authenticated end
 * to end, DIGEST §4).
 *
 * 1. The client opens a WebSocket to `ws[s]://HOST:PORT[/prefix]/udp` (no query parameters) and may offer the
 *    subprotocols `tonsite-relay.1, tonsite-relay.2` (Sec-WebSocket-Protocol, RFC 6455 §1.9), in this order. The
 *    bridge selects `tonsite-relay.2` if offered: both directions then use batched messages (4.). Otherwise
 *    (`tonsite-relay.1` selected, or no subprotocol offered) both use single-frame messages (3.).
 *    `tonsite-relay.1` comes first because a bridge that predates batching (a `ws` server without a protocol
 *    handler) selects the first offer it gets. A server that selects none of the offered subprotocols fails
 *    the handshake in browsers and `ws`; a client refused like that before the socket opens tries once more
 *    offering nothing.
 * 2. Frame = kind(1) || IPv4(4, most significant octet first) || port(2, big-endian) || rest:
 *    - kind 1 DATAGRAM, client → bridge: send `rest` (the UDP payload) to IPv4:port.
 *    - kind 1 DATAGRAM, bridge → client: `rest` arrived from IPv4:port.
 *    - kind 2 DROPPED, bridge → client only: the bridge did not send a datagram to IPv4:port; `rest` is one
 *      byte, the reason (RelayDropReason). Rate-limited by the bridge; purely informational.
 *    Port 0 and any other kind are malformed.
 * 3. Single-frame protocol (`tonsite-relay.1` or no subprotocol): every message is BINARY and carries exactly one frame.
 * 4. Batched protocol (`tonsite-relay.2`): every message is BINARY and carries 1..RELAY_BATCH_MAX_FRAMES (256)
 *    entries, entry = length(2, big-endian) || frame, 7 <= length <= 7 + MAX_RELAY_PAYLOAD, the whole message at
 *    most RELAY_BATCH_MAX_BYTES (65,536) bytes (relay-batch.ts). Frames are in send order and each is handled
 *    exactly as if it had come alone (every datagram passes the bridge's checks of 6. on its own). A message
 *    breaking any rule (empty, a truncated entry, a length out of range, one malformed frame) is malformed as a
 *    whole and nothing in it is used. Senders put into one message what they produce in one event-loop turn
 *    and send it at the end of that turn or when it is full, so batching delays no datagram past the turn.
 * 5. In both protocols a text message closes the stream with 4400. The payload is at most MAX_RELAY_PAYLOAD
 *    bytes (1472 = the largest UDP payload of one unfragmented IPv4 packet on a 1500-byte MTU link; ADNL itself
 *    stays under 1440, DIGEST §4.1). Larger datagrams are dropped (DROPPED/OVERSIZE), never fragmented or
 *    truncated. UDP semantics: neither side ever waits; a sender whose WebSocket has too many bytes queued
 *    drops datagrams (and counts them) instead of queueing more.
 * 6. The bridge only sends to public unicast IPv4 addresses and ports >= 1024 (devnet mode also allows
 *    loopback), caps the distinct destinations, packets and bytes per second of each stream, and only relays
 *    back datagrams from addresses the client has sent to. Malformed messages are dropped (counted, never
 *    echoed); the stream stays open. The relay is blind: it never logs or interprets payload bytes.
 */
import { bridgeRouteUrl } from './bridge-protocol.ts';
import { formatIpv4, isValidPort, parseIpv4 } from './ipv4.ts';
import { TransportError } from './types.ts';

export const BRIDGE_UDP_PATH = '/udp';

/** Largest datagram payload the relay carries (see 5. above). */
export const MAX_RELAY_PAYLOAD = 1472;

/** kind(1) + IPv4(4) + port(2). */
export const RELAY_HEADER_BYTES = 7;

/** WebSocket subprotocol of the single-frame protocol (see 1. and 3. above). */
export const RELAY_SUBPROTOCOL_SINGLE = 'tonsite-relay.1';

/** WebSocket subprotocol of the batched protocol (see 1. and 4. above). */
export const RELAY_SUBPROTOCOL_BATCH = 'tonsite-relay.2';

/** Largest batched message (see 4.): length prefixes included. */
export const RELAY_BATCH_MAX_BYTES = 65_536;

/** Most frames in one batched message (see 4.). */
export const RELAY_BATCH_MAX_FRAMES = 256;

export const RelayFrameKind = { DATAGRAM: 1, DROPPED: 2 } as const;

/** Why the bridge did not send a datagram (byte 7 of a DROPPED frame). */
export const RelayDropReason = {
  /** Destination not a public unicast address / port (or loopback outside devnet mode). */
  FORBIDDEN_DESTINATION: 1,
  /** Too many distinct destinations in use by this stream. */
  TOO_MANY_DESTINATIONS: 2,
  /** Packets-per-second budget exhausted. */
  PACKET_RATE: 3,
  /** Bytes-per-second budget exhausted. */
  BYTE_RATE: 4,
  /** Payload larger than MAX_RELAY_PAYLOAD (or the bridge's smaller limit). */
  OVERSIZE: 5,
  /** The bridge's UDP socket refused the send. */
  SEND_FAILED: 6,
} as const;
export type RelayDropReasonCode = (typeof RelayDropReason)[keyof typeof RelayDropReason];

export type RelayFrame =
  | { kind: 'datagram'; host: string; port: number; payload: Uint8Array }
  | { kind: 'dropped'; host: string; port: number; reason: number };

/** Builds the WebSocket URL of the relay on the bridge at `base` (e.g. `ws://127.0.0.1:8081`). */
export function bridgeUdpUrl(base: string): string {
  return bridgeRouteUrl(base, BRIDGE_UDP_PATH).toString();
}

/**
 * Writes kind || IPv4 || port at out[at..at+7). TransportError for a host that is not strict dotted IPv4 or a port
 * outside 1..65535 (a caller bug, never wire input).
 */
export function writeRelayHeader(
  out: Uint8Array,
  at: number,
  kind: number,
  host: string,
  port: number,
): void {
  const ip = parseIpv4(host);
  if (ip === null) throw new TransportError(`relay: not an IPv4 address: ${String(host).slice(0, 64)}`);
  writeRelayHeaderIp(out, at, kind, ip, port);
}

/** writeRelayHeader with the address already parsed (unsigned 32-bit). */
export function writeRelayHeaderIp(
  out: Uint8Array,
  at: number,
  kind: number,
  ip: number,
  port: number,
): void {
  if (!isValidPort(port)) throw new TransportError(`relay: bad port ${port}`);
  out[at] = kind;
  out[at + 1] = ip >>> 24;
  out[at + 2] = (ip >>> 16) & 255;
  out[at + 3] = (ip >>> 8) & 255;
  out[at + 4] = ip & 255;
  out[at + 5] = port >>> 8;
  out[at + 6] = port & 255;
}

/** A DATAGRAM frame (either direction). TransportError on a bad address, port or an oversize payload. */
export function encodeRelayDatagram(host: string, port: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_RELAY_PAYLOAD) {
    throw new TransportError(`relay: datagram of ${payload.length} bytes exceeds ${MAX_RELAY_PAYLOAD}`);
  }
  const out = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
  writeRelayHeader(out, 0, RelayFrameKind.DATAGRAM, host, port);
  out.set(payload, RELAY_HEADER_BYTES);
  return out;
}

/** A DROPPED notice (bridge → client). */
export function encodeRelayDropped(host: string, port: number, reason: number): Uint8Array {
  const out = new Uint8Array(RELAY_HEADER_BYTES + 1);
  writeRelayHeader(out, 0, RelayFrameKind.DROPPED, host, port);
  out[RELAY_HEADER_BYTES] = reason & 255;
  return out;
}

/**
 * Parses one frame. The payload is a view into `frame` (no copy). TransportError (code 4400) on anything
 * malformed: short frame, unknown kind, port 0, oversize payload, a DROPPED frame without exactly one reason byte.
 */
export function decodeRelayFrame(frame: Uint8Array): RelayFrame {
  if (frame.length < RELAY_HEADER_BYTES) throw badFrame(`frame of ${frame.length} bytes is too short`);
  const ip = ((frame[1] << 24) | (frame[2] << 16) | (frame[3] << 8) | frame[4]) >>> 0;
  const port = (frame[5] << 8) | frame[6];
  if (port === 0) throw badFrame('port 0');
  const host = formatIpv4(ip);
  const rest = frame.subarray(RELAY_HEADER_BYTES);
  switch (frame[0]) {
    case RelayFrameKind.DATAGRAM:
      if (rest.length > MAX_RELAY_PAYLOAD) throw badFrame(`datagram of ${rest.length} bytes is too large`);
      return { kind: 'datagram', host, port, payload: rest };
    case RelayFrameKind.DROPPED:
      if (rest.length !== 1) throw badFrame('DROPPED frame needs exactly one reason byte');
      return { kind: 'dropped', host, port, reason: rest[0] };
    default:
      throw badFrame(`unknown frame kind ${frame[0]}`);
  }
}

/** Short name of a drop reason (logs, errors). */
export function describeRelayDrop(reason: number): string {
  switch (reason) {
    case RelayDropReason.FORBIDDEN_DESTINATION:
      return 'forbidden destination';
    case RelayDropReason.TOO_MANY_DESTINATIONS:
      return 'too many destinations';
    case RelayDropReason.PACKET_RATE:
      return 'packet rate limit';
    case RelayDropReason.BYTE_RATE:
      return 'byte rate limit';
    case RelayDropReason.OVERSIZE:
      return 'oversize datagram';
    case RelayDropReason.SEND_FAILED:
      return 'send failed';
    default:
      return `reason ${reason}`;
  }
}

function badFrame(message: string): TransportError {
  return new TransportError(`relay: ${message}`, 4400);
}
