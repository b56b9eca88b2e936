/**
 * Wire protocol of the blind UDP datagram relay of `tonsite bridge` (path `/udp`). A browser cannot send UDP, so
 * the service worker sends its ADNL datagrams through a WebSocket; the bridge gives every WebSocket its own UDP
 * socket and relays datagrams both ways without looking inside them (ADNL-UDP is encrypted and authenticated end
 * to end, DIGEST §4).
 *
 * 1. The client opens a WebSocket to `ws[s]://HOST:PORT[/prefix]/udp` (no query parameters).
 * 2. Every message is BINARY and carries exactly one frame; text messages close the stream with 4400.
 *    Frame = kind(1) || IPv4(4, most significant octet first) || port(2, big-endian) || rest:
 *    - kind 1 DATAGRAM, client → bridge: send `rest` (the UDP payload) to IPv4:port.
 *    - kind 1 DATAGRAM, bridge → client: `rest` arrived from IPv4:port.
 *    - kind 2 DROPPED, bridge → client only: the bridge did not send a datagram to IPv4:port; `rest` is one
 *      byte, the reason (RelayDropReason). Rate-limited by the bridge; purely informational.
 * 3. The payload is at most MAX_RELAY_PAYLOAD bytes (1472 = the largest UDP payload of one unfragmented IPv4
 *    packet on a 1500-byte MTU link; ADNL itself stays under 1440, DIGEST §4.1). Larger datagrams are dropped
 *    (DROPPED/OVERSIZE), never fragmented or truncated.
 * 4. The bridge only sends to public unicast IPv4 addresses and ports >= 1024 (devnet mode also allows
 *    loopback), caps the distinct destinations, packets and bytes per second of each stream, and only relays
 *    back datagrams from addresses the client has sent to. Malformed frames are dropped (counted, never echoed).
 */
import { bridgeRouteUrl } from './bridge-protocol.ts';
import { formatIpv4, isValidPort, parseIpv4 } from './ipv4.ts';
import { TransportError } from './types.ts';

export const BRIDGE_UDP_PATH = '/udp';

/** Largest datagram payload the relay carries (see 3. above). */
export const MAX_RELAY_PAYLOAD = 1472;

/** kind(1) + IPv4(4) + port(2). */
export const RELAY_HEADER_BYTES = 7;

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

function writeHeader(out: Uint8Array, kind: number, host: string, port: number): void {
  const ip = parseIpv4(host);
  if (ip === null) throw new TransportError(`relay: not an IPv4 address: ${String(host).slice(0, 64)}`);
  if (!isValidPort(port)) throw new TransportError(`relay: bad port ${port}`);
  out[0] = kind;
  out[1] = ip >>> 24;
  out[2] = (ip >>> 16) & 255;
  out[3] = (ip >>> 8) & 255;
  out[4] = ip & 255;
  out[5] = port >>> 8;
  out[6] = port & 255;
}

/** A DATAGRAM frame (either direction). TransportError on a bad address, port or an oversize payload. */
export function encodeRelayDatagram(host: string, port: number, payload: Uint8Array): Uint8Array {
  if (payload.length > MAX_RELAY_PAYLOAD) {
    throw new TransportError(`relay: datagram of ${payload.length} bytes exceeds ${MAX_RELAY_PAYLOAD}`);
  }
  const out = new Uint8Array(RELAY_HEADER_BYTES + payload.length);
  writeHeader(out, RelayFrameKind.DATAGRAM, host, port);
  out.set(payload, RELAY_HEADER_BYTES);
  return out;
}

/** A DROPPED notice (bridge → client). */
export function encodeRelayDropped(host: string, port: number, reason: number): Uint8Array {
  const out = new Uint8Array(RELAY_HEADER_BYTES + 1);
  writeHeader(out, RelayFrameKind.DROPPED, host, port);
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
