/** `tonsite devnet`: the local network (liteservers + bridge on loopback) until SIGINT/SIGTERM. */
import { parseOptions } from '../args.ts';
import { parseHostPort, stderrLogger, untilShutdownSignal } from '../bridge/index.ts';
import { CliError, type Command } from '../command.ts';

export const devnetCommand: Command = {
  name: 'devnet',
  summary: 'local TON network on loopback: liteservers, bridge, global config',
  usage: [
    'Usage: tonsite devnet [--dir DIR] [--liteservers N] [--bridge HOST:PORT] [--block-interval MS] [--verbose]',
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
    '  --verbose             bridge logs on stderr',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      dir: { type: 'string' },
      liteservers: { type: 'string', default: '1' },
      bridge: { type: 'string', default: '127.0.0.1:0' },
      ports: { type: 'string' },
      'block-interval': { type: 'string', default: '2000' },
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
    // Loaded lazily: the sandbox's WASM TVM is only needed by this command.
    const { startDevnet } = await import('../../devnet/index.ts');
    const { devnetDhtPlugin } = await import('../../devnet/dht/index.ts');
    const { devnetDnsPlugin } = await import('../../devnet/dns/plugin.ts');
    const { devnetSitesPlugin } = await import('../../devnet/sites/index.ts');
    const { devnetStoragePlugin } = await import('../../devnet/storage/index.ts');
    const dht = devnetDhtPlugin();
    const devnet = await startDevnet({
      dir: values.dir,
      liteservers,
      liteserverPorts,
      host: bridge.host,
      bridgePort: bridge.port,
      blockIntervalMs,
      bridgeLogger: values.verbose ? stderrLogger : undefined,
      // DNS contracts + ConfigParam 4 (`dnsRoot`, `dnsNames` endpoints); DHT nodes (config `dht`, `dhtNodes`);
      // the demo TON Sites over RLDP, published in that DHT (`sites`); TON Storage seeders of the demo bags
      // (static.ton's site bag, a 20 MiB file), published in that DHT too (`storage`).
      plugins: [devnetDnsPlugin(), dht, devnetSitesPlugin({ dht }), devnetStoragePlugin({ dht })],
    }).catch((error: Error) => {
      throw new CliError(`devnet failed to start: ${error.message}`);
    });
    console.log(JSON.stringify(devnet.endpoints));
    await untilShutdownSignal();
    await devnet.stop();
    return 0;
  },
};

function intOption(text: string, flag: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new CliError(`${flag} must be an integer in ${min}..${max}`, 2);
  return n;
}
