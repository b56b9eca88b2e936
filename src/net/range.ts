/**
 * The syntax of a single byte range (RFC 9110 §14.1.2), shared by every place that reads a Range header: the
 * storage server and the devnet's sites (against a known size) and the extension (before the size is known).
 * Anything else — several ranges, another unit, malformed text, numbers past 2^53 — is null: a server then
 * ignores the header and sends the whole representation (§14.2).
 */
export type RangeSpec =
  /** `bytes=first-` or `bytes=first-last` (inclusive; last null = to the end). */
  | { first: number; last: number | null }
  /** `bytes=-suffix`: the last `suffix` bytes. */
  | { suffix: number };

export function parseRangeSpec(value: string): RangeSpec | null {
  const m = /^\s*bytes\s*=\s*(\d{0,15})\s*-\s*(\d{0,15})\s*$/i.exec(value);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') return { suffix: Number(m[2]) };
  const first = Number(m[1]);
  const last = m[2] === '' ? null : Number(m[2]);
  if (last !== null && last < first) return null;
  return { first, last };
}
