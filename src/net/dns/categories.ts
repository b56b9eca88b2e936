/**
 * DNS record categories (DIGEST §9.2): the uint256 big-endian value of sha256 of the category's ASCII name;
 * 0 asks a resolver for all its records at once (the whole dictionary).
 */
import { sha256 } from '../crypto/index.ts';
import { uint256FromBytes } from './bytes.ts';
import { DnsInvalidCategoryError } from './errors.ts';

export function dnsCategoryOf(name: string): bigint {
  return uint256FromBytes(sha256(new TextEncoder().encode(name)));
}

export const DNS_CATEGORY_ALL = 0n;
export const DNS_CATEGORY_SITE = dnsCategoryOf('site');
export const DNS_CATEGORY_STORAGE = dnsCategoryOf('storage');
export const DNS_CATEGORY_WALLET = dnsCategoryOf('wallet');
export const DNS_CATEGORY_NEXT_RESOLVER = dnsCategoryOf('dns_next_resolver');

const NAMED: ReadonlyArray<[string, bigint]> = [
  ['all', DNS_CATEGORY_ALL],
  ['site', DNS_CATEGORY_SITE],
  ['storage', DNS_CATEGORY_STORAGE],
  ['wallet', DNS_CATEGORY_WALLET],
  ['dns_next_resolver', DNS_CATEGORY_NEXT_RESOLVER],
];

/** 'site' | 'storage' | 'wallet' | 'dns_next_resolver' | 'all' | 64 hex digits -> category. */
export function parseDnsCategory(text: string): bigint {
  const known = NAMED.find(([n]) => n === text);
  if (known) return known[1];
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(text)) return BigInt('0x' + text.replace(/^0x/, ''));
  throw new DnsInvalidCategoryError(text);
}

/** The well-known name of a category, or its 64 hex digits. */
export function dnsCategoryLabel(category: bigint): string {
  const known = NAMED.find(([, v]) => v === category);
  return known ? known[0] : category.toString(16).padStart(64, '0');
}
