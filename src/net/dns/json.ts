/**
 * JSON forms of records, resolutions and errors: the `tonsite resolve --json` output (documented in README) and
 * what the cache stores. Ids are lowercase hex; addresses raw (`0:ab…`) plus the user-friendly form.
 */
import { Address, Cell } from '@ton/core';
import { adnlIdToText } from '../crypto/index.ts';
import { base64Decode, base64Encode } from '../transport/index.ts';
import { asBuffer, fromBuffer, fromHex, toHex } from './bytes.ts';
import { dnsCategoryLabel } from './categories.ts';
import {
  DnsDisagreementError,
  DnsError,
  DnsExpiredError,
  DnsNoRecordError,
  DnsNotRegisteredError,
  DnsRecordParseError,
  DnsResolverError,
  DnsSourceError,
  type DnsErrorCode,
} from './errors.ts';
import type { DnsProtocol, DnsRecord, DnsRecordSetEntry, DnsSmcCapability } from './records.ts';
import type { DnsHop } from './hop.ts';
import type { DnsAnswer, DnsResolution, DnsTrust, DnsTrustLevel } from './resolution.ts';

export type DnsRecordJson =
  | { type: 'adnl'; adnl: string; adnlText: string; protocols: DnsProtocol[] | null }
  | { type: 'storage'; bagId: string }
  | { type: 'smc'; address: string; addressFriendly: string; capabilities: DnsSmcCapability[] | null }
  | { type: 'next_resolver'; address: string; addressFriendly: string }
  | { type: 'text'; text: string }
  | { type: 'unknown'; prefix: string; boc: string };

export interface DnsHopJson {
  contract: string;
  contractFriendly: string;
  /** The dnsresolve argument, hex. */
  query: string;
  resolvedBits: number;
  exitCode: number;
  nextResolver: string | null;
  trust?: DnsTrustLevel;
}

export type DnsAnswerJson =
  | { kind: 'record'; record: DnsRecordJson }
  | {
      kind: 'all';
      records: Array<{
        category: string;
        categoryName: string;
        record: DnsRecordJson | null;
        error?: string;
      }>;
    };

export interface DnsResolutionJson {
  name: string;
  category: string;
  categoryName: string;
  answer: DnsAnswerJson;
  hops: DnsHopJson[];
  sources: string[];
  expiresAt: number | null;
  resolvedAt: number;
  cached: boolean;
  /** DnsTrust as it is (strings and numbers only). */
  trust?: DnsTrust;
}

export interface DnsErrorJson {
  code: DnsErrorCode;
  message: string;
  hops: DnsHopJson[];
  domain?: string;
  contract?: string;
  exitCode?: number | null;
  reason?: string;
  expiredAt?: number;
  category?: string;
  sources?: [string, string];
  outcomes?: [string, string];
  source?: string;
}

const hex64 = (v: bigint) => v.toString(16).padStart(64, '0');
const friendly = (a: Address) => a.toString({ bounceable: true, urlSafe: true, testOnly: false });

export function recordToJson(record: DnsRecord): DnsRecordJson {
  switch (record.type) {
    case 'adnl':
      return {
        type: 'adnl',
        adnl: toHex(record.adnl),
        adnlText: adnlIdToText(record.adnl),
        protocols: record.protocols,
      };
    case 'storage':
      return { type: 'storage', bagId: toHex(record.bagId) };
    case 'smc':
      return {
        type: 'smc',
        address: record.address.toRawString(),
        addressFriendly: friendly(record.address),
        capabilities: record.capabilities,
      };
    case 'next_resolver':
      return {
        type: 'next_resolver',
        address: record.address.toRawString(),
        addressFriendly: friendly(record.address),
      };
    case 'text':
      return { type: 'text', text: record.text };
    case 'unknown':
      return {
        type: 'unknown',
        prefix: record.prefix.toString(16).padStart(4, '0'),
        boc: base64Encode(fromBuffer(record.cell.toBoc())),
      };
  }
}

export function recordFromJson(json: DnsRecordJson): DnsRecord {
  switch (json.type) {
    case 'adnl':
      return { type: 'adnl', adnl: fromHex(json.adnl, 32), protocols: json.protocols };
    case 'storage':
      return { type: 'storage', bagId: fromHex(json.bagId, 32) };
    case 'smc':
      return { type: 'smc', address: Address.parseRaw(json.address), capabilities: json.capabilities };
    case 'next_resolver':
      return { type: 'next_resolver', address: Address.parseRaw(json.address) };
    case 'text':
      return { type: 'text', text: json.text };
    case 'unknown':
      return {
        type: 'unknown',
        prefix: parseInt(json.prefix, 16),
        cell: Cell.fromBoc(asBuffer(base64Decode(json.boc)))[0],
      };
    default:
      throw new DnsRecordParseError(`unknown record type in JSON`);
  }
}

const TRUST_LEVELS: readonly DnsTrustLevel[] = ['proof', 'cross-checked', 'single-source'];

