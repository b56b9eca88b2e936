/**
 * `tonsite status`: one health poll of every liteserver of a global config through the lite pool
 * (src/net/lite): reachable or not, latency, masterchain seqno, lag behind the best server. Direct TCP by
 * default; through a WebSocket bridge with --bridge (servers addressed by key, so the bridge's config may list
 * them in another order).
 */
import { WebSocket } from 'ws';
import { LitePool, liteServersFromConfig, LiteError, type LiteServerStatus } from '../../net/lite/index.ts';
import { bridgeTcpUrl, connectWebSocketStream, type StreamConnector } from '../../net/transport/index.ts';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { NETWORK_OPTIONS, networkFromOptions, networkUsage, type Network } from '../network.ts';
import { tcpConnector } from '../tcp-stream.ts';

export interface StatusReport {
  via: string;
  /** Highest masterchain seqno any server reported (null if none answered). */
  bestSeqno: number | null;
  reachable: number;
  servers: {
    index: number;
    host: string;
    port: number;
    key: string;
    reachable: boolean;
    latencyMs: number | null;
    seqno: number | null;
    lag: number | null;
    lagging: boolean;
    error: string | null;
  }[];
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'health of the liteservers of a global config (latency, seqno, lag)',
  usage: [
    'Usage: tonsite status [--network NET] [--bridge URL] [--json] [--timeout MS] [--max-lag N]',
    '',
    'Asks every liteserver of the config for its masterchain info (ADNL over TCP, or through the bridge)',
    'and prints, per server: reachable or not, latency, masterchain seqno and lag behind the best server.',
    'Exit code 0 when at least one server answered, 1 otherwise.',
    '',
    ...networkUsage(18),
    '  --bridge URL    go through a tonsite bridge (ws://HOST:PORT) instead of direct TCP',
    '  --json          one JSON object instead of a table',
    '  --timeout MS    connect and query timeout per server (default 5000)',
    '  --max-lag N     blocks behind the best before a server counts as lagging (default 8)',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      ...NETWORK_OPTIONS,
      bridge: { type: 'string' },
      json: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '5000' },
      'max-lag': { type: 'string', default: '8' },
    });
    const network = networkFromOptions(values)!;
    const timeoutMs = intOption(values.timeout, '--timeout', 1, 600_000);
    const maxLagBlocks = intOption(values['max-lag'], '--max-lag', 0, 1_000_000);
    const report = await checkStatus({
      network,
      bridge: values.bridge,
      timeoutMs,
      maxLagBlocks,
    });
    console.log(values.json ? JSON.stringify(report) : formatReport(report));
    return report.reachable > 0 ? 0 : 1;
  },
};

export async function checkStatus(options: {
  network: Network;
  bridge?: string;
  timeoutMs: number;
  maxLagBlocks?: number;
}): Promise<StatusReport> {
  const name = options.network.name;
  let servers;
  try {
    servers = liteServersFromConfig(options.network.config);
  } catch (error) {
    if (error instanceof LiteError) throw new CliError(`${name}: ${error.message}`);
    throw error;
  }
  if (servers.length === 0) throw new CliError(`${name}: no liteservers`);
  const bridge = options.bridge;
  if (bridge !== undefined) {
    try {
      bridgeTcpUrl(bridge, { server: 0 });
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
  }
  const connector = (server: (typeof servers)[number]): StreamConnector =>
    bridge === undefined
      ? tcpConnector(server.host, server.port, { connectTimeoutMs: options.timeoutMs })
      : () =>
          connectWebSocketStream(bridgeTcpUrl(bridge, { key: server.publicKey }), {
            WebSocket,
            connectTimeoutMs: options.timeoutMs,
          });
  const pool = new LitePool({
    servers,
    connector,
    queryTimeoutMs: options.timeoutMs,
    connectTimeoutMs: options.timeoutMs,
    healthCheckIntervalMs: 0,
    maxLagBlocks: options.maxLagBlocks,
    adnl: { pingIntervalMs: 0 },
  });
  let status: LiteServerStatus[];
  try {
    status = await pool.refresh(options.timeoutMs);
  } finally {
    pool.close();
  }
  const seqnos = status.filter((s) => s.reachable && s.lastSeqno !== null).map((s) => s.lastSeqno as number);
  return {
    via: bridge ?? 'tcp',
    bestSeqno: seqnos.length ? Math.max(...seqnos) : null,
    reachable: status.filter((s) => s.reachable).length,
    servers: status.map((s) => ({
      index: s.index,
      host: s.host,
      port: s.port,
      key: s.key,
      reachable: s.reachable === true,
      latencyMs: s.reachable ? s.latencyMs : null,
      seqno: s.reachable ? s.lastSeqno : null,
      lag: s.reachable ? s.lag : null,
      lagging: s.reachable === true && s.lagging,
      error: s.reachable ? null : s.lastError,
    })),
  };
}

export function formatReport(report: StatusReport): string {
  const rows = report.servers.map((s) => [
    String(s.index),
    `${s.host}:${s.port}`,
    s.key.slice(0, 8) + '…',
    s.reachable ? 'yes' : 'NO',
    s.latencyMs === null ? '-' : `${s.latencyMs} ms`,
    s.seqno === null ? '-' : String(s.seqno),
    s.lag === null ? '-' : s.lagging ? `${s.lag} (lagging)` : String(s.lag),
    s.error ?? '',
  ]);
  const head = ['#', 'address', 'key', 'reachable', 'latency', 'seqno', 'lag', 'error'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `via ${report.via}: ${report.reachable}/${report.servers.length} reachable, best seqno ${report.bestSeqno ?? '-'}`,
    line(head),
    ...rows.map(line),
  ].join('\n');
}

function intOption(text: string, flag: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new CliError(`${flag} must be an integer in ${min}..${max}`, 2);
  return n;
}
