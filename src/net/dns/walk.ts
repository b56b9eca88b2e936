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
 *
 * Speculation (hints.ts): with the snapshot's hints the walk guesses the chain up front — the root, the resolver
 * the root should name for the name's zone, the domain item computed from the zone's item code (plus its
 * expiry) — and asks all of them at once, with the root lookup. The walk itself is unchanged: it still goes hop
 * by hop from ConfigParam 4, and at each hop takes a speculative answer only if it asked exactly that contract
 * with exactly that rest of the name (same snapshot, same contract, same question: the same answer). From the
 * first hop that differs from the guesses it asks one hop after another, as without hints.
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
import type { DnsHints } from './hints.ts';
import { dnsItemAddress } from './item-address.ts';
import { dnsNameOfPrefix, encodeDnsName, normalizeDnsName } from './name.ts';
import { DNS_PREFIX_NEXT_RESOLVER, parseDnsRecord, parseDnsRecordSet } from './records.ts';
import type { DnsHop } from './hop.ts';
import { weakerTrust, type DnsAnswer, type DnsResolution, type DnsTrust } from './resolution.ts';
import { EXIT_ACCOUNT_INACTIVE, type DnsresolveAnswer, type DnsSnapshot } from './source.ts';
import { DEFAULT_MAX_HOPS } from './limits.ts';

/** dns-utils.fc `one_year`: 366 days. */
export const DNS_RENEWAL_PERIOD = 31_622_400;

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

/** A hop the walk expects to make: `contract` asked for the rest of the name after `consumed` bytes. */
export interface GuessedDnsHop {
  contract: Address;
  consumed: number;
  /** A domain item: its expiry is asked too. */
  item: boolean;
}

/**
 * The chain the hints predict for `internal` (the encoding of `name`): root (`\0ton\0alice\0`) -> the zone's
 * resolver (`\0alice\0`) -> the item of `alice` (`\0`, or `\0docs\0` for docs.alice.ton), DIGEST §9.2.
 */
export function guessDnsHops(hints: DnsHints, name: string, internal: Uint8Array): GuessedDnsHop[] {
  const guesses: GuessedDnsHop[] = [];
  if (hints.root) guesses.push({ contract: hints.root, consumed: 0, item: false });
  let zone: string | null = null;
  for (const z of Object.keys(hints.zones ?? {})) {
    if (name.endsWith(`.${z}`) && (zone === null || z.length > zone.length)) zone = z;
  }
  if (zone === null) return guesses;
  const hint = hints.zones![zone];
  // The root consumes `\0ton` (`\0me\0t` for t.me): the zone's encoding without its trailing \0.
  const zoneEnd = encodeDnsName(zone).length - 1;
  guesses.push({ contract: hint.resolver, consumed: zoneEnd, item: false });
  if (!hint.itemCode) return guesses;
  // The collection consumes `\0alice` and names the item of `alice`.
  let labelEnd = zoneEnd + 1;
  while (labelEnd < internal.length && internal[labelEnd] !== 0) labelEnd++;
  try {
    const item = dnsItemAddress(hint.resolver, hint.itemCode, internal.subarray(zoneEnd + 1, labelEnd));
    guesses.push({ contract: item, consumed: labelEnd, item: true });
  } catch {
    // not a label an item can hold: no guess
  }
  return guesses;
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
  const snapshotTrust: DnsTrust = snapshot.trust?.() ?? { level: 'single-source' };
  const context = (domain: string) => (domain === normalized ? '' : ` (resolving ${normalized})`);
  const fail = async (error: DnsError, withExpiry: boolean): Promise<never> => {
    // An expired parent explains a missing record or sub-domain better than the miss itself.
    if (withExpiry) await expiryOf(expiries, snapshot.now());
    throw error.withHops(hops.slice());
  };

  // Answers asked ahead of the walk, by contract and bytes consumed (see the header); expiry by contract.
  const ahead = new Map<string, Promise<DnsresolveAnswer>>();
  const fillUps = new Map<string, Promise<number | null>>();
  const hopKey = (contract: Address, consumed: number) => `${contract.toRawString()} ${consumed}`;
  const fillUpOf = (contract: Address): Promise<number | null> => {
    const key = contract.toRawString();
    let p = fillUps.get(key);
    if (!p) {
      p = snapshot.lastFillUpTime(contract);
      p.catch(() => undefined); // awaited later, or dropped; never an unhandled rejection
      fillUps.set(key, p);
    }
    return p;
  };

  try {
    const hints = snapshot.hints?.() ?? null;
    for (const guess of hints ? guessDnsHops(hints, normalized, internal) : []) {
      const answer = snapshot.dnsresolve(guess.contract, internal.subarray(guess.consumed), category);
      answer.catch(() => undefined); // awaited by the walk, or dropped; never an unhandled rejection
      ahead.set(hopKey(guess.contract, guess.consumed), answer);
      if (guess.item && checkExpiry) fillUpOf(guess.contract);
    }
    let contract = await snapshot.rootAddress();
    let consumed = 0;
    for (;;) {
      if (hops.length >= maxHops) {
        await fail(new DnsResolverError(contract, null, `more than ${maxHops} resolver hops`), false);
      }
      const query = internal.subarray(consumed);
      // Speculative expiry check for the domain's own item (see the header); discarded if it is not one.
      if (checkExpiry && hops.length > 0 && query.length === 1 && query[0] === 0) fillUpOf(contract);
      const answer = await (ahead.get(hopKey(contract, consumed)) ??
        snapshot.dnsresolve(contract, query, category));
      const hop: DnsHop = {
        contract,
        query,
        resolvedBits: answer.resolvedBits,
        exitCode: answer.exitCode,
        nextResolver: null,
        trust: answer.trust ?? snapshotTrust.level,
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
        const domain = dnsNameOfPrefix(internal, consumed) || normalized;
        expiries.push({ domain, contract, lastFillUp: fillUpOf(contract) });
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
        // Asked again now: a proof-checking snapshot knows its anchor once its block is proven (after the hops).
        const trust: DnsTrust = {
          ...(snapshot.trust?.() ?? snapshotTrust),
          level: hops.reduce((level, h) => weakerTrust(level, h.trust ?? level), snapshotTrust.level),
        };
        return {
          name: normalized,
          category,
          answer: result,
          hops,
          sources: [snapshot.label],
          expiresAt,
          resolvedAt: Math.floor(Date.now() / 1000),
          cached: false,
          trust,
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
    throw e.hops.length === 0 ? e.withHops(hops.slice()) : e;
  }
}
