/**
 * FailoverResolver: the same walk on one source after another until one answers (issue 14: "with one honest and
 * one tampering liteserver the honest answer wins"). Meant for proof-checking sources (provenDnsSources): a
 * liar cannot forge a proof, only fail one — a DnsSourceError, DnsProofError included — so the next source is
 * asked; every other DnsError (not registered, expired, no record, …) is a proven answer and ends the resolution.
 * Over unverified sources this would let the first liar win; use CrossCheckResolver there.
 */
import { DnsError, DnsSourceError } from './errors.ts';
import type { DnsResolution } from './resolution.ts';
import type { DnsResolver } from './resolver.ts';
import { SourceResolver } from './resolver.ts';
import type { DnsSource } from './source.ts';
import type { DnsWalkOptions } from './walk.ts';

export interface FailoverOptions extends DnsWalkOptions {
  /** Called when a source failed (a DnsProofError names the refused proof) and the next one is tried. */
  onSourceFailure?: (error: DnsSourceError) => void;
}

export class FailoverResolver implements DnsResolver {
  constructor(
    readonly sources: DnsSource[],
    readonly options: FailoverOptions = {},
  ) {
    if (sources.length === 0) throw new DnsSourceError('failover', 'needs at least one source');
  }

  async resolve(name: string, category: bigint): Promise<DnsResolution> {
    const failures: DnsSourceError[] = [];
    for (const source of this.sources) {
      try {
        return await new SourceResolver(source, this.options).resolve(name, category);
      } catch (error) {
        if (!(error instanceof DnsSourceError)) {
          if (error instanceof DnsError) throw error;
          throw new DnsSourceError(source.label, String(error), { cause: error });
        }
        failures.push(error);
        this.options.onSourceFailure?.(error);
      }
    }
    // Every source failed: the first failure (a refused proof, if that was it) explains it best.
    throw failures[0];
  }
}
