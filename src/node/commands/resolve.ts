/**
 * `tonsite resolve NAME`: TON DNS resolution (src/net/dns) through the liteservers of a global config, over
 * direct TCP or a WebSocket bridge. By default every answer is proven from a trusted key block (issue 14:
 * block-proof chain, account-state proofs, dnsresolve computed from the proven data); a server whose answer fails
 * verification is skipped for the next. `--verify cross-checked` relaxes that to comparing two liteservers.
 * `--trace` prints every hop, like `dig +trace`. The `--json` output is documented in README.md
 * ("tonsite resolve --json").
 */
import {
  DnsError,
  dnsCategoryLabel,
  describeDnsBytes,
  errorToJson,
  EXIT_ACCOUNT_INACTIVE,
  normalizeDnsName,
  parseDnsCategory,
  recordToJson,
  resolutionToJson,
  type DnsHop,
  type DnsRecordJson,
  type DnsResolution,
} from '../../net/dns/index.ts';
import { stackFromConfig, type DnsVerification } from '../../net/stack/index.ts';
import { bridgeTcpUrl } from '../../net/transport/index.ts';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { dhtAddressesFor } from '../dht-addresses.ts';
import { FileAnchorStore } from '../anchor-file.ts';
import { cliLitePool } from '../lite-pool.ts';
import { NETWORK_OPTIONS, networkFromOptions, networkUsage, type Network } from '../network.ts';

export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'resolve a .ton / .t.me name through the DNS contracts (like dig)',
  usage: [
    'Usage: tonsite resolve NAME [--network NET] [--category CAT] [--bridge URL] [--json] [--trace]',
    '',
    'Walks dnsresolve from the root DNS contract (ConfigParam 4) through every dns_next_resolver, on the',
    'liteservers of the config. Every answer is proven from a trusted key block (the config, the release or',
    'the last verified one): block signatures, Merkle proofs of each contract state, dnsresolve computed from',
    'the proven data. The output says how far it is proven: proof, cross-checked (a resolver whose code we',
    'cannot run natively, asked on two liteservers) or single-source.',
    '',
    ...networkUsage(19),
    '  --category CAT   site (default), storage, wallet, dns_next_resolver, all, or 64 hex digits',
    '  --bridge URL     go through a tonsite bridge (ws://HOST:PORT) instead of direct TCP',
    '  --json           one JSON object (see README: "tonsite resolve --json"); for ADNL records it also',
    '                   looks the ADNL ids up in the DHT of the config (field `dht`)',
    '  --no-dht         with --json: skip the DHT lookup of ADNL records',
    '  --trace          print every hop: contract, argument, bits resolved, next resolver',
    '  --single         use one liteserver even when the config has more (no failover, no cross-check)',
    '  --verify MODE    proof (default) or cross-checked: skip the proofs, compare two liteservers instead',
    '  --timeout MS     connect and query timeout (default 10000)',
    '',
    'Exit code: 0 resolved; 1 not registered, expired, no such record, resolver failure, disagreement or',
    'unreachable liteservers; 2 usage errors (bad option, invalid name or category).',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseOptions(
      args,
      {
        ...NETWORK_OPTIONS,
        category: { type: 'string', default: 'site' },
        bridge: { type: 'string' },
        json: { type: 'boolean', default: false },
        trace: { type: 'boolean', default: false },
        single: { type: 'boolean', default: false },
        verify: { type: 'string', default: 'proof' },
        'no-dht': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '10000' },
      },
      true,
    );
    if (positionals.length !== 1) throw new CliError('give exactly one NAME', 2);
    const network = networkFromOptions(values)!;
    const timeoutMs = /^\d{1,7}$/.test(values.timeout) ? Number(values.timeout) : NaN;
    if (!(timeoutMs >= 1)) throw new CliError('--timeout must be a positive integer (ms)', 2);
    let name: string;
    let category: bigint;
    try {
      name = normalizeDnsName(positionals[0]);
      category = parseDnsCategory(values.category);
    } catch (error) {
      if (values.json) console.log(JSON.stringify({ ok: false, error: errorToJson(error as DnsError) }));
      throw new CliError((error as Error).message, 2);
    }

    const verification = values.verify;
    if (verification !== 'proof' && verification !== 'cross-checked')
      throw new CliError(`--verify must be proof or cross-checked, got '${verification}'`, 2);
    const {
      pool,
      resolver,
      trust: stackTrust,
    } = openDns(network, values.bridge, timeoutMs, values.single, verification);
    let trust: string = stackTrust;
    try {
      try {
        const res = await resolver.resolve(name, category);
        trust = res.trust?.level ?? trust;
        if (values.json) {
          const dht = values['no-dht']
            ? undefined
            : await dhtAddressesFor(res, { config: network.config, bridge: values.bridge, timeoutMs });
          console.log(
            JSON.stringify({
              ok: true,
              trust,
              ...(res.trust?.block && { block: res.trust.block }),
              ...(res.trust?.anchor && { anchor: res.trust.anchor }),
              resolution: resolutionToJson(res),
              ...(dht && { dht }),
            }),
          );
        } else console.log(formatResolution(res, trust, values.trace));
        return 0;
      } catch (error) {
        if (!(error instanceof DnsError)) throw error;
        if (values.json)
          console.log(JSON.stringify({ ok: false, trust: stackTrust, error: errorToJson(error) }));
        else {
          if (values.trace) console.error(formatHops(error.hops));
          console.error(`tonsite resolve: ${error.message}`);
        }
        return 1;
      }
    } finally {
      pool.close();
    }
  },
};

