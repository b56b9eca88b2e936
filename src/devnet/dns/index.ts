/** src/devnet/dns: the real TON DNS contracts in a @ton/sandbox Blockchain, with the demo names. */
export {
  deployDns,
  sendChangeDnsRecord,
  setDnsRootInConfig,
  DnsDeployError,
  type DeployedDns,
  type DeployedDnsName,
  type DeployDnsOptions,
} from './deploy.ts';
export {
  loadDnsContractCode,
  offchainContent,
  DnsContractCheckError,
  TESTNET_TON_COLLECTION,
  type DnsContractCode,
} from './contracts.ts';
export {
  loadDemoDomains,
  validateDemoDomains,
  demoCategory,
  demoRecord,
  mintableLabel,
  DemoSpecError,
  DEMO_DOMAINS_URL,
  type DemoDomainsSpec,
  type DemoDomainSpec,
  type DemoRecordSpec,
} from './demo-spec.ts';
export { SandboxDnsSource } from './sandbox-source.ts';
export {
  devnetDnsPlugin,
  devnetDnsHints,
  type DevnetDnsPlugin,
  type DevnetDnsPluginOptions,
} from './plugin.ts';
