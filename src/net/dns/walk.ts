/**
 * The resolution walk (TEP-81, DIGEST §9.2): dnsresolve on the root, then on every dns_next_resolver with the
 * unresolved rest of the name, until one resolver answers for the whole rest.
 *
 *   alice.ton:       root("\0ton\0alice\0") 32 bits -> .ton collection("\0alice\0") 48 bits -> item("\0") 8 bits
 *   docs.alice.ton:  ... -> alice's item("\0docs\0") 8 bits + its dns_next_resolver -> sub-resolver("\0docs\0") ...
 *
 * A resolver that answers for just itself (argument starting with `\0`, 8 bits resolved) is a domain item; when
 * it has `get_last_fill_up_time` (dns-contract nft-item) the domain's expiry is checked: not renewed for more
 * than a year (dns-utils.fc `one_year`) = expired. Those calls run alongside the walk, not after it: a hop asked
 * for just `\0` (the last hop of a domain) is an item in all likelihood, so its expiry is asked together with
 * its dnsresolve (one round trip, not two) and used only if the item indeed answers for just itself.
 */
import type { Address, Cell } from '@ton/core';
import { dnsCategoryLabel, DNS_CATEGORY_ALL } from './categories.ts';
import {
  DnsError,
  DnsExpiredError,
  DnsNoRecordError,
  DnsNotRegisteredError,
  DnsResolverError,
  DnsSourceError,
} from './errors.ts';
import { dnsNameOfPrefix, encodeDnsName, normalizeDnsName } from './name.ts';
import { DNS_PREFIX_NEXT_RESOLVER, parseDnsRecord, parseDnsRecordSet } from './records.ts';
import type { DnsAnswer, DnsHop, DnsResolution } from './resolution.ts';
import { EXIT_ACCOUNT_INACTIVE, type DnsSnapshot } from './source.ts';

/** dns-utils.fc `one_year`: 366 days. */
export const DNS_RENEWAL_PERIOD = 31_622_400;
/** Each hop consumes at least one byte of at most 127, but no sane chain is this long. */
export const DEFAULT_MAX_HOPS = 16;

export interface DnsWalkOptions {
  /** Check expiry of domain items (one extra get method per item, run in parallel). Default true. */
  checkExpiry?: boolean;
  maxHops?: number;
}

interface ExpiryCheck {
  domain: string;
  contract: Address;
  lastFillUp: Promise<number | null>;
}

function asSourceError(snapshot: DnsSnapshot, error: unknown): DnsError {
  if (error instanceof DnsError) return error;
  return new DnsSourceError(snapshot.label, (error as Error)?.message ?? String(error), { cause: error });
}

/** The domain named by the consumed prefix plus the next label of the rest (`com` for `alice.com` at the root). */
function nextDomain(internal: Uint8Array, consumed: number): string {
  let end = consumed;
  while (end < internal.length && internal[end] === 0) end++;
  while (end < internal.length && internal[end] !== 0) end++;
  return dnsNameOfPrefix(internal, end);
}

function readNextResolver(hop: DnsHop, result: Cell): Address {
  let record;
  try {
    record = parseDnsRecord(result);
  } catch (error) {
    throw new DnsResolverError(
      hop.contract,
      hop.exitCode,
      `partial answer with a malformed record: ${(error as Error).message}`,
    );
  }
  if (record.type !== 'next_resolver') {
    throw new DnsResolverError(
      hop.contract,
      hop.exitCode,
      `partial answer (${hop.resolvedBits} bits) without a dns_next_resolver record (prefix 0x${DNS_PREFIX_NEXT_RESOLVER.toString(16)} expected)`,
    );
  }
  return record.address;
}

async function expiryOf(checks: ExpiryCheck[], now: number): Promise<number | null> {
  let expiresAt: number | null = null;
  for (const check of checks) {
    const last = await check.lastFillUp;
    if (last === null) continue;
    const end = last + DNS_RENEWAL_PERIOD;
    if (now > end) throw new DnsExpiredError(check.domain, check.contract, end);
    expiresAt = expiresAt === null ? end : Math.min(expiresAt, end);
  }
  return expiresAt;
}

