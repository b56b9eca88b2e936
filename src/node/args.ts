/** Option parsing shared by the subcommands (node:util parseArgs, with usage errors as CliError). */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.ts';

export function parseOptions<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new CliError((error as Error).message, 2);
  }
}
