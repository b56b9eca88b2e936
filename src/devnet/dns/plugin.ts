/**
 * TON DNS as a DevnetPlugin (src/devnet/devnet.ts): `startDevnet({ plugins: [devnetDnsPlugin()] })` deploys the
 * real DNS contracts and the demo names (deploy.ts) into the devnet chain before its first block, sets
 * ConfigParam 4 to the root, and lists the root and the names in the printed endpoints:
 * `dnsRoot` (raw address), `dnsNames` ([{ name, item, expired }]), `dnsUnregistered` (names).
 *
 * It also writes a `dns_hints` section into the global config (src/net/dns/hints.ts, dnsHintsToJson): the root,
 * the .ton and .t.me collections and their item code, i.e. what the hosts compile in for mainnet. Every host
 * reads it with dnsHintsForConfig(config), so the devnet walk asks all hops at once like a mainnet one.
 */
import type { DevnetPlugin } from '../devnet.ts';
import {
  dnsHintsToJson,
  dnsRootConfigParam,
  DNS_ROOT_CONFIG_PARAM,
  type DnsHints,
} from '../../net/dns/index.ts';
import { loadDnsContractCode } from './contracts.ts';
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
        config: { dns_hints: dnsHintsToJson(devnetDnsHints(result)) },
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

/** The hints for a deployment: both zones are dns-contract collections with the same item code (deploy.ts). */
export function devnetDnsHints(deployed: DeployedDns): DnsHints {
  const itemCode = loadDnsContractCode().item;
  return {
    root: deployed.root,
    zones: {
      ton: { resolver: deployed.collections.ton, itemCode },
      't.me': { resolver: deployed.collections.tme, itemCode },
    },
  };
}
