/**
 * Liteservers of a TON global config (format of ../shared/spec/global-config-mainnet.json, DIGEST §3):
 * `liteservers: [{ ip: <signed int32 of the big-endian IPv4>, port, id: { "@type": "pub.ed25519", key: base64 } }]`.
 */
import { base64Decode, base64Encode } from '../transport/index.ts';
import { LiteError } from './errors.ts';
import { MAX_CONFIG_LITESERVERS } from './limits.ts';

export interface LiteServerEntry {
  /** Position in the config's `liteservers` array (the bridge addresses servers by it). */
  index: number;
  host: string;
  port: number;
  publicKey: Uint8Array;
  /** The key as written in configs (base64). */
  key: string;
}

/** -2018135749 → "135.181.177.59". */
export function int32ToIpv4(ip: number): string {
  if (!Number.isInteger(ip) || ip < -(2 ** 31) || ip >= 2 ** 32)
    throw new LiteError('bad-argument', `bad ip ${ip}`);
  const u = ip >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 0xff}.${(u >>> 8) & 0xff}.${u & 0xff}`;
}

/** "135.181.177.59" → -2018135749 (the signed form configs use). */
export function ipv4ToInt32(host: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  const octets = m?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255))
    throw new LiteError('bad-argument', `not an IPv4 address: ${host}`);
  return (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3] | 0;
}

/** Reads and validates `liteservers` of a parsed global config. LiteError('bad-argument') when malformed. */
export function liteServersFromConfig(config: unknown): LiteServerEntry[] {
  const list = (config as { liteservers?: unknown } | null)?.liteservers;
  if (!Array.isArray(list)) throw new LiteError('bad-argument', 'global config has no liteservers array');
  if (list.length > MAX_CONFIG_LITESERVERS)
    throw new LiteError('bad-argument', 'too many liteservers in config');
  return list.map((entry: unknown, index) => {
    const e = entry as { ip?: unknown; port?: unknown; id?: { '@type'?: unknown; key?: unknown } };
    const where = `liteservers[${index}]`;
    if (typeof e?.ip !== 'number') throw new LiteError('bad-argument', `${where}.ip must be a number`);
    const host = int32ToIpv4(e.ip);
    if (typeof e.port !== 'number' || !Number.isInteger(e.port) || e.port < 1 || e.port > 65535) {
      throw new LiteError('bad-argument', `${where}.port must be 1..65535`);
    }
    if (e.id?.['@type'] !== 'pub.ed25519' || typeof e.id.key !== 'string') {
      throw new LiteError('bad-argument', `${where}.id must be a pub.ed25519 key`);
    }
    let publicKey: Uint8Array;
    try {
      publicKey = base64Decode(e.id.key);
    } catch {
      throw new LiteError('bad-argument', `${where}.id.key is not base64`);
    }
    if (publicKey.length !== 32) throw new LiteError('bad-argument', `${where}.id.key must be 32 bytes`);
    return { index, host, port: e.port, publicKey, key: base64Encode(publicKey) };
  });
}

/** The config entry for one liteserver (what a devnet writes). */
export function liteServerConfigEntry(host: string, port: number, publicKey: Uint8Array): object {
  return { ip: ipv4ToInt32(host), port, id: { '@type': 'pub.ed25519', key: base64Encode(publicKey) } };
}
