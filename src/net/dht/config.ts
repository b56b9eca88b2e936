/**
 * The `dht` section of a TON global config (JSON, as in global-config-mainnet.json):
 *   { "@type": "dht.config.global" | "dht.config.global_v2", "k", "a", ["network_id"],
 *     "static_nodes": { "@type": "dht.nodes", "nodes": [ dht.node ... ] } }
 * with keys and signatures in base64 and `adnl.address.udp` ips as signed int32 (tl JSON form).
 * Nodes whose signature does not verify are dropped, as the C++ DhtNodesList does.
 */
import { base64Decode, base64Encode } from '../transport/index.ts';
import { DhtError, DhtParseError } from './errors.ts';
import {
  DEFAULT_A,
  DEFAULT_K,
  MAX_A,
  MAX_ADDRESSES_PER_LIST,
  MAX_K,
  MAX_STATIC_NODES,
  NO_NETWORK_ID,
} from './limits.ts';
import { verifyDhtNode, type DhtNodeInfo, type DhtNodeTl } from './node.ts';

export interface DhtConfig {
  k: number;
  a: number;
  /** -1 for dht.config.global (no network id). */
  networkId: number;
  /** The static nodes whose signatures verified. */
  staticNodes: DhtNodeInfo[];
}

type Json = Record<string, unknown>;

function obj(v: unknown, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new DhtParseError(`${what}: expected an object`);
  return v as Json;
}

function int(v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0xffffffff) {
    throw new DhtParseError(`${what}: expected an integer`);
  }
  return v | 0;
}

function b64(v: unknown, what: string): Uint8Array {
  if (typeof v !== 'string') throw new DhtParseError(`${what}: expected base64 text`);
  try {
    return base64Decode(v);
  } catch {
    throw new DhtParseError(`${what}: bad base64`);
  }
}

function arr(v: unknown, what: string, max: number): unknown[] {
  if (!Array.isArray(v)) throw new DhtParseError(`${what}: expected an array`);
  if (v.length > max) throw new DhtParseError(`${what}: more than ${max} entries`);
  return v;
}

/** One dht.node from its JSON form (no signature check). */
export function dhtNodeFromJson(json: unknown): DhtNodeTl {
  const n = obj(json, 'dht.node');
  const id = obj(n.id, 'dht.node id');
  if (id['@type'] !== 'pub.ed25519') throw new DhtParseError('dht.node id must be pub.ed25519');
  const key = b64(id.key, 'dht.node id key');
  if (key.length !== 32) throw new DhtParseError('dht.node id key must be 32 bytes');
  const list = obj(n.addr_list, 'dht.node addr_list');
  const addrs = arr(list.addrs, 'addr_list addrs', MAX_ADDRESSES_PER_LIST).map((a) => {
    const addr = obj(a, 'address');
    if (addr['@type'] !== 'adnl.address.udp') throw new DhtParseError('only adnl.address.udp is supported');
    return { _: 'adnl.address.udp' as const, ip: int(addr.ip, 'ip'), port: int(addr.port, 'port') };
  });
  return {
    _: 'dht.node',
    id: { _: 'pub.ed25519', key },
    addr_list: {
      _: 'adnl.addressList',
      addrs,
      version: int(list.version ?? 0, 'addr_list version'),
      reinit_date: int(list.reinit_date ?? 0, 'addr_list reinit_date'),
      priority: int(list.priority ?? 0, 'addr_list priority'),
      expire_at: int(list.expire_at ?? 0, 'addr_list expire_at'),
    },
    version: int(n.version ?? 0, 'dht.node version'),
    signature: b64(n.signature, 'dht.node signature'),
  };
}

/** JSON form of a dht.node, as the global config writes it. */
export function dhtNodeToJson(node: DhtNodeTl): Json {
  if (node.id._ !== 'pub.ed25519') throw new DhtError('only pub.ed25519 nodes can be written');
  return {
    '@type': 'dht.node',
    id: { '@type': 'pub.ed25519', key: base64Encode(node.id.key) },
    addr_list: {
      '@type': 'adnl.addressList',
      addrs: node.addr_list.addrs.map((a) => {
        if (a._ !== 'adnl.address.udp') throw new DhtError('only adnl.address.udp can be written');
        return { '@type': 'adnl.address.udp', ip: a.ip, port: a.port };
      }),
      version: node.addr_list.version,
      reinit_date: node.addr_list.reinit_date,
      priority: node.addr_list.priority,
      expire_at: node.addr_list.expire_at,
    },
    version: node.version,
    signature: base64Encode(node.signature),
  };
}

/** The `dht` section for `nodes` (dht.config.global, or global_v2 when a network id is given). */
export function dhtConfigToJson(
  nodes: DhtNodeTl[],
  opts: { k?: number; a?: number; networkId?: number } = {},
): Json {
  const networkId = opts.networkId ?? NO_NETWORK_ID;
  return {
    '@type': networkId === NO_NETWORK_ID ? 'dht.config.global' : 'dht.config.global_v2',
    k: opts.k ?? DEFAULT_K,
    a: opts.a ?? DEFAULT_A,
    ...(networkId === NO_NETWORK_ID ? {} : { network_id: networkId }),
    static_nodes: { '@type': 'dht.nodes', nodes: nodes.map(dhtNodeToJson) },
  };
}

/** Parses a whole global config or just its `dht` section. */
export function parseDhtConfig(json: unknown): DhtConfig {
  let section = obj(json, 'config');
  if (section['@type'] === 'config.global' || ('dht' in section && !('static_nodes' in section))) {
    section = obj(section.dht, 'config dht');
  }
  const type = section['@type'];
  if (type !== undefined && type !== 'dht.config.global' && type !== 'dht.config.global_v2') {
    // Not String(type): JSON such as {"@type": {"toString": 1}} makes String() throw a TypeError.
    const what = typeof type === 'string' ? JSON.stringify(type.slice(0, 64)) : typeof type;
    throw new DhtParseError(`unknown dht config type ${what}`);
  }
  const k = int(section.k ?? DEFAULT_K, 'dht k');
  const a = int(section.a ?? DEFAULT_A, 'dht a');
  if (k < 1 || a < 1) throw new DhtParseError('dht k and a must be positive');
  const networkId =
    type === 'dht.config.global_v2' ? int(section.network_id, 'dht network_id') : NO_NETWORK_ID;
  const list = obj(section.static_nodes, 'dht static_nodes');
  const staticNodes: DhtNodeInfo[] = [];
  for (const raw of arr(list.nodes, 'static_nodes nodes', MAX_STATIC_NODES)) {
    try {
      staticNodes.push(verifyDhtNode(dhtNodeFromJson(raw), networkId));
    } catch (error) {
      if (!(error instanceof DhtError)) throw error;
    }
  }
  return { k: Math.min(k, MAX_K), a: Math.min(a, MAX_A), networkId, staticNodes };
}
