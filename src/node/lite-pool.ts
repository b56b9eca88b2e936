/**
 * The liteserver pool of a CLI command (`tonsite resolve`, `fetch`, `proxy`): straight TCP, or through the
 * bridge's `/tcp` route with `--bridge`; one timeout for connects and queries; no background health checks or
 * pings (a command is short-lived).
 */
import { WebSocket } from 'ws';
import { LitePool, type LiteServerEntry } from '../net/lite/index.ts';
import { bridgeTcpUrl, connectWebSocketStream, type StreamConnector } from '../net/transport/index.ts';
import { tcpConnector } from './tcp-stream.ts';

export function cliLitePool(
  servers: LiteServerEntry[],
  bridge: string | undefined,
  timeoutMs: number,
): LitePool {
  const connector = (server: LiteServerEntry): StreamConnector =>
    bridge === undefined
      ? tcpConnector(server.host, server.port, { connectTimeoutMs: timeoutMs })
      : () =>
          connectWebSocketStream(bridgeTcpUrl(bridge, { key: server.publicKey }), {
            WebSocket,
            connectTimeoutMs: timeoutMs,
          });
  return new LitePool({
    servers,
    connector,
    queryTimeoutMs: timeoutMs,
    connectTimeoutMs: timeoutMs,
    healthCheckIntervalMs: 0,
    adnl: { pingIntervalMs: 0 },
  });
}