/** DNS over the config's liteservers (stackFromConfig: cross-checked on two unless --single, the network's hints). */
function openDns(
  network: Network,
  bridge: string | undefined,
  timeoutMs: number,
  single: boolean,
  verification: DnsVerification,
) {
  if (bridge !== undefined) {
    try {
      bridgeTcpUrl(bridge, { server: 0 });
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
  }
  let stack;
  try {
    stack = stackFromConfig(network.config, {
      pool: (servers) => cliLitePool(servers, bridge, timeoutMs),
      single,
      verification,
      anchorStore: (zeroState) => new FileAnchorStore(zeroState),
    });
  } catch (error) {
    throw new CliError(`cannot use config ${network.name}: ${(error as Error).message}`);
  }
  if (stack.serversError)
    throw new CliError(`cannot use config ${network.name}: ${stack.serversError.message}`);
  if (!stack.dns) throw new CliError(`${network.name}: no liteservers`);
  return stack.dns;
}

function formatRecord(r: DnsRecordJson): string {
  switch (r.type) {
    case 'adnl':
      return `adnl ${r.adnlText}.adnl (${r.adnl})${r.protocols ? ` protocols: ${r.protocols.join(', ') || 'none'}` : ''}`;
    case 'storage':
      return `storage bag ${r.bagId}`;
    case 'smc':
      return `smc ${r.addressFriendly} (${r.address})`;
    case 'next_resolver':
      return `next_resolver ${r.addressFriendly} (${r.address})`;
    case 'text':
      return `text ${JSON.stringify(r.text)}`;
    case 'unknown':
      return `unknown record type 0x${r.prefix}`;
  }
}

function formatHops(hops: readonly DnsHop[]): string {
  return hops
    .map((h, i) => {
      const asked = JSON.stringify(new TextDecoder().decode(h.query)).replace(/\\u0000/g, '\\0');
      const part = h.resolvedBits > 0 ? describeDnsBytes(h.query.subarray(0, h.resolvedBits / 8)) : '-';
      const outcome =
        h.exitCode === EXIT_ACCOUNT_INACTIVE
          ? 'no such contract'
          : h.exitCode !== 0 && h.exitCode !== 1
            ? `exit code ${h.exitCode}`
            : h.nextResolver
              ? `next resolver ${h.nextResolver.toString()}`
              : h.resolvedBits === 0
                ? 'unknown'
                : 'answer';
      return `;; hop ${i + 1}: ${h.contract.toString()} dnsresolve(${asked}) -> ${h.resolvedBits} bits (${part}), ${outcome}`;
    })
    .join('\n');
}

export function formatResolution(res: DnsResolution, trust: string, trace: boolean): string {
  const lines: string[] = [];
  if (trace) lines.push(formatHops(res.hops));
  const label = dnsCategoryLabel(res.category);
  if (res.answer.kind === 'record')
    lines.push(`${res.name}\t${label}\t${formatRecord(recordToJson(res.answer.record))}`);
  else if (res.answer.records.length === 0) lines.push(`${res.name}\t(no records)`);
  else
    for (const e of res.answer.records) {
      const text = e.record ? formatRecord(recordToJson(e.record)) : `malformed: ${e.error.message}`;
      lines.push(`${res.name}\t${dnsCategoryLabel(e.category)}\t${text}`);
    }
  const expiry = res.expiresAt === null ? '' : `, expires ${new Date(res.expiresAt * 1000).toISOString()}`;
  const anchor = res.trust?.anchor ? ` (anchor: ${res.trust.anchor.source} ${res.trust.anchor.seqno})` : '';
  lines.push(
    `;; ${res.trust?.level ?? trust} from ${res.sources.join(' and ')}${anchor}, ${res.hops.length} hops${expiry}`,
  );
  return lines.join('\n');
}
