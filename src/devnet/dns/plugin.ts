/**
 * TON DNS as a DevnetPlugin (src/devnet/devnet.ts): `startDevnet({ plugins: [devnetDnsPlugin()] })` deploys the
 * real DNS contracts and the demo names (deploy.ts) into the devnet chain before its first block, sets
 * ConfigParam 4 to the root, and lists the root and the names in the printed endpoints:
 * `dnsRoot` (raw address), `dnsNames` ([{ name, item, expired }]), `dnsUnregistered` (names).
 */
import type { DevnetPlugin } from '../devnet.ts';
import { dnsRootConfigParam, DNS_ROOT_CONFIG_PARAM } from '../../net/dns/index.ts';
import { deployDns, type DeployedDns } from './deploy.ts';
import { loadDemoDomains, type DemoDomainsSpec } from './demo-spec.ts';

export interface DevnetDnsPlugin extends DevnetPlugin {
  /** What was deployed, once the plugin started, else null. */
  readonly deployed: DeployedDns | null;
  readonly ready: Promise<DeployedDns>;
}

export interface DevnetDnsPluginOptions {
  /**
   * The names to register (default: demo-domains.json). A function is called when the plugin starts, so a
   * plugin listed before this one (e.g. the TON Sites) can put its real ADNL ids / bag ids into the records.
   */
  domains?: DemoDomainsSpec | (() => DemoDomainsSpec | Promise<DemoDomainsSpec>);
}

export function devnetDnsPlugin(options: DevnetDnsPluginOptions = {}): DevnetDnsPlugin {
  let deployed: DeployedDns | null = null;
  let resolveReady!: (d: DeployedDns) => void;
  const ready = new Promise<DeployedDns>((r) => (resolveReady = r));
  return {
    name: 'dns',
    get deployed() {
      return deployed;
    },
    ready,
    async start({ chain }) {
      const spec = typeof options.domains === 'function' ? await options.domains() : options.domains;
      const result = await deployDns(chain.blockchain, spec ?? loadDemoDomains(), { setConfigParam: false });
      chain.setConfigParam(DNS_ROOT_CONFIG_PARAM, dnsRootConfigParam(result.root));
      deployed = result;
      resolveReady(result);
      return {
        endpoints: {
          dnsRoot: result.root.toRawString(),
          dnsNames: result.names.map((n) => ({
            name: n.name,
            item: n.item.toRawString(),
            expired: n.expired,
          })),
          dnsUnregistered: result.unregistered,
        },
      };
    },
  };
}
