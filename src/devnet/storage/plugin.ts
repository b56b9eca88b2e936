/**
 * The devnet's TON Storage as a DevnetPlugin (src/devnet/devnet.ts). Put it after the DHT plugin: it starts
 * `seeders` storage seeders (default 2) on the devnet's host, each seeding every demo bag, publishes each
 * seeder's address and, for every bag, the overlay member list (all seeders, each signing itself) in the devnet
 * DHT, and lists bags and seeders in the printed endpoints (`storage`). static.ton's site record in
 * demo-domains.json must name the site bag's id; a mismatch fails the start with the id to put there.
 */
import { keyPairFromSeed, sha256, type KeyPair } from '../../net/crypto/index.ts';
import { hexOf } from '../../net/storage/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import type { DevnetPlugin } from '../devnet.ts';
import type { DevnetDhtPlugin } from '../dht/index.ts';
import { loadDemoDomains, type DemoDomainsSpec } from '../dns/demo-spec.ts';
import { peerProfile, type PeerKind } from '../peers/index.ts';
import { demoBags, type DemoBag } from './demo-bags.ts';
import { startSeeder, type Seeder } from './seeder.ts';

export interface DevnetStorageOptions {
  dht: DevnetDhtPlugin;
  /** Seeders, each seeding every bag (default 2). */
  seeders?: number;
  /** Default: the demo bags (the static site and the 20 MiB file). */
  bags?: DemoBag[];
  /** The demo names to check the bag records against (default: demo-domains.json). */
  domains?: DemoDomainsSpec;
  wrapSocket?: (socket: DatagramSocket, seeder: number) => DatagramSocket;
  /** Peer kind of each seeder by index (src/devnet/peers; default `ours` for every one). */
  kinds?: PeerKind[];
}

export interface DevnetStoragePlugin extends DevnetPlugin {
  /** The running seeders once started (tests stop some of them). */
  readonly seeders: Seeder[];
  readonly bags: DemoBag[];
  readonly ready: Promise<Seeder[]>;
}

/** A seeder's key: derived from its index, so every devnet run has the same seeder ids. */
export function demoSeederKey(index: number): KeyPair {
  return keyPairFromSeed(sha256(new TextEncoder().encode(`tonsite-devnet-storage-seeder:${index}`)));
}

function checkDnsRecords(bags: DemoBag[], domains: DemoDomainsSpec): void {
  for (const { bag, domain } of bags) {
    if (!domain) continue;
    const id = hexOf(bag.info.bagId);
    const entry = domains.domains.find((d) => d.name === domain);
    for (const category of ['site', 'storage'] as const) {
      const record = entry?.records[category];
      if (!record || !('bag' in record) || record.bag.toLowerCase() !== id) {
        throw new Error(
          `demo bag of ${domain}: its ${category} record in demo-domains.json must be {"bag": "${id}"}`,
        );
      }
    }
  }
}

export function devnetStoragePlugin(options: DevnetStorageOptions): DevnetStoragePlugin {
  const seeders: Seeder[] = [];
  const bags: DemoBag[] = [];
  let resolveReady!: (s: Seeder[]) => void;
  const ready = new Promise<Seeder[]>((r) => (resolveReady = r));
  return {
    name: 'storage',
    seeders,
    bags,
    ready,
    async start({ host }) {
      bags.push(...(options.bags ?? demoBags()));
      checkDnsRecords(bags, options.domains ?? loadDemoDomains());
      const dht = await options.dht.ready;
      const count = options.seeders ?? 2;
      try {
        for (let i = 0; i < count; i++) {
          const seeder = await startSeeder({
            keyPair: demoSeederKey(i),
            bags: bags.map((b) => b.bag),
            host,
            wrapSocket: options.wrapSocket ? (s) => options.wrapSocket!(s, i) : undefined,
            profile: peerProfile(options.kinds?.[i] ?? 'ours'),
          });
          seeders.push(seeder);
          await dht.publishAddress(seeder.keyPair, seeder.address);
        }
        for (const { bag } of bags) {
          await dht.publishOverlayNodes(
            bag.info.bagId,
            seeders.map((s) => s.keyPair),
          );
        }
      } catch (error) {
        for (const s of seeders.splice(0)) s.stop();
        throw error;
      }
      resolveReady(seeders);
      return {
        endpoints: {
          storage: {
            bags: bags.map(({ name, bag, domain }) => ({
              name,
              bagId: hexOf(bag.info.bagId),
              host: `${hexOf(bag.info.bagId)}.bag`,
              ...(domain && { domain }),
              files: bag.header.files.length,
              size: bag.info.fileSize,
            })),
            seeders: seeders.map((s) => ({
              kind: s.kind,
              adnl: `${s.adnl}.adnl`,
              address: `${s.address.host}:${s.address.port}`,
              peer: `${hexOf(s.keyPair.publicKey)}@${s.address.host}:${s.address.port}`,
            })),
          },
        },
        stop: () => {
          for (const s of seeders.splice(0)) s.stop();
        },
      };
    },
  };
}
