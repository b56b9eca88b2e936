/**
 * ADNL: over TCP (liteserver transport, both ends; DIGEST §2) and over UDP (DIGEST §4, separate files).
 * The single entry point of the layer.
 */
export { AdnlError, type AdnlErrorKind } from './errors.ts';
export {
  ADNL_TCP_MAX_FRAME_SIZE,
  ADNL_TCP_MAX_PAYLOAD,
  ADNL_TCP_MIN_FRAME_SIZE,
  TcpFrameParser,
  encodeTcpFrame,
} from './tcp-frame.ts';
export {
  ADNL_TCP_HANDSHAKE_SIZE,
  ADNL_TCP_SESSION_PARAMS_SIZE,
  acceptClientHandshake,
  createClientHandshake,
  splitSessionKeys,
  type AcceptedHandshake,
  type AdnlTcpCiphers,
  type AdnlTcpSessionKeys,
  type ClientHandshake,
} from './tcp-handshake.ts';
export { decodeTcpPayload, type TcpPayload } from './tcp-messages.ts';
export {
  TCP_AUTH_CLIENT_NONCE_SIZE,
  TCP_AUTH_MAX_NONCE,
  TCP_AUTH_MAX_PAYLOAD,
  TCP_AUTH_SERVER_NONCE_SIZE,
  TcpAuthClient,
  TcpAuthServer,
  decodeTcpAuthPayload,
  encodeTcpAuthComplete,
  encodeTcpAuthNonce,
  encodeTcpAuthenticate,
  tcpAuthSignedBytes,
  type TcpAuthPayload,
} from './tcp-auth.ts';
export { AdnlTcpChannel, type AdnlTcpChannelHandlers } from './tcp-channel.ts';
export { AdnlTcpClient, type AdnlTcpClientOptions, type AdnlTcpClientState } from './tcp-client.ts';
export {
  serveAdnlTcp,
  type AdnlTcpQueryContext,
  type AdnlTcpQueryHandler,
  type AdnlTcpServeOptions,
  type AdnlTcpServerSession,
} from './tcp-server.ts';
export {
  MessageRouter,
  RouterError,
  routerInSlot,
  tlIdOf,
  type Registrar,
  type RouteKey,
  type RouterErrorKind,
} from './router.ts';
// ADNL over UDP (DIGEST §4): AdnlNode (client and server roles), packets, channels, parts.
export * from './udp/index.ts';
