/** `tonsite devnet`: the local network (liteservers + bridge on loopback) until SIGINT/SIGTERM. */
import { parseOptions } from '../args.ts';
import { parseHostPort, stderrLogger, untilShutdownSignal } from '../bridge/index.ts';
import type { PeerKind } from '../../devnet/peers/index.ts';
import { CliError, type Command } from '../command.ts';

export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'local TON network on loopback: liteservers, bridge, global config',
  usage: [
    'Usage: tonsite devnet [--dir DIR] [--liteservers N] [--bridge HOST:PORT] [--block-interval MS]',
    '                      [--site-kind NAME=KIND,...] [--verbose]',
    '',
    'Starts a devnet chain (TVM from @ton/sandbox) with N liteservers speaking ADNL-TCP and the WebSocket',
    'bridge, all on 127.0.0.1 (ephemeral ports unless given), writes DIR/global-config.json for clients and',
    'prints ONE JSON line: {"bridge": "ws://...", "config": "/path", "liteservers": [...], "accounts": {...}}.',
    'Runs until SIGINT/SIGTERM.',
    '',
    '  --dir DIR             where to write global-config.json (default: a new temp directory)',
    '  --liteservers N       liteservers sharing the chain (default 1)',
    '  --bridge HOST:PORT    bridge listen address (default 127.0.0.1:0)',
    '  --ports P1,P2,...     liteserver ports (default: ephemeral)',
    '  --block-interval MS   a new masterchain block every MS milliseconds (default 2000)',
    '  --site-kind NAME=KIND how a demo site behaves on the wire: ours, cpp (ton 2026.06) or tonutils',
    '                        (tonutils-go v1.14); e.g. alice=cpp (sites: alice, docs, alice-cpp, alice-tonutils)',
    '  --verbose             bridge logs on stderr',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      dir: { type: 'string' },
      liteservers: { type: 'string', default: '1' },
      bridge: { type: 'string', default: '127.0.0.1:0' },
      ports: { type: 'string' },
      'block-interval': { type: 'string', default: '2000' },
      'site-kind': { type: 'string' },
      verbose: { type: 'boolean', default: false },
    });
    const liteservers = intOption(values.liteservers, '--liteservers', 1, 64);
    const blockIntervalMs = intOption(values['block-interval'], '--block-interval', 100, 3_600_000);
    let bridge;
    try {
      bridge = parseHostPort(values.bridge);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const liteserverPorts = values.ports?.split(',').map((p) => intOption(p, '--ports', 0, 65535));
    const siteKinds = await siteKindsOption(values['site-kind']);
    // Loaded lazily: the sandbox's WASM TVM is only needed by this command.
    const { startDevnet } = await import('../../devnet/index.ts');
    const { devnetPlugins } = await import('../../devnet/plugins.ts');
    const { plugins } = devnetPlugins({ siteKinds });
    const devnet = await startDevnet({
      dir: values.dir,
      liteservers,
      liteserverPorts,
      host: bridge.host,
      bridgePort: bridge.port,
      blockIntervalMs,
      bridgeLogger: values.verbose ? stderrLogger : undefined,
      plugins, // src/devnet/plugins.ts: DNS, DHT, the demo sites of every peer kind, storage seeders
    }).catch((error: Error) => {
      throw new CliError(`devnet failed to start: ${error.message}`);
    });
    // Listening for the signal before the JSON line: whoever reads it may stop us at once.
    const shutdown = untilShutdownSignal();
    console.log(JSON.stringify(devnet.endpoints));
    await shutdown;
    await devnet.stop();
    return 0;
  },
};

/** --site-kind NAME=KIND,... (shared with `tonsite demo`). */
export async function siteKindsOption(
  text: string | undefined,
): Promise<Record<string, PeerKind> | undefined> {
  if (text === undefined) return undefined;
  const { parseKindAssignments } = await import('../../devnet/peers/index.ts');
  try {
    return parseKindAssignments(text);
  } catch (error) {
    throw new CliError(`--site-kind: ${(error as Error).message}`, 2);
  }
}

function intOption(text: string, flag: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new CliError(`${flag} must be an integer in ${min}..${max}`, 2);
  return n;
}
