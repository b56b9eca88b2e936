/**
 * Host → site: a TON DNS name to its site record (an ADNL id, or a bag for TON Storage sites), cached for
 * `siteTtlMs` with in-flight resolutions shared by concurrent requests; `.adnl` and `.bag` hosts name their site
 * directly. Also the one-time DHT warm-up that runs while the first name resolves.
 */
import { adnlIdToText } from '../crypto/index.ts';
import { DnsError, DNS_CATEGORY_SITE, type DnsRecord, type DnsResolver } from '../dns/index.ts';
import { hexOf } from '../http/index.ts';
import { GatewayError } from './errors.ts';
import type { RequestLog } from './request-log.ts';
import type { SiteTarget } from './target.ts';
import type { AddressResolver } from './types.ts';

/** Entry nodes pinged by the warm-up (a lookup starts from the few closest to its key, unknown before DNS). */
const DHT_WARM_UP_NODES = 6;

export type ResolvedSite =
  | { adnlId: Uint8Array; bagId?: undefined; record?: DnsRecord; expiresAt: number }
  | { bagId: Uint8Array; adnlId?: undefined; record?: DnsRecord; expiresAt: number };

/** What the resolver reads from the gateway's options (read at each use, as the options object may change). */
export interface SiteResolverOptions {
  readonly dns?: DnsResolver | null;
  readonly siteTtlMs?: number;
}

export class SiteResolver {
  readonly #options: SiteResolverOptions;
  readonly #now: () => number;
  readonly #sites = new Map<string, ResolvedSite>();
  readonly #inflight = new Map<string, Promise<ResolvedSite>>();
  #dhtWarmedUp = false;

  constructor(options: SiteResolverOptions, now: () => number) {
    this.#options = options;
    this.#now = now;
  }

  /** Forgets every cached resolution. */
  clear(): void {
    this.#sites.clear();
  }

  /** The cached, unexpired resolution of a DNS name. */
  cached(name: string): ResolvedSite | undefined {
    const cached = this.#sites.get(name);
    return cached && cached.expiresAt > Date.now() ? cached : undefined;
  }

  /**
   * Once per gateway, on the first DNS resolution that goes to the network: ping a few DHT entry nodes while
   * the name resolves (several round trips), so the DHT lookup after it starts on open ADNL channels. Nothing
   * waits for it and its failures are of no consequence (the lookup itself reports DHT trouble).
   */
  warmUpDht(stackReady: Promise<{ readonly dht: AddressResolver | null }>): void {
    if (this.#dhtWarmedUp) return;
    this.#dhtWarmedUp = true;
    stackReady
      .then(({ dht }) => {
        const nodes = dht?.config?.staticNodes ?? [];
        if (!dht?.ping) return;
        const ping = dht.ping.bind(dht);
        return Promise.allSettled(nodes.slice(0, DHT_WARM_UP_NODES).map((node) => ping(node)));
      })
      .catch(() => undefined);
  }

  /** The site of `target`, logged as the 'dns' stage for DNS names (cached: 0 ms). */
  async resolve(target: SiteTarget, log: RequestLog): Promise<ResolvedSite> {
    if (target.kind === 'adnl') return { adnlId: target.adnlId, expiresAt: Infinity };
    if (target.kind === 'bag') return { bagId: target.bagId, expiresAt: Infinity };
    const t = this.#now();
    const cached = this.cached(target.name);
    if (cached) {
      log.stage('dns', t, siteText(cached), true);
      return cached;
    }
    let inflight = this.#inflight.get(target.name);
    if (!inflight) {
      inflight = this.#resolveDns(target.host, target.name).finally(() => this.#inflight.delete(target.name));
      this.#inflight.set(target.name, inflight);
    }
    const site = await inflight.catch((error: unknown) => {
      throw log.failed('dns', t, error);
    });
    log.stage('dns', t, siteText(site));
    return site;
  }

  async #resolveDns(host: string, name: string): Promise<ResolvedSite> {
    const dns = this.#options.dns;
    if (!dns)
      throw new GatewayError(
        'dns',
        host,
        `cannot resolve ${host}: no TON DNS configured (give a global config)`,
      );
    let record: DnsRecord;
    try {
      const resolution = await dns.resolve(name, DNS_CATEGORY_SITE);
      if (resolution.answer.kind !== 'record')
        throw new GatewayError('dns', host, `${host}: unexpected DNS answer`);
      record = resolution.answer.record;
    } catch (error) {
      if (error instanceof GatewayError) throw error;
      if (error instanceof DnsError) {
        throw new GatewayError('dns', host, error.message, { cause: error, code: error.code });
      }
      throw new GatewayError('dns', host, `DNS lookup of ${host} failed: ${String(error)}`, { cause: error });
    }
    if (record.type === 'storage') {
      const bag: ResolvedSite = {
        bagId: record.bagId,
        record,
        expiresAt: Date.now() + (this.#options.siteTtlMs ?? 300_000),
      };
      this.#sites.set(name, bag);
      return bag;
    }
    if (record.type !== 'adnl') {
      throw new GatewayError(
        'dns',
        host,
        `${host}: the site record is a ${record.type} record, not an ADNL address`,
        {
          code: 'bad_record',
        },
      );
    }
    const site: ResolvedSite = {
      adnlId: record.adnl,
      record,
      expiresAt: Date.now() + (this.#options.siteTtlMs ?? 300_000),
    };
    this.#sites.set(name, site);
    return site;
  }
}

/** What a resolution found, for the log: the ADNL address or the bag id. */
function siteText(site: ResolvedSite): string {
  return site.adnlId ? adnlIdToText(site.adnlId) : `bag ${hexOf(site.bagId)}`;
}
