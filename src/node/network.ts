/**
 * `--network mainnet|testnet|FILE` (mainnet by default) for every CLI network command, with `--config FILE` kept
 * as its older spelling. A built-in network is the same config the extension carries (src/net/stack/networks);
 * FILE is any global config, e.g. the one `tonsite devnet` writes. Picking one connects to nothing.
 */
import { readFileSync } from 'node:fs';
import { builtInNetworkConfig, isBuiltInNetwork } from '../net/stack/index.ts';
import { CliError } from './command.ts';

export interface Network {
  /** 'mainnet', 'testnet', or the file's path. */
  name: string;
  config: unknown;
}

/** parseOptions specs of the two options. */
export const NETWORK_OPTIONS = {
  network: { type: 'string' },
  config: { type: 'string' },
} as const;

/** Usage lines for the two options, descriptions starting at column `column` like the command's others. */
export function networkUsage(column: number): string[] {
  const pad = (left: string) => left.padEnd(column);
  return [
    `${pad('  --network NET')}mainnet (default), testnet, or FILE: a global config such as the one`,
    `${pad('')}\`tonsite devnet\` writes (--config FILE is the same as --network FILE)`,
  ];
}

/**
 * The network the options name; mainnet when they name none, unless `none` is allowed (commands that can work
 * with a static peer alone), which then gives null.
 */
export function networkFromOptions(
  values: { network?: string; config?: string },
  whenNone: 'mainnet' | 'none' = 'mainnet',
): Network | null {
  if (values.network !== undefined && values.config !== undefined) {
    throw new CliError('give --network or --config, not both', 2);
  }
  const chosen = values.network ?? values.config;
  if (chosen === undefined) return whenNone === 'none' ? null : builtIn('mainnet');
  if (values.network !== undefined && isBuiltInNetwork(chosen)) return builtIn(chosen);
  return { name: chosen, config: readConfigFile(chosen) };
}

function builtIn(name: 'mainnet' | 'testnet'): Network {
  return { name, config: builtInNetworkConfig(name) };
}

export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`cannot use config ${file}: ${(error as Error).message}`);
  }
}
