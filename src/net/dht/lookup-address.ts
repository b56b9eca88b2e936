/**
 * One-shot ADNL address lookup for hosts (`tonsite resolve --json` reports the DHT address list of ADNL site
 * records): a throwaway ADNL identity on the given datagram socket (direct UDP or the bridge relay), a
 * DhtClient from the global config's `dht` section, then the socket is closed again.
 */
import { AdnlNode } from '../adnl/index.ts';
import { generateKeyPair } from '../crypto/index.ts';
import type { DatagramSocket } from '../transport/index.ts';
import type { ResolvedAddress } from './address.ts';
import type { DhtCache } from './cache.ts';
import { DhtClient } from './client.ts';
import { parseDhtConfig, type DhtConfig } from './config.ts';
import { DhtError, DhtNotFoundError, DhtParseError, DhtTimeoutError, DhtVerifyError } from './errors.ts';
import { toHex } from './hex.ts';

export interface LookupAdnlAddressOptions {
  /** The ADNL ids to resolve (e.g. every `adnl` record of a DNS answer). */
  adnlIds: Uint8Array[];
  /** A parsed DhtConfig, or a global config (or its `dht` section) as JSON. */
  config: DhtConfig | unknown;
  /**
   * The datagram socket (direct UDP or the bridge relay), or a function opening it — called only when the
   * config has DHT nodes. Used for this lookup only and closed when it ends.
   */
  socket: DatagramSocket | (() => Promise<DatagramSocket>);
  /** Per-attempt query timeout (default 3 s) and attempts per DHT node (default 2). */
  timeoutMs?: number;
  attempts?: number;
  cache?: DhtCache | null;
}

/** JSON form of a resolved address (ids and keys in lowercase hex). */
export interface AdnlAddressJson {
  adnl: string;
  publicKey: string;
  addresses: { host: string; port: number }[];
  version: number;
  reinitDate: number;
  priority: number;
  expireAt: number;
  /** Unix time the DHT value expires. */
  ttl: number;
}

/** `unavailable`: the config lists no usable DHT node, nothing was asked. */
export type DhtErrorCode = 'not_found' | 'invalid' | 'malformed' | 'timeout' | 'unavailable' | 'error';

export type AdnlAddressLookupJson =
  | ({ ok: true } & AdnlAddressJson)
  | { ok: false; adnl: string; error: { code: DhtErrorCode; message: string } };

export function resolvedAddressToJson(r: ResolvedAddress): AdnlAddressJson {
  return {
    adnl: toHex(r.adnlId),
    publicKey: toHex(r.publicKey),
    addresses: r.addresses.map((a) => ({ host: a.host, port: a.port })),
    version: r.version,
    reinitDate: r.reinitDate,
    priority: r.priority,
    expireAt: r.expireAt,
    ttl: r.ttl,
  };
}

export function dhtErrorCode(error: unknown): DhtErrorCode {
  if (error instanceof DhtNotFoundError) return 'not_found';
  if (error instanceof DhtVerifyError) return 'invalid';
  if (error instanceof DhtParseError) return 'malformed';
  if (error instanceof DhtTimeoutError) return 'timeout';
  return 'error';
}

function isDhtConfig(c: unknown): c is DhtConfig {
  return typeof c === 'object' && c !== null && Array.isArray((c as DhtConfig).staticNodes);
}

/**
 * Resolves each ADNL id through the DHT. Per-id failures (not found, bad value, timeouts, no DHT nodes in the
 * config) are reported in the result, not thrown.
 */
export async function lookupAdnlAddresses(opts: LookupAdnlAddressOptions): Promise<AdnlAddressLookupJson[]> {
  const failAll = (code: DhtErrorCode, message: string): AdnlAddressLookupJson[] =>
    opts.adnlIds.map((id) => ({ ok: false, adnl: toHex(id), error: { code, message } }));
  let config: DhtConfig;
  try {
    config = isDhtConfig(opts.config) ? opts.config : parseDhtConfig(opts.config);
  } catch (error) {
    if (typeof opts.socket !== 'function') opts.socket.close();
    if (error instanceof DhtError) return failAll('unavailable', `bad DHT config: ${error.message}`);
    throw error;
  }
  if (config.staticNodes.length === 0) {
    if (typeof opts.socket !== 'function') opts.socket.close();
    return failAll('unavailable', 'the config has no valid DHT static nodes');
  }
  let socket: DatagramSocket;
  try {
    socket = typeof opts.socket === 'function' ? await opts.socket() : opts.socket;
  } catch (error) {
    return failAll('unavailable', `cannot open a datagram socket: ${(error as Error).message}`);
  }
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
  try {
    const client = new DhtClient({
      adnl,
      config,
      cache: opts.cache ?? null,
      timeoutMs: opts.timeoutMs,
      attempts: opts.attempts,
    });
    return await Promise.all(
      opts.adnlIds.map(async (id): Promise<AdnlAddressLookupJson> => {
        try {
          return { ok: true, ...resolvedAddressToJson(await client.resolveAddress(id)) };
        } catch (error) {
          if (!(error instanceof DhtError)) throw error;
          return { ok: false, adnl: toHex(id), error: { code: dhtErrorCode(error), message: error.message } };
        }
      }),
    );
  } finally {
    adnl.close();
  }
}

/** Single-id form: the resolved address, or a thrown DhtError. */
export async function lookupAdnlAddress(
  opts: Omit<LookupAdnlAddressOptions, 'adnlIds'> & { adnlId: Uint8Array },
): Promise<AdnlAddressJson> {
  const [r] = await lookupAdnlAddresses({ ...opts, adnlIds: [opts.adnlId] });
  if (r.ok) {
    const { ok: _ok, ...json } = r;
    return json;
  }
  const Err = {
    not_found: DhtNotFoundError,
    invalid: DhtVerifyError,
    malformed: DhtParseError,
    timeout: DhtTimeoutError,
    unavailable: DhtParseError,
    error: DhtError,
  }[r.error.code];
  throw new Err(r.error.message);
}
