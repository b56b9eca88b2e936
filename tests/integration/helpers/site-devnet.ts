/**
 * The devnet with DNS, DHT and the demo TON Sites (what `tonsite devnet` starts), plus one more copy of alice's
 * site speaking RLDP v1 only (reached by its .adnl name), for the HTTP/gateway/proxy integration tests.
 */
import { createHash } from 'node:crypto';
import { startDevnet, type Devnet } from '../../../src/devnet/index.ts';
import { devnetDhtPlugin } from '../../../src/devnet/dht/index.ts';
import { devnetDnsPlugin } from '../../../src/devnet/dns/index.ts';
import {
  demoSiteFiles,
  demoSiteHandler,
  demoSiteKey,
  devnetSitesPlugin,
  startSiteServer,
  type SiteServer,
} from '../../../src/devnet/sites/index.ts';

export interface SiteDevnet {
  devnet: Devnet;
  configPath: string;
  bridge: string;
  /** alice.ton (RLDP v2) and docs.alice.ton (RLDP v1), as the devnet runs them. */
  sites: SiteServer[];
  /** A second server of alice's content that speaks RLDP v1 only (by .adnl host). */
  aliceV1: SiteServer;
  /** alice's files: URL path -> sha256 hex. */
  aliceFiles: Map<string, { sha256: string; size: number; type: string }>;
  stop(): Promise<void>;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export async function startSiteDevnet(): Promise<SiteDevnet> {
  const dht = devnetDhtPlugin({ count: 3 });
  const sitesPlugin = devnetSitesPlugin({ dht });
  const devnet = await startDevnet({
    plugins: [devnetDnsPlugin(), dht, sitesPlugin],
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  const sites = await sitesPlugin.ready;
  const files = demoSiteFiles('alice');
  const aliceV1 = await startSiteServer({
    name: 'alice-v1',
    handler: demoSiteHandler('alice', files),
    keyPair: demoSiteKey('alice-v1'),
    rldpVersion: 1,
  });
  await (await dht.ready).publishAddress(aliceV1.keyPair, aliceV1.address);
  const aliceFiles = new Map(
    [...files].map(([path, f]) => [path, { sha256: sha256Hex(f.bytes), size: f.bytes.length, type: f.type }]),
  );
  return {
    devnet,
    configPath: devnet.configPath,
    bridge: devnet.endpoints.bridge as string,
    sites,
    aliceV1,
    aliceFiles,
    async stop() {
      aliceV1.close();
      await devnet.stop();
    },
  };
}

/** Reads a web stream to the end: bytes and sha256. */
export async function readBody(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  return new Uint8Array(await new Response(body).arrayBuffer());
}
