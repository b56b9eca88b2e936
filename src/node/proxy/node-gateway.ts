/**
 * A Gateway (src/net/gateway) for Node hosts (`tonsite fetch`, `tonsite proxy`): the stack of a global config
 * (stackFromConfig: DNS through its liteservers with the network's hints, its DHT), ADNL over direct UDP or, with a
 * bridge, over its /udp relay (and the liteservers over its /tcp route).
 */
import { WebSocket } from 'ws';
import { AdnlNode } from '../../net/adnl/index.ts';
import { generateKeyPair } from '../../net/crypto/index.ts';
import { DhtClient } from '../../net/dht/index.ts';
import { Gateway, type GatewayOptions, type StaticPeer } from '../../net/gateway/index.ts';
import { stackFromConfig, type DnsVerification } from '../../net/stack/index.ts';
import { bridgeUdpUrl, openRelaySocket, type DatagramSocket } from '../../net/transport/index.ts';
import { FileAnchorStore } from '../anchor-file.ts';
import { CliError } from '../command.ts';
import { cliLitePool } from '../lite-pool.ts';
import { nativeAsymmetric, nativePrimitives } from '../native-crypto.ts';
import { readConfigFile } from '../network.ts';
import { openUdpSocket } from '../udp-socket.ts';

export interface NodeGatewayOptions {
  /** Global config (liteservers for DNS, dht for addresses). Without it only --peer works. */
  config?: unknown;
  /** The same read from a file (tests, benches). */
  configFile?: string;
  /** tonsite bridge base URL (ws://HOST:PORT): UDP through its relay, liteservers through its TCP route. */
  bridge?: string;
  /** Liteserver connect/query timeout (default 10 s). */
  timeoutMs?: number;
  /** DNS answers proven from a trusted key block (default) or only cross-checked on two liteservers. */
  verification?: DnsVerification;
  /** Wraps our datagram socket (fault injection in benchmarks and tests). */
  wrapSocket?: (socket: DatagramSocket) => DatagramSocket;
  gateway?: Partial<GatewayOptions>;
}

export interface NodeGateway {
  gateway: Gateway;
  /** What the config provided. */
  dns: boolean;
  dht: boolean;
  close(): Promise<void>;
}

/** Parses `PUBKEY_HEX@IP:PORT` (the --peer option). */
export function parsePeer(text: string): StaticPeer {
  const m = /^([0-9a-fA-F]{64})@(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text.trim());
  if (!m || Number(m[3]) < 1 || Number(m[3]) > 65535 || m[2].split('.').some((o) => Number(o) > 255)) {
    throw new CliError(
      `--peer must be PUBKEY_HEX@IP:PORT (64 hex digits, an IPv4 address, a port), got ${text}`,
      2,
    );
  }
  return { publicKey: new Uint8Array(Buffer.from(m[1], 'hex')), address: { host: m[2], port: Number(m[3]) } };
}

export async function createNodeGateway(options: NodeGatewayOptions): Promise<NodeGateway> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const bridge = options.bridge;
  if (bridge !== undefined) {
    try {
      bridgeUdpUrl(bridge);
    } catch (error) {
      throw new CliError(`--bridge: ${(error as Error).message}`, 2);
    }
  }
  // The config's liteservers (DNS, with the network's hints) and DHT; without a config only --peer works.
  const config = options.configFile !== undefined ? readConfigFile(options.configFile) : options.config;
  let stack = null;
  if (config) {
    try {
      stack = stackFromConfig(config, {
        pool: (servers) => cliLitePool(servers, bridge, timeoutMs),
        verification: options.verification,
        anchorStore: (zeroState) => new FileAnchorStore(zeroState),
      });
    } catch (error) {
      throw new CliError(`cannot use the network config: ${(error as Error).message}`);
    }
  }
  const dhtConfig = stack?.dht ?? null;
  const lite = stack?.dns ?? null;
  const openSocket = async (): Promise<DatagramSocket> => {
    try {
      return bridge === undefined
        ? await openUdpSocket()
        : await openRelaySocket(bridgeUdpUrl(bridge), {
            WebSocket: WebSocket as never,
            connectTimeoutMs: timeoutMs,
          });
    } catch (error) {
      throw new CliError(
        `cannot open ${bridge === undefined ? 'a UDP socket' : `the relay of ${bridge}`}: ${(error as Error).message}`,
      );
    }
  };
  const gateway = new Gateway({
    adnl: async () => {
      const socket = await openSocket();
      return new AdnlNode({
        socket: options.wrapSocket ? options.wrapSocket(socket) : socket,
        keyPair: generateKeyPair(),
        crypto: nativePrimitives, // Node has OpenSSL; the extension uses noble (src/net/crypto/primitives.ts)
        asymmetric: nativeAsymmetric,
      });
    },
    dht: dhtConfig
      ? (adnl) => new DhtClient({ adnl, config: dhtConfig, timeoutMs: 2000, attempts: 2 })
      : null,
    dns: lite?.resolver ?? null,
    ...options.gateway,
  });
  return {
    gateway,
    dns: lite !== null,
    dht: dhtConfig !== null,
    async close() {
      await gateway.close();
      lite?.pool.close();
    },
  };
}
