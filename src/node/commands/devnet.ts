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
    '                      [--site-kind NAME=KIND,...] [--validators N] [--validator-seed TEXT]',
    '                      [--key-block-interval N] [--rotation-interval N] [--simplex-from SEQNO]',
    '                      [--tamper-liteserver I] [--verbose]',
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
    '  --validators N        validators in ConfigParam 34 (default 7; all but one sign masterchain blocks)',
    '  --validator-seed TEXT derive the validator keys from TEXT (default: random keys)',
    '  --key-block-interval N  a key block at least every N masterchain blocks (default 100; 0 = on config',
    "                        changes only); the global config's init_block is key block 1",
    '  --rotation-interval N new validator keys every N masterchain blocks (default 500; 0 = never)',
    '  --simplex-from SEQNO  simplex signature sets from this masterchain seqno on, ordinary before (default 32)',
    '  --tamper-liteserver I liteserver I (0-based, config order) forges DNS answers: other site records, its own',
    '                        Merkle proofs and re-hashed blocks, no validator keys (repeatable as I,J,...)',
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
      validators: { type: 'string', default: '7' },
      'validator-seed': { type: 'string' },
      'key-block-interval': { type: 'string', default: '100' },
      'rotation-interval': { type: 'string', default: '500' },
      'simplex-from': { type: 'string', default: '32' },
      'tamper-liteserver': { type: 'string' },
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
    const chain = {
      validators: intOption(values.validators, '--validators', 1, 1000),
      validatorSeed: values['validator-seed'],
      keyBlockInterval: intOption(values['key-block-interval'], '--key-block-interval', 0, 1_000_000),
      rotationInterval: intOption(values['rotation-interval'], '--rotation-interval', 0, 1_000_000),
      simplexFromSeqno: intOption(values['simplex-from'], '--simplex-from', 0, 2 ** 31),
    };
    const tamperLiteservers = values['tamper-liteserver']
      ?.split(',')
      .map((i) => intOption(i, '--tamper-liteserver', 0, liteservers - 1));
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
      chain,
      tamperLiteservers,
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
