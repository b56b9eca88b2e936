/** src/net/dns: TON DNS names, records, the dnsresolve walk, cross-checking and caching (DIGEST §9). */
export {
  DnsError,
  DnsInvalidNameError,
  DnsInvalidCategoryError,
  DnsNotRegisteredError,
  DnsExpiredError,
  DnsNoRecordError,
  DnsResolverError,
  DnsRecordParseError,
  DnsDisagreementError,
  DnsSourceError,
  DnsProofError,
  type DnsErrorCode,
} from './errors.ts';
export { MAX_NAME_BYTES } from './limits.ts';
export {
  normalizeDnsName,
  encodeDnsName,
  decodeDnsLabels,
  decodeDnsName,
  describeDnsBytes,
  dnsNameOfPrefix,
  isTonDnsName,
} from './name.ts';
export {
  dnsCategoryOf,
  DNS_CATEGORY_ALL,
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_STORAGE,
  DNS_CATEGORY_WALLET,
  DNS_CATEGORY_NEXT_RESOLVER,
  parseDnsCategory,
  dnsCategoryLabel,
} from './categories.ts';
export {
  parseDnsRecord,
  parseDnsRecordSet,
  buildDnsRecord,
  type DnsRecord,
  type DnsRecordSetEntry,
  type DnsProtocol,
  type DnsSmcCapability,
} from './records.ts';
export { EXIT_ACCOUNT_INACTIVE, type DnsSource, type DnsSnapshot, type DnsresolveAnswer } from './source.ts';
export type { DnsHop } from './hop.ts';
export {
  weakerTrust,
  type DnsAnswer,
  type DnsResolution,
  type DnsTrust,
  type DnsTrustLevel,
} from './resolution.ts';
export {
  walkDns,
  guessDnsHops,
  DNS_RENEWAL_PERIOD,
  type DnsWalkOptions,
  type GuessedDnsHop,
} from './walk.ts';
export {
  dnsHintsForConfig,
  dnsHintsFromJson,
  dnsHintsToJson,
  DnsHintsError,
  MAINNET_DNS_HINTS,
  TESTNET_DNS_HINTS,
  type DnsHints,
  type DnsHintsJson,
  type DnsZoneHint,
} from './hints.ts';
export { SourceResolver, CrossCheckResolver, type DnsResolver, type CrossCheckOptions } from './resolver.ts';
export {
  CachingResolver,
  MemoryDnsCacheStore,
  dnsCacheKey,
  type DnsCacheStore,
  type DnsCacheEntry,
  type DnsCachePolicy,
} from './cache.ts';
export {
  recordToJson,
  recordFromJson,
  resolutionToJson,
  resolutionFromJson,
  errorToJson,
  type DnsRecordJson,
  type DnsHopJson,
  type DnsAnswerJson,
  type DnsResolutionJson,
  type DnsErrorJson,
} from './json.ts';
export { dnsItemIndex, dnsItemAddress } from './item-address.ts';
export { DNS_ROOT_CONFIG_PARAM, dnsRootFromConfigParam, dnsRootConfigParam } from './root-config.ts';
export { fromHex as dnsFromHex } from './bytes.ts';
export { LiteDnsSource, liteDnsSources, type LiteDnsSourceOptions } from './lite-source.ts';
export {
  nativeDnsresolve,
  nativeDnsresolveKind,
  nativeDnsKind,
  NATIVE_DNS_CODES,
  withNativeDnsCodes,
  DnsNativeDataError,
  DnsNativeInputError,
  type NativeDnsState,
  type NativeDnsCodes,
  type NativeDnsKind,
} from './native/index.ts';
export { FailoverResolver, type FailoverOptions } from './failover.ts';
export {
  ProvenDnsSource,
  provenDnsSources,
  crossCheckedRun,
  runFingerprint,
  tonItemLastFillUpTime,
  type ProvenDnsPool,
  type ProvenDnsSourceOptions,
} from './proven/index.ts';
