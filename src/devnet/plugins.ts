/**
 * The devnet's plugin list, one for `tonsite devnet` and `tonsite demo` (and tests that want the whole devnet):
 * DNS contracts + ConfigParam 4 (`dnsRoot`, `dnsNames` endpoints); DHT nodes (config `dht`, `dhtNodes`); the demo
 * TON Sites over RLDP, published in that DHT (`sites`); TON Storage seeders of the demo bags (static.ton's site
 * bag, a 20 MiB file), published in that DHT too (`storage`). Peers of every kind (src/devnet/peers) take part:
 * a site of each kind, a DHT node of each kind, and an `ours` and a `tonutils` seeder.
 *
 * Loaded lazily by the commands: the sandbox's WASM TVM is only needed when a devnet starts.
 */
import type { DevnetPlugin } from './devnet.ts';
import { devnetDhtPlugin, type DevnetDhtPlugin } from './dht/index.ts';
import { devnetDnsPlugin } from './dns/plugin.ts';
import type { PeerKind } from './peers/index.ts';
import { devnetSitesPlugin, type DevnetSitesPlugin } from './sites/index.ts';
import { demoBags, type DemoBag } from './storage/demo-bags.ts';
import { devnetStoragePlugin, type DevnetStoragePlugin } from './storage/index.ts';

/** Kinds of the devnet's three DHT nodes and two storage seeders, by index. */
export const DEVNET_DHT_KINDS: PeerKind[] = ['ours', 'cpp', 'tonutils'];
export const DEVNET_SEEDER_KINDS: PeerKind[] = ['ours', 'tonutils'];

export interface DevnetPluginsOptions {
  /** Peer kinds by demo site name, replacing the defaults (src/devnet/sites/demo-sites.ts). */
  siteKinds?: Record<string, PeerKind>;
  /** Bags seeded besides the demo bags (tests: a large file, storage/demo-bags.ts largeFileBag). */
  extraBags?: DemoBag[];
}

export interface DevnetPlugins {
  plugins: DevnetPlugin[];
  dht: DevnetDhtPlugin;
  sites: DevnetSitesPlugin;
  storage: DevnetStoragePlugin;
}

export function devnetPlugins(options: DevnetPluginsOptions = {}): DevnetPlugins {
  const dht = devnetDhtPlugin({ count: DEVNET_DHT_KINDS.length, kinds: DEVNET_DHT_KINDS });
  const sites = devnetSitesPlugin({ dht, kinds: options.siteKinds });
  const storage = devnetStoragePlugin({
    dht,
    seeders: DEVNET_SEEDER_KINDS.length,
    kinds: DEVNET_SEEDER_KINDS,
    ...(options.extraBags?.length ? { bags: [...demoBags(), ...options.extraBags] } : {}),
  });
  return { plugins: [devnetDnsPlugin(), dht, sites, storage], dht, sites, storage };
}
