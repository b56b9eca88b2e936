/**
 * The bridge's allow-list: the liteservers of a global config (format of global-config-mainnet.json:
 * `liteservers[] = { ip: signed int32 of the big-endian IPv4, port, id: { "@type": "pub.ed25519", key: base64 } }`,
 * DIGEST §3). The bridge opens TCP only to these, chosen by index or by key.
 */
import { base64Decode } from '../../net/transport/base64.ts';
import type { BridgeTcpTarget } from '../../net/transport/bridge-protocol.ts';
import { BridgeConfigError } from './limits.ts';

export interface BridgeDestination {
  index: number;
  host: string;
  port: number;
  /** ed25519 public key of the liteserver (32 bytes). */
  key: Uint8Array;
}

/** Signed int32 (as in global configs) → dotted IPv4. */
export function ipFromInt32(ip: number): string {
  const u = ip >>> 0;
  return [u >>> 24, (u >>> 16) & 255, (u >>> 8) & 255, u & 255].join('.');
}

/** Dotted IPv4 → signed int32 (as written in global configs). */
export function ipToInt32(host: string): number {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new BridgeConfigError(`not an IPv4 address: ${host}`);
  }
  return parts.reduce((acc, p) => ((acc << 8) | Number(p)) >>> 0, 0) | 0;
}

/** Reads `liteservers[]` of a parsed global config; BridgeConfigError on anything malformed. */
export function destinationsFromGlobalConfig(config: unknown): BridgeDestination[] {
  const list = (config as { liteservers?: unknown } | null)?.liteservers;
  if (!Array.isArray(list)) throw new BridgeConfigError('config has no liteservers[]');
  if (list.length > 65536) throw new BridgeConfigError('config has too many liteservers');
  return list.map((entry: unknown, index) => {
    const e = entry as { ip?: unknown; port?: unknown; id?: { key?: unknown } } | null;
    if (typeof e?.ip !== 'number' || !Number.isInteger(e.ip) || e.ip < -0x80000000 || e.ip > 0x7fffffff) {
      throw new BridgeConfigError(`liteservers[${index}].ip must be a signed int32`);
    }
    if (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
      throw new BridgeConfigError(`liteservers[${index}].port must be 1..65535`);
    }
    let key: Uint8Array;
    try {
      key = base64Decode(String(e.id?.key));
    } catch {
      throw new BridgeConfigError(`liteservers[${index}].id.key is not base64`);
    }
    if (key.length !== 32) throw new BridgeConfigError(`liteservers[${index}].id.key must be 32 bytes`);
    return { index, host: ipFromInt32(e.ip), port: e.port, key };
  });
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
