/** What a resolution returns: the answer, the hops taken (for `--trace`), and where it came from. */
import type { DnsHop } from './hop.ts';
import type { DnsRecord, DnsRecordSetEntry } from './records.ts';

export type DnsAnswer =
  | { kind: 'record'; record: DnsRecord }
  /** Category 0: every record of the domain. */
  | { kind: 'all'; records: DnsRecordSetEntry[] };

/**
 * How far an answer is proven (issue 14): 'proof' = every hop's contract state proven from a trusted masterchain
 * block and dnsresolve computed natively from it; 'cross-checked' = at least one hop (unknown resolver code)
 * rests on ≥ 2 liteservers giving identical answers at that block, or two unverified sources agreed;
 * 'single-source' = one liteserver's word (the unverified sources).
 */
export type DnsTrustLevel = 'proof' | 'cross-checked' | 'single-source';

export interface DnsTrust {
  level: DnsTrustLevel;
  /** The masterchain block every hop was read at (proven from the anchor for a proof-checking source). */
  block?: { seqno: number; rootHash: string };
  /** Where trust in that block came from: the anchor's kind (TrustAnchorRef.source) and seqno. */
  anchor?: { source: string; seqno: number };
}

/** The weaker of two trust levels. */
export function weakerTrust(a: DnsTrustLevel, b: DnsTrustLevel): DnsTrustLevel {
  const rank = { 'single-source': 0, 'cross-checked': 1, proof: 2 } as const;
  return rank[a] <= rank[b] ? a : b;
}

export interface DnsResolution {
  /** The normalized name. */
  name: string;
  category: bigint;
  answer: DnsAnswer;
  hops: DnsHop[];
  /** The snapshot(s) it was read from, e.g. two liteservers for a cross-checked answer. */
  sources: string[];
  /** Unix seconds when the domain expires (last renewal + 1 year), when its item told us. */
  expiresAt: number | null;
  /** Unix seconds (local clock) when the answer was obtained. */
  resolvedAt: number;
  /** Whether the answer came from the cache. */
  cached: boolean;
  /** How far it is proven (set by walkDns; absent in resolutions made before trust labels existed). */
  trust?: DnsTrust;
}
