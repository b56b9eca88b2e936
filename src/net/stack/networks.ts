/**
 * The networks built into every host: mainnet's and testnet's global configs (one copy in the tree, as
 * ../shared/spec publishes them), picked by name. The extension starts on mainnet; every CLI network command
 * takes `--network mainnet|testnet|FILE`, mainnet by default. Nothing connects while a config is picked.
 */
import mainnet from './networks/mainnet.json';
import testnet from './networks/testnet.json';

export type BuiltInNetwork = 'mainnet' | 'testnet';

export const BUILT_IN_NETWORKS: readonly BuiltInNetwork[] = ['mainnet', 'testnet'];

export function isBuiltInNetwork(name: string): name is BuiltInNetwork {
  return (BUILT_IN_NETWORKS as readonly string[]).includes(name);
}

/** The global config of a built-in network (a fresh copy: callers may not change the built-in one). */
export function builtInNetworkConfig(name: BuiltInNetwork): unknown {
  return structuredClone(name === 'mainnet' ? mainnet : testnet);
}
