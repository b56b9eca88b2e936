/** What a resolution returns: the answer, the hops taken (for `--trace`), and where it came from. */
import type { DnsHop } from './hop.ts';
import type { DnsRecord, DnsRecordSetEntry } from './records.ts';

export type DnsAnswer =
  | { kind: 'record'; record: DnsRecord }
  /** Category 0: every record of the domain. */
  | { kind: 'all'; records: DnsRecordSetEntry[] };

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
}
