/** Transport layer: byte streams (TCP-like) and datagram sockets the protocol layers run on. */
export { TransportError, type ByteStream, type DatagramSocket, type StreamConnector } from './types.ts';
export {
  connectWebSocketStream,
  type WebSocketConstructor,
  type WebSocketStreamOptions,
} from './websocket-stream.ts';
export {
  BRIDGE_TCP_PATH,
  BridgeCloseCode,
  MAX_BRIDGE_SERVER_INDEX,
  bridgeTcpUrl,
  describeBridgeClose,
  parseBridgeTcpRequest,
  type BridgeTcpTarget,
} from './bridge-protocol.ts';
export { createMemoryStreamPair, type MemoryStreamPair } from './memory-stream.ts';
export { base64Decode, base64Encode } from './base64.ts';
// Datagram sockets: the bridge's /udp relay (client side + frame format) and fault injection.
export {
  BRIDGE_UDP_PATH,
  MAX_RELAY_PAYLOAD,
  RELAY_BATCH_MAX_BYTES,
  RELAY_BATCH_MAX_FRAMES,
  RELAY_SUBPROTOCOL_BATCH,
  RELAY_SUBPROTOCOL_SINGLE,
  RelayDropReason,
  RelayFrameKind,
  bridgeUdpUrl,
  decodeRelayFrame,
  describeRelayDrop,
  encodeRelayDatagram,
  encodeRelayDropped,
  type RelayDropReasonCode,
  type RelayFrame,
} from './relay-protocol.ts';
export { RelayBatchWriter, decodeRelayBatch, encodeRelayBatch } from './relay-batch.ts';
export { turnEndScheduler, type TurnEndScheduler } from './turn-end.ts';
export {
  RelaySocket,
  openRelaySocket,
  type RelaySocketOptions,
  type RelaySocketStats,
  type RelayWebSocketConstructor,
} from './relay-socket.ts';
export { FaultySocket, type FaultOptions, type FaultStats } from './faulty-socket.ts';
export { roundTripCounter, type RoundTripCounter } from './round-trip-counter.ts';
export { formatIpv4, isValidPort, parseIpv4 } from './ipv4.ts';
