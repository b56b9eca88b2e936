/**
 * Resolvers: what the gateway and the CLI call. One interface, so the trust model can change underneath:
 * - SourceResolver: one source (one liteserver, the sandbox, later a proof-checking source).
 * - CrossCheckResolver: the same walk on two independent sources; different answers are a
 *   DnsDisagreementError, never a silent pick (DIGEST §9, issue 4 "Trust for now").
 * - CachingResolver (cache.ts) wraps either.
 */
import { DnsDisagreementError, DnsError, DnsSourceError } from './errors.ts';
import { recordToJson } from './json.ts';
import type { DnsResolution } from './resolution.ts';
import type { DnsSource } from './source.ts';
import { walkDns, type DnsWalkOptions } from './walk.ts';

export interface DnsResolver {
  /** Resolves `name` for `category` (0 = all records). Throws DnsError subclasses only. */
  resolve(name: string, category: bigint): Promise<DnsResolution>;
}

async function resolveOn(source: DnsSource, name: string, category: bigint, options: DnsWalkOptions) {
  let snapshot;
  try {
    snapshot = await source.snapshot();
  } catch (error) {
    if (error instanceof DnsError) throw error;
    throw new DnsSourceError(source.label, (error as Error)?.message ?? String(error), { cause: error });
  }
  return walkDns(snapshot, name, category, options);
}

export class SourceResolver implements DnsResolver {
  constructor(
    readonly source: DnsSource,
    readonly options: DnsWalkOptions = {},
  ) {}

  resolve(name: string, category: bigint): Promise<DnsResolution> {
    return resolveOn(this.source, name, category, this.options);
  }
}

type Outcome =
  { ok: true; value: DnsResolution; source: string } | { ok: false; error: DnsError; source: string };

/** What must be equal for two sources to agree: the hops and the answer (not timestamps or expiry dates). */
function fingerprint(outcome: Outcome): string {
  if (!outcome.ok) return `error ${outcome.error.code}: ${outcome.error.message}`;
  const r = outcome.value;
  const answer =
    r.answer.kind === 'record'
      ? recordToJson(r.answer.record)
      : r.answer.records.map((e) => [
          e.category.toString(16),
          e.record ? recordToJson(e.record) : e.error.message,
        ]);
  const hops = r.hops.map((h) => [
    h.contract.toRawString(),
    h.resolvedBits,
    h.nextResolver?.toRawString() ?? null,
  ]);
  return JSON.stringify({ answer, hops });
}

function outcomeText(outcome: Outcome): string {
  if (!outcome.ok) return outcome.error.message;
  const a = outcome.value.answer;
  if (a.kind === 'all')
    return `${a.records.length} records ${JSON.stringify(a.records.map((e) => (e.record ? recordToJson(e.record) : null)))}`;
  return JSON.stringify(recordToJson(a.record));
}

export interface CrossCheckOptions extends DnsWalkOptions {
  /** Called when a source could not answer and the next one is tried (for logs). */
  onSourceFailure?: (error: DnsSourceError) => void;
}

/**
 * Runs the walk on two sources at once and compares. A source that fails to answer at all (network, timeout)
 * is replaced by the next one in the list; fewer than two answers is a DnsSourceError.
 */
export class CrossCheckResolver implements DnsResolver {
  constructor(
    readonly sources: DnsSource[],
    readonly options: CrossCheckOptions = {},
  ) {
    if (sources.length < 2)
      throw new DnsSourceError('cross-check', `needs two sources, got ${sources.length}`);
  }

  async resolve(name: string, category: bigint): Promise<DnsResolution> {
    let next = 0;
    const failures: DnsSourceError[] = [];
    const run = async (): Promise<Outcome | null> => {
      while (next < this.sources.length) {
        const source = this.sources[next++];
        try {
          return {
            ok: true,
            value: await resolveOn(source, name, category, this.options),
            source: source.label,
          };
        } catch (error) {
          const e = error instanceof DnsError ? error : new DnsSourceError(source.label, String(error));
          if (e instanceof DnsSourceError) {
            failures.push(e);
            this.options.onSourceFailure?.(e);
            continue;
          }
          return { ok: false, error: e, source: source.label };
        }
      }
      return null;
    };
    const [a, b] = await Promise.all([run(), run()]);
    if (a === null || b === null) {
      const why = failures.map((f) => f.message).join('; ');
      throw new DnsSourceError('cross-check', `fewer than two sources answered: ${why}`, {
        cause: failures[0],
      });
    }
    if (fingerprint(a) !== fingerprint(b)) {
      throw new DnsDisagreementError(name, [a.source, b.source], [outcomeText(a), outcomeText(b)]).withHops(
        a.ok ? a.value.hops : a.error.hops,
      );
    }
    if (!a.ok) throw a.error;
    const other = (b as Extract<Outcome, { ok: true }>).value;
    const expiries = [a.value.expiresAt, other.expiresAt].filter((x): x is number => x !== null);
    // Two agreeing sources are at least 'cross-checked'; a proven one stays 'proof'.
    const levels = [a.value.trust?.level, other.trust?.level];
    const proven = levels[0] === 'proof' ? a.value : levels[1] === 'proof' ? other : null;
    return {
      ...a.value,
      trust: proven?.trust ?? { ...a.value.trust, level: 'cross-checked' },
      sources: [...a.value.sources, ...other.sources],
      expiresAt: expiries.length ? Math.min(...expiries) : null,
    };
  }
}