/** Resolves `name` for `category` (0 = all records) on one snapshot. Throws DnsError subclasses only. */
export async function walkDns(
  snapshot: DnsSnapshot,
  name: string,
  category: bigint,
  options: DnsWalkOptions = {},
): Promise<DnsResolution> {
  const normalized = normalizeDnsName(name);
  const internal = encodeDnsName(normalized);
  const maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
  const checkExpiry = options.checkExpiry ?? true;
  const hops: DnsHop[] = [];
  const expiries: ExpiryCheck[] = [];
  const context = (domain: string) => (domain === normalized ? '' : ` (resolving ${normalized})`);
  const fail = async (error: DnsError, withExpiry: boolean): Promise<never> => {
    // An expired parent explains a missing record or sub-domain better than the miss itself.
    if (withExpiry) await expiryOf(expiries, snapshot.now());
    error.hops = hops.slice();
    throw error;
  };

  try {
    // A likely root's first hop goes out with the root lookup; used only if the root turns out to be it.
    const guess = snapshot.rootGuess?.() ?? null;
    const guessed = guess ? snapshot.dnsresolve(guess, internal, category) : null;
    guessed?.catch(() => undefined); // awaited below, or dropped; never an unhandled rejection
    let contract = await snapshot.rootAddress();
    let consumed = 0;
    for (;;) {
      if (hops.length >= maxHops) {
        await fail(new DnsResolverError(contract, null, `more than ${maxHops} resolver hops`), false);
      }
      const query = internal.subarray(consumed);
      // Speculative expiry check for the domain's own item (see the header); discarded if it is not one.
      let lastFillUp: Promise<number | null> | null = null;
      if (checkExpiry && hops.length > 0 && query.length === 1 && query[0] === 0) {
        lastFillUp = snapshot.lastFillUpTime(contract);
        lastFillUp.catch(() => undefined); // awaited later, or dropped; never an unhandled rejection
      }
      const answer =
        hops.length === 0 && guessed && guess!.equals(contract)
          ? await guessed
          : await snapshot.dnsresolve(contract, query, category);
      const hop: DnsHop = {
        contract,
        query,
        resolvedBits: answer.resolvedBits,
        exitCode: answer.exitCode,
        nextResolver: null,
      };
      hops.push(hop);

      if (answer.exitCode === EXIT_ACCOUNT_INACTIVE) {
        if (hops.length === 1)
          await fail(
            new DnsResolverError(contract, answer.exitCode, 'the root resolver does not exist'),
            false,
          );
        const prev = hops[hops.length - 2];
        const prefix = dnsNameOfPrefix(internal, consumed);
        // An item that answered only for itself pointed here: this contract holds the sub-domains of `prefix`.
        const forSubdomains = prev.query[0] === 0 && prev.resolvedBits === 8;
        const domain = forSubdomains ? nextDomain(internal, consumed) : prefix;
        const detail = forSubdomains
          ? `the sub-domain resolver ${contract.toString()} of ${prefix} does not exist`
          : `its contract ${contract.toString()} does not exist`;
        await fail(
          new DnsNotRegisteredError(domain, 'no_contract', contract, detail + context(domain)),
          true,
        );
      }
      if (answer.exitCode !== 0 && answer.exitCode !== 1) {
        await fail(
          new DnsResolverError(contract, answer.exitCode, `dnsresolve exit code ${answer.exitCode}`),
          false,
        );
      }
      const bits = answer.resolvedBits;
      if (!Number.isSafeInteger(bits) || bits < 0 || bits % 8 !== 0 || bits > query.length * 8) {
        await fail(
          new DnsResolverError(contract, answer.exitCode, `resolved ${bits} bits of ${query.length * 8}`),
          false,
        );
      }
      if (bits === 0) {
        const domain = nextDomain(internal, consumed);
        const what = hops.length === 1 ? 'the root resolver' : `resolver ${contract.toString()}`;
        await fail(
          new DnsNotRegisteredError(
            domain,
            'unknown_label',
            contract,
            `${what} does not know it${context(domain)}`,
          ),
          true,
        );
      }

      if (checkExpiry && query[0] === 0 && bits === 8) {
        if (!lastFillUp) {
          lastFillUp = snapshot.lastFillUpTime(contract);
          lastFillUp.catch(() => undefined); // awaited later; never an unhandled rejection
        }
        expiries.push({ domain: dnsNameOfPrefix(internal, consumed) || normalized, contract, lastFillUp });
      }

      if (bits === query.length * 8) {
        let result: DnsAnswer;
        if (category === DNS_CATEGORY_ALL) {
          result = { kind: 'all', records: parseDnsRecordSet(answer.result) };
        } else {
          if (answer.result === null) {
            await fail(
              new DnsNoRecordError(normalized, category, dnsCategoryLabel(category), contract),
              true,
            );
          }
          result = { kind: 'record', record: parseDnsRecord(answer.result as Cell) };
        }
        const expiresAt = await expiryOf(expiries, snapshot.now());
        return {
          name: normalized,
          category,
          answer: result,
          hops,
          sources: [snapshot.label],
          expiresAt,
          resolvedAt: Math.floor(Date.now() / 1000),
          cached: false,
        };
      }

      // Partial: the result must name the next resolver for the rest (which keeps its leading \0).
      if (answer.result === null) {
        const domain = nextDomain(internal, consumed + bits / 8);
        const parent = dnsNameOfPrefix(internal, consumed + bits / 8);
        await fail(
          new DnsNotRegisteredError(
            domain,
            'unknown_label',
            contract,
            `${parent} has no resolver for its sub-domains${context(domain)}`,
          ),
          true,
        );
      }
      hop.nextResolver = readNextResolver(hop, answer.result as Cell);
      contract = hop.nextResolver;
      consumed += bits / 8;
    }
  } catch (error) {
    const e = asSourceError(snapshot, error);
    if (e.hops.length === 0) e.hops = hops.slice();
    throw e;
  }
}
