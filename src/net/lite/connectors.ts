/** Connector factories for LitePool: how to reach liteserver N of the config. */
import {
  bridgeTcpUrl,
  connectWebSocketStream,
  type StreamConnector,
  type WebSocketStreamOptions,
} from '../transport/index.ts';
import type { LiteServerEntry } from './global-config.ts';

/**
 * Through the WebSocket bridge (browser, or Node with `ws`): liteserver `index` of the BRIDGE's config. The
 * client's and the bridge's configs must list the same servers in the same order (the key is end-to-end checked
 * by the ADNL handshake, so a mismatch fails closed). `byKey` addresses servers by public key instead.
 */
export function bridgeConnectors(
  bridgeUrl: string,
  options: WebSocketStreamOptions & { byKey?: boolean } = {},
): (server: LiteServerEntry) => StreamConnector {
  return (server) => {
    const url = bridgeTcpUrl(bridgeUrl, options.byKey ? { key: server.publicKey } : { server: server.index });
    return () => connectWebSocketStream(url, options);
  };
}
