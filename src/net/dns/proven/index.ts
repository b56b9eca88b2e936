/** The proof-checking DNS source (issue 14): every hop proven from a trusted masterchain block. */
export { ProvenDnsSource, provenDnsSources, type ProvenDnsSourceOptions } from './source.ts';
export { crossCheckedRun, runFingerprint, type ProvenDnsPool } from './cross-check.ts';
export { tonItemLastFillUpTime } from './item-fill-up.ts';
