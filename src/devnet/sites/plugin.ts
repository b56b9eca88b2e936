/**
 * The demo TON Sites as a DevnetPlugin (src/devnet/devnet.ts). Put it after the DHT plugin: each site starts on
 * the devnet's host, publishes its signed address into the devnet DHT, and is listed in the printed endpoints
 * (`sites`: name, domain, adnl, address, rldp). The DNS plugin's demo names point at these sites' ADNL ids;
 * a mismatch fails the start with a clear message.
 */
import type { DevnetPlugin } from '../devnet.ts';
import type { DevnetDhtPlugin } from '../dht/index.ts';
import { loadDemoDomains, type DemoDomainsSpec } from '../dns/demo-spec.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import type { PeerKind } from '../peers/index.ts';
import {
  DEMO_SITES,
  demoSiteHandler,
  demoSiteKey,
  demoSiteProfile,
  demoSitesWithKinds,
  type DemoSiteSpec,
} from './demo-sites.ts';
import { startSiteServer, type SiteServer } from './site-server.ts';

export interface DevnetSitesPlugin extends DevnetPlugin {
  /** The running sites once started. */
  readonly sites: SiteServer[];
  readonly ready: Promise<SiteServer[]>;
}

export interface DevnetSitesOptions {
  dht: DevnetDhtPlugin;
  sites?: DemoSiteSpec[];
  /** Peer kinds by site name, replacing the specs' (`tonsite demo --site-kind alice=tonutils`). */
  kinds?: Record<string, PeerKind>;
  /** The demo names to check the site records against (default: demo-domains.json). */
  domains?: DemoDomainsSpec;
  wrapSocket?: (socket: DatagramSocket, site: string) => DatagramSocket;
}

export interface SiteEndpoint {
  name: string;
  domain: string;
  adnl: string;
  address: string;
  rldp: 'v1' | 'v2';
  kind: PeerKind;
}

export function siteEndpoint(site: SiteServer, domain: string): SiteEndpoint {
  return {
    name: site.name,
    domain,
    adnl: `${site.adnl}.adnl`,
    address: `${site.address.host}:${site.address.port}`,
    rldp: site.rldpVersion === 2 ? 'v2' : 'v1',
    kind: site.kind,
  };
}

function checkDnsRecord(spec: DemoSiteSpec, adnlHex: string, domains: DemoDomainsSpec): void {
  const entry = domains.domains.find((d) => d.name === spec.domain);
  const record = entry?.records.site;
  if (!record || !('adnl' in record) || record.adnl.toLowerCase() !== adnlHex) {
    throw new Error(
      `demo site ${spec.name}: the site record of ${spec.domain} in demo-domains.json must be {"adnl": "${adnlHex}"}`,
    );
  }
}

export function devnetSitesPlugin(options: DevnetSitesOptions): DevnetSitesPlugin {
  const sites: SiteServer[] = [];
  let resolveReady!: (s: SiteServer[]) => void;
  const ready = new Promise<SiteServer[]>((r) => (resolveReady = r));
  return {
    name: 'sites',
    sites,
    ready,
    async start({ host }) {
      const specs = demoSitesWithKinds(options.kinds, options.sites ?? DEMO_SITES);
      const domains = options.domains ?? loadDemoDomains();
      const dht = await options.dht.ready;
      try {
        for (const spec of specs) {
          const keyPair = demoSiteKey(spec.name);
          const site = await startSiteServer({
            name: spec.name,
            handler: demoSiteHandler(spec.content ?? spec.name),
            keyPair,
            profile: demoSiteProfile(spec),
            host,
            wrapSocket: options.wrapSocket ? (s) => options.wrapSocket!(s, spec.name) : undefined,
          });
          sites.push(site);
          checkDnsRecord(spec, Buffer.from(site.adnlId).toString('hex'), domains);
          await dht.publishAddress(keyPair, site.address);
        }
      } catch (error) {
        for (const s of sites.splice(0)) s.close();
        throw error;
      }
      resolveReady(sites);
      return {
        endpoints: { sites: sites.map((s, i) => siteEndpoint(s, specs[i].domain)) },
        stop: () => {
          for (const s of sites.splice(0)) s.close();
        },
      };
    },
  };
}
