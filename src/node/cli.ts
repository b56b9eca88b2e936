/** `tonsite` entry point: subcommand dispatch and help. */
import { CliError, type Command } from './command.ts';
import { bagCommand } from './commands/bag.ts';
import { bridgeCommand } from './commands/bridge.ts';
import { demoCommand } from './commands/demo.ts';
import { devnetCommand } from './commands/devnet.ts';
import { fetchCommand } from './commands/fetch.ts';
import { proxyCommand } from './commands/proxy.ts';
import { resolveCommand } from './commands/resolve.ts';
import { statusCommand } from './commands/status.ts';

const COMMANDS: Command[] = [
  demoCommand,
  bridgeCommand,
  devnetCommand,
  statusCommand,
  resolveCommand,
  fetchCommand,
  proxyCommand,
  bagCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'tonsite — open TON Sites without a trusted proxy',
    '',
    'Usage: tonsite <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `tonsite <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { default: pkg } = await import('../../package.json', { with: { type: 'json' } });
    console.log(pkg.version);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`tonsite: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.usage);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`tonsite ${name}: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
