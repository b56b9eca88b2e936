/**
 * Devnet DHT: N DHT nodes on loopback UDP, the server side of our own src/net/dht (DhtServer) on our own
 * ADNL-UDP (AdnlNode). Each node knows all the others. Their signed dht.node entries form the devnet global
 * config's `dht` section, in the mainnet config's format. Services publish their signed address lists (and
 * storage overlays their member lists) into every node; values are re-signed and republished before they
 * expire (address values live an hour, overlay members count as fresh for 600 s).
 */
import { AdnlNode, type AdnlAddress } from '../../net/adnl/index.ts';
import { generateKeyPair, keyPairFromSeed, type KeyPair } from '../../net/crypto/index.ts';
import {
  DhtServer,
  dhtConfigToJson,
  makeAddressValue,
  makeOverlayNodesValue,
  overlayIdOf,
  parseDhtConfig,
  signOverlayNode,
  type DhtConfig,
  type DhtValueTl,
} from '../../net/dht/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { startDevnetAdnlServer } from '../adnl-server.ts';
import { peerProfile, type PeerKind } from '../peers/index.ts';

export interface DevnetDhtOptions {
  /** Number of DHT nodes (default 3). */
  count?: number;
  /** Address to bind and announce (default 127.0.0.1). */
  host?: string;
  /** Fixed UDP ports, one per node (default: free ports). */
  ports?: number[];
  /** The network's k and a, written to the config (default 6 and 3, as mainnet). */
  k?: number;
  a?: number;
  /** Network id; -1 (default) writes dht.config.global with 64-byte node signatures, like mainnet. */
  networkId?: number;
  /** 32-byte seeds of the node keys, one per node (default: random keys). */
  seeds?: Uint8Array[];
  /** Wraps each node's UDP socket (fault injection: a FaultySocket). */
  wrapSocket?: (socket: DatagramSocket, index: number) => DatagramSocket;
  /** How often published values are re-signed and stored again (default 4 min, below the 600 s overlay freshness). */
  republishIntervalMs?: number;
  /** Lifetime of published values (default 3600 s, the most a DHT node accepts). */
  valueTtlSeconds?: number;
  /**
   * Peer kind of each node by index (src/devnet/peers; default `ours`). The DHT differs only at the ADNL level:
   * a `tonutils` node has tonutils-go's first-contact race (its DHT server sits on the same adnl/gateway.go).
   */
  kinds?: PeerKind[];
}

export interface DevnetDhtNode {
  index: number;
  kind: PeerKind;
  id: Uint8Array;
  publicKey: Uint8Array;
  address: AdnlAddress;
  server: DhtServer;
  adnl: AdnlNode;
}

export interface DevnetDht {
  nodes: DevnetDhtNode[];
  /** The `dht` section of the devnet global config (JSON, mainnet format). */
  config: Record<string, unknown>;
  /** The same, parsed (what a DhtClient takes). */
  dhtConfig: DhtConfig;
  /** Publishes (and keeps republishing) the signed address list of the ADNL identity `keyPair`. */
  publishAddress(keyPair: KeyPair, address: AdnlAddress | AdnlAddress[]): Promise<void>;
  /** Publishes (and keeps fresh) the member list of the overlay `pub.overlay{name}`, each member signing itself. */
  publishOverlayNodes(overlayName: Uint8Array, members: KeyPair[]): Promise<void>;
  /** Stores one value on every node now (no republishing). */
  store(value: DhtValueTl): void;
  stop(): Promise<void>;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export async function startDevnetDht(options: DevnetDhtOptions = {}): Promise<DevnetDht> {
  const count = options.count ?? 3;
  const host = options.host ?? '127.0.0.1';
  const networkId = options.networkId ?? -1;
  const ttlSeconds = Math.min(options.valueTtlSeconds ?? 3600, 3600);
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError('devnet DHT: 1..64 nodes');

  const nodes: DevnetDhtNode[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const seed = options.seeds?.[index];
      const keyPair = seed ? keyPairFromSeed(seed) : generateKeyPair();
      const wrap = options.wrapSocket;
      const kind = options.kinds?.[index] ?? 'ours';
      const { adnlNode: adnl, address } = await startDevnetAdnlServer({
        keyPair,
        host,
        port: options.ports?.[index],
        wrapSocket: wrap && ((udp) => wrap(udp, index)),
        profile: peerProfile(kind),
      });
      const server = new DhtServer({ keyPair, addresses: [address], networkId, k: options.k });
      server.attach(adnl);
      nodes.push({ index, kind, id: server.id, publicKey: keyPair.publicKey, address, server, adnl });
    }
  } catch (error) {
    for (const n of nodes) n.adnl.close();
    throw error;
  }
  for (const a of nodes) for (const b of nodes) if (a !== b) a.server.addNode(b.server.node);

  const config = dhtConfigToJson(
    nodes.map((n) => n.server.node),
    { k: options.k, a: options.a, networkId },
  );
  const dhtConfig = parseDhtConfig(config);

  const store = (value: DhtValueTl): void => {
    for (const n of nodes) n.server.store(value);
  };

  // Publications are functions that build a freshly signed value; all are re-run on every republish tick.
  const publications = new Map<string, () => DhtValueTl>();
  const publish = (key: string, make: () => DhtValueTl): void => {
    publications.set(key, make);
    store(make());
  };
  const timer = setInterval(() => {
    for (const make of publications.values()) {
      try {
        store(make());
      } catch {
        // A value that stopped being valid is simply not republished.
      }
    }
  }, options.republishIntervalMs ?? 240_000);
  timer.unref?.();

  let stopped = false;
  return {
    nodes,
    config,
    dhtConfig,
    store,
    async publishAddress(keyPair, address) {
      const addresses = Array.isArray(address) ? address : [address];
      const hex = Buffer.from(keyPair.publicKey).toString('hex');
      publish(`address:${hex}`, () => {
        const now = nowSeconds();
        return makeAddressValue(keyPair, addresses, now + ttlSeconds, { version: now, reinitDate: now });
      });
    },
    async publishOverlayNodes(overlayName, members) {
      const overlayId = overlayIdOf(overlayName);
      publish(`overlay:${Buffer.from(overlayId).toString('hex')}`, () => {
        const now = nowSeconds();
        const signed = members.map((m) => signOverlayNode(m, overlayId, now));
        return makeOverlayNodesValue(overlayName, signed, now + ttlSeconds);
      });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      for (const n of nodes) n.adnl.close();
    },
  };
}
