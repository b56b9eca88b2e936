/** The TON stack composed from a global config, the same way for every host. */
export {
  stackFromConfig,
  type DnsTrust,
  type DnsVerification,
  type StackHostParts,
  type TonStack,
} from './from-config.ts';
export {
  BUILT_IN_NETWORKS,
  builtInNetworkConfig,
  isBuiltInNetwork,
  type BuiltInNetwork,
} from './networks.ts';
