/** `tonsite bridge`: the WebSocket→TCP bridge to the liteservers of one network (mainnet by default), until SIGINT/SIGTERM. */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseOptions } from '../args.ts';
import {
  BridgeConfigError,
  destinationsFromGlobalConfig,
  parseAllowedOrigin,
  parseHostPort,
  startBridge,
  startStatusServer,
  stderrLogger,
  untilShutdownSignal,
  type BridgeDestination,
  type BridgeLimits,
} from '../bridge/index.ts';
import { udpRelayRoute } from '../bridge/udp-relay.ts';
import { CliError, type Command } from '../command.ts';
import { NETWORK_OPTIONS, networkFromOptions, networkUsage, type Network } from '../network.ts';

export const DEFAULT_BRIDGE_LISTEN = '127.0.0.1:8081';

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'WebSocket bridge to the liteservers of a global config (for the extension)',
  usage: [
    'Usage: tonsite bridge [--network NET] [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [limits] [--quiet]',
    '',
    'Serves ws://HOST:PORT/tcp?server=<index> and /tcp?key=<base64 key>: a TCP stream to that liteserver of',
    'the network, binary frames = raw TCP bytes (ADNL stays end-to-end encrypted). Every other destination is',
    'refused (close code 4403). Prints one JSON line {"bridge": URL, ...}; logs (no payload bytes) go to stderr.',
    'Also serves ws://HOST:PORT/udp: a blind UDP datagram relay for ADNL (src/net/transport/relay-protocol.ts),',
    'to public unicast IPv4 destinations only (ports >= 1024), with per-stream destination and rate limits.',
    'GET /healthz (JSON; 503 while draining) and GET /metrics (Prometheus, tonsite_bridge_*) on the same port',
    'unless --status-listen moves them. SIGTERM drains: no new streams, open ones get --drain seconds to',
    'finish, then close (1001); exit 0. SIGINT, or a second signal, stops at once. Operators: see the README.',
    '',
    `  --listen HOST:PORT     listen address (default ${DEFAULT_BRIDGE_LISTEN}; port 0 = any free port)`,
    '  --tls-cert FILE        PEM certificate chain: serve wss:// directly (with --tls-key)',
    '  --tls-key FILE         PEM private key of --tls-cert (both files are read again on SIGHUP)',
    '  --status-listen H:P    serve /healthz and /metrics on this address instead of the bridge port',
    '  --trust-proxy ADDR     a reverse proxy in front (IP; repeatable): for its connections the client address',
    '                         (stream caps, logs) comes from X-Forwarded-For',
    '  --drain SECONDS        on SIGTERM, how long open streams may go on before they are closed (default 30)',
    ...networkUsage(25),
    '                         Only its liteservers may be reached; nothing is contacted before a client asks.',
    '  --max-streams N        concurrent streams per client IP (default 32)',
    '  --max-rate BYTES       client→bridge bytes per second per stream (default 524288)',
    '  --max-frame BYTES      largest WebSocket message from a client (default 1048576)',
    '  --idle SECONDS         close streams idle this long (default 120)',
    '  --max-queued BYTES     bytes all streams together may queue towards slow clients (default 134217728)',
    '  --allow-origin ORIGIN  also serve WebSockets from this web origin (scheme://host[:port]; repeatable).',
    '                         Without it only programs (no Origin) and browser extensions are served; other',
    '                         pages are refused with 403, so no web page can use the bridge as a UDP relay',
    '  --devnet               the /udp datagram relay may also send to loopback (local devnet only)',
    '  --fault-loss P         devnet only: lose this share (0..1) of relayed datagrams, both ways',
    '  --fault-delay MS       devnet only: delay relayed datagrams by MS, both ways',
    '  --quiet                no log lines',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      listen: { type: 'string', default: DEFAULT_BRIDGE_LISTEN },
      ...NETWORK_OPTIONS,
      'max-streams': { type: 'string' },
      'max-rate': { type: 'string' },
      'max-frame': { type: 'string' },
      idle: { type: 'string' },
      'max-queued': { type: 'string' },
      'allow-origin': { type: 'string', multiple: true },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'status-listen': { type: 'string' },
      'trust-proxy': { type: 'string', multiple: true },
      drain: { type: 'string', default: '30' },
      quiet: { type: 'boolean', default: false },
      devnet: { type: 'boolean', default: false },
      'fault-loss': { type: 'string' },
      'fault-delay': { type: 'string' },
    });
    let listen;
    let statusListen;
    try {
      listen = parseHostPort(values.listen);
      if (values['status-listen'] !== undefined) statusListen = parseHostPort(values['status-listen']);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const tls = tlsFiles(values['tls-cert'], values['tls-key']);
    const drainMs = nonNegativeInt(values.drain, '--drain') * 1000;
    const trustProxies = values['trust-proxy'] ?? [];
    for (const proxy of trustProxies) {
      if (!isIP(proxy)) throw new CliError(`--trust-proxy must be an IP address, got '${proxy}'`, 2);
    }
    const limits: Partial<BridgeLimits> = {};
    if (values['max-streams'])
      limits.maxStreamsPerClient = positiveInt(values['max-streams'], '--max-streams');
    if (values['max-rate']) limits.maxBytesPerSecond = positiveInt(values['max-rate'], '--max-rate');
    if (values['max-frame']) limits.maxFrameBytes = positiveInt(values['max-frame'], '--max-frame');
    if (values.idle) limits.idleTimeoutMs = positiveInt(values.idle, '--idle') * 1000;
    if (values['max-queued']) limits.downstreamTotalBytes = positiveInt(values['max-queued'], '--max-queued');

    const allowOrigins = values['allow-origin'] ?? [];
    for (const origin of allowOrigins) {
      try {
        parseAllowedOrigin(origin);
      } catch (error) {
        throw new CliError((error as Error).message, 2);
      }
    }
    const faults = relayFaults(values['fault-loss'], values['fault-delay'], values.devnet);
    const network = networkFromOptions(values)!;
    const destinations = destinationsOf(network);
    const bridge = await startBridge({
      ...listen,
      destinations,
      limits,
      allowOrigins,
      tls,
      trustProxies,
      statusEndpoints: statusListen === undefined,
      logger: values.quiet ? undefined : stderrLogger,
      routes: [udpRelayRoute({ allowLoopback: values.devnet, faults })],
    }).catch((error: Error) => {
      throw new CliError(`cannot listen on ${values.listen}: ${error.message}`);
    });
    const status = statusListen
      ? await startStatusServer(bridge, statusListen.host, statusListen.port).catch(async (error: Error) => {
          await bridge.close();
          throw new CliError(`cannot listen on ${values['status-listen']}: ${error.message}`);
        })
      : null;
    // A renewed certificate (certbot's deploy hook, `systemctl reload`) is taken on SIGHUP, without a restart.
    const onHangup = () => {
      try {
        bridge.setTlsCertificate(tlsFiles(values['tls-cert'], values['tls-key'])!);
      } catch (error) {
        if (!values.quiet)
          stderrLogger('tls-reload-failed', { error: (error as Error).message.slice(0, 200) });
      }
    };
    if (tls) process.on('SIGHUP', onHangup);
    // Listening for the signal before the JSON line: whoever reads it may stop us at once.
    const shutdown = untilShutdownSignal();
    console.log(
      JSON.stringify({
        bridge: bridge.url,
        status: status?.url ?? bridge.url.replace(/^ws/, 'http'),
        network: network.name,
        liteservers: destinations.length,
        devnet: values.devnet,
      }),
    );
    // SIGTERM (systemd, a container runtime, a rolling restart) drains; SIGINT (Ctrl-C at a terminal) and a
    // second signal during a drain stop at once, closing open streams with 1001.
    if ((await shutdown) === 'SIGTERM') {
      void untilShutdownSignal().then(() => bridge.close());
      await bridge.drain(drainMs);
    } else await bridge.close();
    process.off('SIGHUP', onHangup);
    await status?.close();
    return 0;
  },
};

