/** Devnet DHT nodes (server side of src/net/dht on loopback UDP) and their DevnetPlugin. */
export { startDevnetDht, type DevnetDht, type DevnetDhtNode, type DevnetDhtOptions } from './devnet-dht.ts';
export { devnetDhtPlugin, type DevnetDhtPlugin } from './plugin.ts';
