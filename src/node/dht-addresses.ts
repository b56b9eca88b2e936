/**
 * DHT address lists for the ADNL records of a DNS answer (`tonsite resolve --json`, the `dht` field): each
 * distinct ADNL id is looked up in the DHT of the same global config, over direct UDP or, with `--bridge`,
 * through the bridge's /udp relay.
 */
import { WebSocket } from 'ws';
import type { DnsResolution } from '../net/dns/index.ts';
import { lookupAdnlAddresses, type AdnlAddressLookupJson } from '../net/dht/index.ts';
import { bridgeUdpUrl, openRelaySocket } from '../net/transport/index.ts';
import { openUdpSocket } from './udp-socket.ts';

/** The ADNL ids of a resolution's answer, without duplicates, in answer order. */
export function adnlIdsOf(res: DnsResolution): Uint8Array[] {
  const records =
    res.answer.kind === 'record' ? [res.answer.record] : res.answer.records.map((e) => e.record);
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const r of records) {
    if (r?.type !== 'adnl') continue;
    const hex = Buffer.from(r.adnl).toString('hex');
    if (!seen.has(hex)) {
      seen.add(hex);
      out.push(r.adnl);
    }
  }
  return out;
}

/** The DHT lookups for the ADNL records of `res`, or undefined when it has none. */
export async function dhtAddressesFor(
  res: DnsResolution,
  opts: { config: unknown; bridge?: string; timeoutMs: number },
): Promise<AdnlAddressLookupJson[] | undefined> {
  const adnlIds = adnlIdsOf(res);
  if (adnlIds.length === 0) return undefined;
  const config = opts.config; // one without a usable dht section is reported per id as `unavailable`
  const bridge = opts.bridge;
  return lookupAdnlAddresses({
    adnlIds,
    config,
    socket: () =>
      bridge === undefined
        ? openUdpSocket()
        : openRelaySocket(bridgeUdpUrl(bridge), { WebSocket, connectTimeoutMs: opts.timeoutMs }),
    timeoutMs: Math.min(opts.timeoutMs, 3000),
    attempts: 2,
  });
}
