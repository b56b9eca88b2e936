/** WebSocket bridge: TCP streams to configured liteservers (and mountable relays) for browser clients. */
export { startBridge, type BridgeOptions, type BridgeServer } from './server.ts';
export { destinationsFromGlobalConfig, findDestination, type BridgeDestination } from './destinations.ts';
export { BridgeConfigError, DEFAULT_BRIDGE_LIMITS, resolveLimits, type BridgeLimits } from './limits.ts';
export { silentLogger, stderrLogger, type BridgeLogFields, type BridgeLogger } from './log.ts';
export type { BridgeRoute, BridgeStreamContext } from './route.ts';
export { OriginPolicy, parseAllowedOrigin } from './origin.ts';
export { ClientAddressPolicy } from './client-address.ts';
export {
  BridgeMetrics,
  renderPrometheus,
  type MetricFamily,
  type MetricSample,
  type RefusalReason,
} from './metrics.ts';
export {
  serveStatus,
  startStatusServer,
  type BridgeHealth,
  type BridgeStatusSource,
  type StatusServer,
} from './status.ts';
export { parseHostPort, untilShutdownSignal } from './signals.ts';
export { tcpRoute } from './tcp-route.ts';
export { TokenBucket } from './token-bucket.ts';
export {
  DEFAULT_UDP_RELAY_LIMITS,
  udpRelayRoute,
  type UdpRelayLimits,
  type UdpRelayOptions,
  type UdpRelayRoute,
  type UdpRelayStats,
} from './udp-relay.ts';