/** The liteservers of a network as bridge destinations (CliError when unusable). */
function destinationsOf(network: Network): BridgeDestination[] {
  try {
    return destinationsFromGlobalConfig(network.config);
  } catch (error) {
    if (error instanceof BridgeConfigError) throw new CliError(`${network.name}: ${error.message}`);
    throw error;
  }
}

/** Fault injection for the /udp relay (FaultySocket on each stream's UDP socket); refused outside devnet mode. */
function relayFaults(loss: string | undefined, delay: string | undefined, devnet: boolean) {
  if (loss === undefined && delay === undefined) return undefined;
  if (!devnet) throw new CliError('--fault-loss/--fault-delay need --devnet', 2);
  const p = loss === undefined ? 0 : Number(loss);
  const ms = delay === undefined ? 0 : Number(delay);
  if (!(p >= 0 && p <= 1)) throw new CliError('--fault-loss must be within 0..1', 2);
  if (!(ms >= 0 && ms <= 60_000)) throw new CliError('--fault-delay must be within 0..60000', 2);
  return { loss: p, delayMs: ms };
}

/** Both TLS files read, or neither given (CliError for one without the other or an unreadable file). */
function tlsFiles(certFile: string | undefined, keyFile: string | undefined) {
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined || keyFile === undefined)
    throw new CliError('--tls-cert and --tls-key go together', 2);
  const read = (file: string) => {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
  };
  return { cert: read(certFile), key: read(keyFile) };
}

function nonNegativeInt(text: string, flag: string): number {
  if (!/^(0|[1-9][0-9]{0,6})$/.test(text)) throw new CliError(`${flag} must be a whole number >= 0`, 2);
  return Number(text);
}

function positiveInt(text: string, flag: string): number {
  if (!/^[1-9][0-9]{0,12}$/.test(text)) throw new CliError(`${flag} must be a positive integer`, 2);
  return Number(text);
}
