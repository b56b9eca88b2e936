/**
 * The devnet DHT as a DevnetPlugin (src/devnet/devnet.ts): `startDevnet({ plugins: [dhtPlugin, ...] })` starts
 * the DHT nodes on the devnet's host, puts their signed nodes into the global config's `dht` section and lists
 * them in the printed endpoints (`dhtNodes`). Plugins that publish services (TON Sites, storage seeders) come
 * after it and use `plugin.dht` (or `await plugin.ready`) to publish their addresses.
 */
import type { DevnetPlugin } from '../devnet.ts';
import { base64Encode } from '../../net/transport/index.ts';
import { startDevnetDht, type DevnetDht, type DevnetDhtOptions } from './devnet-dht.ts';

export interface DevnetDhtPlugin extends DevnetPlugin {
  /** The running DHT once the plugin started, else null. */
  readonly dht: DevnetDht | null;
  /** Resolves with the running DHT (await it only from a plugin that starts after this one). */
  readonly ready: Promise<DevnetDht>;
}

export function devnetDhtPlugin(options: Omit<DevnetDhtOptions, 'host'> = {}): DevnetDhtPlugin {
  let dht: DevnetDht | null = null;
  let resolveReady!: (d: DevnetDht) => void;
  const ready = new Promise<DevnetDht>((r) => (resolveReady = r));
  return {
    name: 'dht',
    get dht() {
      return dht;
    },
    ready,
    async start({ host }) {
      const started = await startDevnetDht({ ...options, host });
      dht = started;
      resolveReady(started);
      return {
        config: { dht: started.config },
        endpoints: {
          dhtNodes: started.nodes.map((n) => ({
            kind: n.kind,
            host: n.address.host,
            port: n.address.port,
            key: base64Encode(n.publicKey),
          })),
        },
        stop: () => started.stop(),
      };
    },
  };
}