function hopToJson(hop: DnsHop): DnsHopJson {
  return {
    contract: hop.contract.toRawString(),
    contractFriendly: friendly(hop.contract),
    query: toHex(hop.query),
    resolvedBits: hop.resolvedBits,
    exitCode: hop.exitCode,
    nextResolver: hop.nextResolver ? hop.nextResolver.toRawString() : null,
    ...(hop.trust && { trust: hop.trust }),
  };
}

function hopFromJson(json: DnsHopJson): DnsHop {
  return {
    contract: Address.parseRaw(json.contract),
    query: fromHex(json.query),
    resolvedBits: json.resolvedBits,
    exitCode: json.exitCode,
    nextResolver: json.nextResolver === null ? null : Address.parseRaw(json.nextResolver),
    ...(json.trust && TRUST_LEVELS.includes(json.trust) && { trust: json.trust }),
  };
}

function entryToJson(entry: DnsRecordSetEntry) {
  const base = { category: hex64(entry.category), categoryName: dnsCategoryLabel(entry.category) };
  return entry.record === null
    ? { ...base, record: null, error: entry.error.message }
    : { ...base, record: recordToJson(entry.record) };
}

function answerToJson(answer: DnsAnswer): DnsAnswerJson {
  return answer.kind === 'record'
    ? { kind: 'record', record: recordToJson(answer.record) }
    : { kind: 'all', records: answer.records.map(entryToJson) };
}

function answerFromJson(json: DnsAnswerJson): DnsAnswer {
  if (json.kind === 'record') return { kind: 'record', record: recordFromJson(json.record) };
  return {
    kind: 'all',
    records: json.records.map((e) =>
      e.record === null
        ? {
            category: BigInt('0x' + e.category),
            record: null,
            error: new DnsRecordParseError(e.error ?? 'malformed'),
          }
        : { category: BigInt('0x' + e.category), record: recordFromJson(e.record) },
    ),
  };
}

export function resolutionToJson(res: DnsResolution): DnsResolutionJson {
  return {
    name: res.name,
    category: hex64(res.category),
    categoryName: dnsCategoryLabel(res.category),
    answer: answerToJson(res.answer),
    hops: res.hops.map(hopToJson),
    sources: res.sources,
    expiresAt: res.expiresAt,
    resolvedAt: res.resolvedAt,
    cached: res.cached,
    ...(res.trust && { trust: res.trust }),
  };
}

export function resolutionFromJson(json: DnsResolutionJson): DnsResolution {
  return {
    name: json.name,
    category: BigInt('0x' + json.category),
    answer: answerFromJson(json.answer),
    hops: json.hops.map(hopFromJson),
    sources: json.sources,
    expiresAt: json.expiresAt,
    resolvedAt: json.resolvedAt,
    cached: json.cached,
    ...(json.trust && TRUST_LEVELS.includes(json.trust.level) && { trust: json.trust }),
  };
}

export function errorToJson(error: DnsError): DnsErrorJson {
  const out: DnsErrorJson = { code: error.code, message: error.message, hops: error.hops.map(hopToJson) };
  if (error instanceof DnsNotRegisteredError) {
    Object.assign(out, {
      domain: error.domain,
      reason: error.reason,
      contract: error.contract.toRawString(),
    });
  } else if (error instanceof DnsExpiredError) {
    Object.assign(out, {
      domain: error.domain,
      contract: error.contract.toRawString(),
      expiredAt: error.expiredAt,
    });
  } else if (error instanceof DnsNoRecordError) {
    Object.assign(out, {
      domain: error.domain,
      category: hex64(error.category),
      contract: error.contract.toRawString(),
    });
  } else if (error instanceof DnsResolverError) {
    Object.assign(out, { contract: error.contract.toRawString(), exitCode: error.exitCode });
  } else if (error instanceof DnsDisagreementError) {
    Object.assign(out, { domain: error.domain, sources: error.sources, outcomes: error.outcomes });
  } else if (error instanceof DnsSourceError) {
    Object.assign(out, { source: error.source });
  }
  return out;
}

/**
 * Rebuilds the negative answers the cache keeps (not registered, expired, no record). Returns null for any
 * other code: those are never cached.
 */
export function cachedErrorFromJson(json: DnsErrorJson): DnsError | null {
  let error: DnsError;
  if (json.code === 'not_registered' && json.domain !== undefined && json.contract !== undefined) {
    const reason = json.reason === 'no_contract' ? 'no_contract' : 'unknown_label';
    const e = new DnsNotRegisteredError(json.domain, reason, Address.parseRaw(json.contract), '');
    e.message = json.message;
    error = e;
  } else if (json.code === 'expired' && json.domain && json.contract && json.expiredAt !== undefined) {
    error = new DnsExpiredError(json.domain, Address.parseRaw(json.contract), json.expiredAt);
  } else if (json.code === 'no_record' && json.domain && json.contract && json.category) {
    const category = BigInt('0x' + json.category);
    error = new DnsNoRecordError(
      json.domain,
      category,
      dnsCategoryLabel(category),
      Address.parseRaw(json.contract),
    );
  } else return null;
  return error.withHops(json.hops.map(hopFromJson));
}
