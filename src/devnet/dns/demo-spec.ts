/** The demo-domains file (demo-domains.json): reading, validating, turning record specs into DnsRecords. */
import { readFileSync } from 'node:fs';
import { Address } from '@ton/core';
import {
  dnsCategoryOf,
  dnsFromHex,
  normalizeDnsName,
  parseDnsCategory,
  type DnsRecord,
} from '../../net/dns/index.ts';

export type DemoRecordSpec =
  | { adnl: string; protocols?: 'http'[] }
  | { bag: string }
  | { smc: string }
  | { text: string }
  | { nextResolver: string };

export interface DemoDomainSpec {
  name: string;
  description?: string;
  /** Registered and last renewed more than a year ago. */
  expired?: boolean;
  records: Record<string, DemoRecordSpec>;
}

export interface DemoDomainsSpec {
  /** The .ton name the root's `www.ton` alias points to (its item address). */
  www?: string;
  domains: DemoDomainSpec[];
  unregistered?: string[];
}

export class DemoSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DemoSpecError';
  }
}

export const DEMO_DOMAINS_URL = new URL('./demo-domains.json', import.meta.url);

export function loadDemoDomains(url: URL | string = DEMO_DOMAINS_URL): DemoDomainsSpec {
  const spec = JSON.parse(readFileSync(url, 'utf8')) as DemoDomainsSpec;
  validateDemoDomains(spec);
  return spec;
}

/** What the dns-contract collection accepts for minting (dns-utils.fc check_domain_string, 4..126 chars). */
export function mintableLabel(label: string): boolean {
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(label) && label.length >= 4 && label.length <= 126;
}

export function validateDemoDomains(spec: DemoDomainsSpec): void {
  if (!spec || !Array.isArray(spec.domains))
    throw new DemoSpecError('demo domains: "domains" must be a list');
  const names = new Set<string>();
  for (const d of spec.domains) {
    const name = normalizeDnsName(d.name);
    if (name !== d.name) throw new DemoSpecError(`${d.name}: write names in normalized (lower-case) form`);
    const labels = name.split('.');
    const zone = name.endsWith('.t.me') ? 't.me' : name.endsWith('.ton') ? 'ton' : null;
    if (zone === null) throw new DemoSpecError(`${name}: only .ton and .t.me names`);
    const own = labels.slice(0, labels.length - zone.split('.').length);
    if (!mintableLabel(own[0]))
      throw new DemoSpecError(`${name}: '${own[0]}' is not a label the contracts mint`);
    if (own.length > 1) {
      const parent = labels.slice(1).join('.');
      if (!names.has(parent))
        throw new DemoSpecError(`${name}: its parent ${parent} must be listed before it`);
    }
    if (names.has(name)) throw new DemoSpecError(`${name}: listed twice`);
    names.add(name);
    for (const [category, record] of Object.entries(d.records ?? {})) {
      demoRecord(name, category, record);
    }
  }
  if (spec.www !== undefined && !(names.has(spec.www) && /^[^.]+\.ton$/.test(spec.www))) {
    throw new DemoSpecError(`www: ${spec.www} must be a listed second-level .ton name`);
  }
  for (const n of spec.unregistered ?? []) {
    if (names.has(normalizeDnsName(n))) throw new DemoSpecError(`${n}: both registered and unregistered`);
  }
}

/** Category name (or 64 hex digits) -> category value: the well-known ones, else sha256 of the name. */
export function demoCategory(category: string): bigint {
  try {
    return parseDnsCategory(category);
  } catch {
    return dnsCategoryOf(category);
  }
}

export function demoRecord(name: string, category: string, spec: DemoRecordSpec): DnsRecord {
  const where = `${name} ${category}`;
  try {
    if ('adnl' in spec)
      return { type: 'adnl', adnl: dnsFromHex(spec.adnl, 32), protocols: spec.protocols ?? null };
    if ('bag' in spec) return { type: 'storage', bagId: dnsFromHex(spec.bag, 32) };
    if ('smc' in spec) return { type: 'smc', address: Address.parse(spec.smc), capabilities: null };
    if ('text' in spec) return { type: 'text', text: spec.text };
    if ('nextResolver' in spec) return { type: 'next_resolver', address: Address.parse(spec.nextResolver) };
  } catch (error) {
    throw new DemoSpecError(`${where}: ${(error as Error).message}`);
  }
  throw new DemoSpecError(`${where}: unknown record form ${JSON.stringify(spec)}`);
}
