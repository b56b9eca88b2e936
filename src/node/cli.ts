/**
 * `tonsite` entry point: subcommand dispatch and help.
 *
 * Commands are loaded only when run: `tonsite --help` reads this table alone, and `tonsite fetch` loads the
 * gateway but never the devnet's sandbox (the build, scripts/build-cli.ts, makes each import() its own chunk).
 * The summaries repeat the commands' own (tests/unit/cli.test.ts checks that they agree).
 */
import { CliError, type Command } from './command.ts';

/** A command as the dispatcher knows it before loading it. */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'devnet + bridge + Chromium with the extension, on the demo TON Site',
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
  {
    name: 'bridge',
    summary: 'WebSocket bridge to the liteservers of a global config (for the extension)',
    load: async () => (await import('./commands/bridge.ts')).bridgeCommand,
  },
  {
    name: 'devnet',
    summary: 'local TON network on loopback: liteservers, bridge, global config',
    load: async () => (await import('./commands/devnet.ts')).devnetCommand,
  },
  {
    name: 'status',
    summary: 'health of the liteservers of a global config (latency, seqno, lag)',
    load: async () => (await import('./commands/status.ts')).statusCommand,
  },
  {
    name: 'resolve',
    summary: 'resolve a .ton / .t.me name through the DNS contracts (like dig)',
    load: async () => (await import('./commands/resolve.ts')).resolveCommand,
  },
  {
    name: 'fetch',
    summary: 'fetch a TON Site URL over RLDP (like curl), direct UDP or through a bridge',
    load: async () => (await import('./commands/fetch.ts')).fetchCommand,
  },
  {
    name: 'proxy',
    summary: 'HTTP proxy for TON hosts (.ton, .t.me, .adnl) over RLDP, for browsers and curl -x',
    load: async () => (await import('./commands/proxy.ts')).proxyCommand,
  },
  {
    name: 'bag',
    summary: 'TON Storage bags: `bag create DIR` prints the bag id of a directory',
    load: async () => (await import('./commands/bag.ts')).bagCommand,
  },
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
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    console.error(`tonsite: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
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
