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
