/**
 * The bridge's allow-list: the liteservers of a global config (parsed by src/net/lite's liteServersFromConfig:
 * signed-int32 IPv4, port, pub.ed25519 key; DIGEST §3). The bridge opens TCP only to these, chosen by index or key.
 */
import { LiteError, liteServersFromConfig } from '../../net/lite/index.ts';
import type { BridgeTcpTarget } from '../../net/transport/bridge-protocol.ts';
import { BridgeConfigError } from './limits.ts';

export interface BridgeDestination {
  index: number;
  host: string;
  port: number;
  /** ed25519 public key of the liteserver (32 bytes). */
  key: Uint8Array;
}

/** Reads `liteservers[]` of a parsed global config; BridgeConfigError on anything malformed. */
export function destinationsFromGlobalConfig(config: unknown): BridgeDestination[] {
  try {
    return liteServersFromConfig(config).map(({ index, host, port, publicKey }) => ({
      index,
      host,
      port,
      key: publicKey,
    }));
  } catch (error) {
    if (error instanceof LiteError) throw new BridgeConfigError(error.message);
    throw error;
  }
}

/** The configured destination a client asked for, or undefined (→ refused). */
export function findDestination(
  destinations: readonly BridgeDestination[],
  target: BridgeTcpTarget,
): BridgeDestination | undefined {
  if ('server' in target) return destinations[target.server];
  return destinations.find(
    (d) => d.key.length === target.key.length && d.key.every((b, i) => b === target.key[i]),
  );
}
