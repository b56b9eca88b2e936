/**
 * `tonsite fetch URL`: like curl for TON Sites, on src/net/gateway — over direct UDP from Node or through a
 * bridge's relay; `--peer` skips DNS and the DHT; `--json` prints what happened (stages with durations, RLDP
 * version and retransmits, bytes, seconds, the body's sha256).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { GatewayError, type GatewayRequestLog, type GatewayResponse } from '../../net/gateway/index.ts';
import { headerProblem, type HeaderList } from '../../net/http/index.ts';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { NETWORK_OPTIONS, networkFromOptions, networkUsage } from '../network.ts';
import { OutputFile } from '../output-file.ts';
import { createNodeGateway, parsePeer } from '../proxy/node-gateway.ts';

export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'fetch a TON Site URL over RLDP (like curl), direct UDP or through a bridge',
  usage: [
    'Usage: tonsite fetch URL [-o FILE] [--json] [--network NET] [--peer PUBKEY_HEX@IP:PORT] [--bridge URL]',
    '                         [-X METHOD] [-H "Name: value"]... [-d DATA | -d @FILE] [-i]',
    '',
    'Fetches http://NAME.ton/..., http://NAME.t.me/..., http://<adnl>.adnl/... or http://<bag id>.bag/... (TON',
    'Storage: pieces from the seeders of the bag, each checked against its Merkle root): DNS through the liteservers',
    'of the config, the site address from its DHT, then HTTP over RLDP to the site. Redirects are not followed.',
    'The body goes to stdout (or FILE); exit code 0 for any HTTP answer, 1 when the site could not be reached.',
    '',
    '  -o, --output FILE   write the body to FILE',
    '  --json              print one JSON line: status, headers, bytes, seconds, sha256, stages, rldp, error',
    '                      (the body then only goes to -o FILE)',
    '  -i, --include       print the status line and headers before the body',
    '  --peer KEY@IP:PORT  send to this peer (hex ed25519 key) directly: no DNS, no DHT (for a .bag: a seeder);',
    '                      alone (without --network) it uses no network at all',
    ...networkUsage(22),
    '  --bridge URL        through a tonsite bridge (ws://HOST:PORT): UDP via /udp, liteservers via /tcp',
    '  -X, --request M     HTTP method (default GET, or POST with -d)',
    '  -H, --header H      extra request header "Name: value" (repeatable)',
    '  -d, --data DATA     request body (@FILE reads a file); Content-Type defaults to form-urlencoded',
    '  --timeout MS        liteserver timeout (default 10000)',
    '  --verify MODE       DNS answers: proof (default: proven from a trusted key block) or cross-checked',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      {
        output: { type: 'string', short: 'o' },
        json: { type: 'boolean', default: false },
        include: { type: 'boolean', short: 'i', default: false },
        peer: { type: 'string' },
        ...NETWORK_OPTIONS,
        bridge: { type: 'string' },
        request: { type: 'string', short: 'X' },
        header: { type: 'string', short: 'H', multiple: true },
        data: { type: 'string', short: 'd' },
        timeout: { type: 'string', default: '10000' },
        verify: { type: 'string', default: 'proof' },
      },
      true,
    );
    if (positionals.length !== 1) throw new CliError('give exactly one URL', 2);
    const url = positionals[0];
    const timeoutMs = /^\d{1,7}$/.test(values.timeout) ? Number(values.timeout) : NaN;
    if (!(timeoutMs >= 1)) throw new CliError('--timeout must be a positive integer (ms)', 2);
    const peer = values.peer !== undefined ? parsePeer(values.peer) : undefined;
    const network = networkFromOptions(values, peer ? 'none' : 'mainnet');
    const headers = parseHeaders(values.header ?? []);
    let body: Uint8Array | null = null;
    if (values.data !== undefined) {
      body = values.data.startsWith('@')
        ? readData(values.data.slice(1))
        : new TextEncoder().encode(values.data);
      if (!headers.some(([n]) => n.toLowerCase() === 'content-type')) {
        headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
      }
    }
    const method = values.request ?? (body ? 'POST' : 'GET');

    let lastLog: GatewayRequestLog | null = null;
    if (values.verify !== 'proof' && values.verify !== 'cross-checked')
      throw new CliError(`--verify must be proof or cross-checked, got '${values.verify}'`, 2);
    const node = await createNodeGateway({
      config: network?.config,
      bridge: values.bridge,
      timeoutMs,
      verification: values.verify,
      gateway: { onRequestLog: (log) => (lastLog = log) },
    });
    const started = performance.now();
    try {
      let response: GatewayResponse;
      try {
        response = await node.gateway.fetch(url, { method, headers, body, peer });
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        if (values.json) console.log(JSON.stringify(failureJson(url, error, started, lastLog)));
        else console.error(`tonsite fetch: [${error.stage}] ${error.message}`);
        return 1;
      }
      const out = values.output ? new OutputFile(values.output) : null;
      const toStdout = !out && !values.json;
      // A closed pipe (`| head`) surfaces as the failed write below; without a listener it would crash us.
      const ignore = (): void => {};
      if (toStdout) process.stdout.on('error', ignore);
      if (values.include && toStdout) process.stdout.write(formatHead(response));
      const hash = createHash('sha256');
      let failure: GatewayError | null = null;
      let complete = false;
      try {
        if (response.body) {
          const reader = response.body.getReader();
          for (;;) {
            const r = await reader.read();
            if (r.done) break;
            hash.update(r.value);
            if (out) await out.write(r.value);
            else if (toStdout) await write(process.stdout, r.value);
          }
        }
        complete = true;
      } catch (error) {
        // The reader of our stdout went away (`tonsite fetch ... | head`): stop quietly, like curl.
        if ((error as NodeJS.ErrnoException)?.code === 'EPIPE') return 0;
        if (!(error instanceof GatewayError)) throw error;
        failure = error;
      } finally {
        // Only a whole body reaches FILE; a failed transfer leaves FILE as it was (output-file.ts).
        if (out && complete) await out.commit();
        else if (out) await out.abort();
        if (toStdout) process.stdout.off('error', ignore);
      }
      const log = await response.done;
      const seconds = (performance.now() - started) / 1000;
      if (values.json) {
        const stats = await node.gateway.rldpStats(response.site.adnlId);
        console.log(
          JSON.stringify({
            ok: failure === null,
            url: response.url,
            status: response.status,
            statusText: response.statusText,
            headers: response.headers,
            bytes: log.bytes,
            seconds: round(seconds),
            mbps: round(log.bytes / seconds / 1e6),
            sha256: failure ? null : hash.digest('hex'),
            stages: log.stages,
            site: { adnl: response.site.adnl, address: log.address, kind: response.site.kind },
            rldp: stats && {
              version: stats.version,
              retransmits: stats.retransmits,
              bytesIn: stats.bytesIn,
              bytesOut: stats.bytesOut,
            },
            ...(failure && { error: { stage: failure.stage, message: failure.message, code: failure.code } }),
          }),
        );
      }
      if (failure) {
        if (!values.json) console.error(`tonsite fetch: [${failure.stage}] ${failure.message}`);
        return 1;
      }
      return 0;
    } finally {
      await node.close();
    }
  },
};

function parseHeaders(list: string[]): HeaderList {
  return list.map((h) => {
    const i = h.indexOf(':');
    if (i <= 0) throw new CliError(`-H wants "Name: value", got ${JSON.stringify(h)}`, 2);
    const header: [string, string] = [h.slice(0, i).trim(), h.slice(i + 1).trim()];
    const problem = headerProblem(...header);
    if (problem) throw new CliError(`-H: ${problem}`, 2);
    return header;
  });
}

function readData(file: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(file));
  } catch (error) {
    throw new CliError(`-d @${file}: ${(error as Error).message}`, 2);
  }
}

function write(stream: NodeJS.WriteStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

function formatHead(r: GatewayResponse): string {
  return [
    `${r.httpVersion} ${r.status} ${r.statusText}`,
    ...r.headers.map(([n, v]) => `${n}: ${v}`),
    '',
    '',
  ].join('\r\n');
}

function failureJson(url: string, error: GatewayError, started: number, log: GatewayRequestLog | null) {
  return {
    ok: false,
    url,
    seconds: round((performance.now() - started) / 1000),
    stages: log?.stages ?? [],
    error: { stage: error.stage, message: error.message, code: error.code },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
