/** `tonsite proxy`: a local HTTP proxy for TON hosts on the gateway (browsers, curl -x, the extension's proxy mode). */
import { parseOptions } from '../args.ts';
import { parseHostPort, untilShutdownSignal } from '../bridge/index.ts';
import { CliError, type Command } from '../command.ts';
import { NETWORK_OPTIONS, networkFromOptions, networkUsage } from '../network.ts';
import { createNodeGateway, parsePeer } from '../proxy/node-gateway.ts';
import { startTonProxy } from '../proxy/server.ts';

export const DEFAULT_PROXY_LISTEN = '127.0.0.1:8080';

export const proxyCommand: Command = {
  name: 'proxy',
  summary: 'HTTP proxy for TON hosts (.ton, .t.me, .adnl) over RLDP, for browsers and curl -x',
  usage: [
    'Usage: tonsite proxy [--listen HOST:PORT] [--network NET] [--bridge URL] [--peer PUBKEY_HEX@IP:PORT] [--quiet]',
    '',
    'A plain HTTP proxy: point a browser or `curl -x http://127.0.0.1:8080` at it and open http://NAME.ton/.',
    'Only TON hosts are served (others get 403); sites are resolved through the DNS and DHT of the config and',
    'fetched over RLDP, directly over UDP or through a bridge. Prints one JSON line {"proxy": URL, ...}; one',
    'log line per request goes to stderr. Runs until SIGINT/SIGTERM.',
    '',
    `  --listen HOST:PORT   listen address (default ${DEFAULT_PROXY_LISTEN}; port 0 = any free port)`,
    ...networkUsage(23),
    '  --bridge URL         through a tonsite bridge (ws://HOST:PORT) instead of direct UDP/TCP',
    '  --peer KEY@IP:PORT   also reach this peer without the DHT (its .adnl host)',
    '  --quiet              no log lines',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      listen: { type: 'string', default: DEFAULT_PROXY_LISTEN },
      ...NETWORK_OPTIONS,
      bridge: { type: 'string' },
      peer: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    });
    let listen;
    try {
      listen = parseHostPort(values.listen);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const peer = values.peer !== undefined ? parsePeer(values.peer) : undefined;
    const network = networkFromOptions(values, peer ? 'none' : 'mainnet');
    const node = await createNodeGateway({
      config: network?.config,
      bridge: values.bridge,
      gateway: { peers: peer ? [peer] : [] },
    });
    const proxy = await startTonProxy({
      gateway: node.gateway,
      ...listen,
      log: values.quiet
        ? undefined
        : (line) => process.stderr.write(JSON.stringify({ t: new Date().toISOString(), ...line }) + '\n'),
    }).catch(async (error: Error) => {
      await node.close();
      throw new CliError(`cannot listen on ${values.listen}: ${error.message}`);
    });
    // Listening for the signal before the JSON line: whoever reads it may stop us at once.
    const shutdown = untilShutdownSignal();
    console.log(
      JSON.stringify({ proxy: proxy.url, dns: node.dns, dht: node.dht, bridge: values.bridge ?? null }),
    );
    await shutdown;
    await proxy.close();
    await node.close();
    return 0;
  },
};
