/**
 * Get methods of resolver code we cannot run natively (owner-set sub-resolvers, PROOFS.md §5.3): the contract's
 * state is proven, its answer is not, so the same runSmcMethod is asked of ≥ 2 liteservers at the same proven
 * block and must come back identical (exit code, and every stack value: integers by value, cells by hash).
 * tonlib runs the code in its own TVM instead; tonutils-go trusts one server's stack (PROOFS.md §3).
 */
import type { Address } from '@ton/core';
import type {
  BlockIdExt,
  LiteClient,
  LiteServerEntry,
  RunMethodResult,
  VmStackValue,
} from '../../lite/index.ts';
import { toHex } from '../bytes.ts';
import { DnsDisagreementError, DnsSourceError } from '../errors.ts';

/** What of a LitePool the proven source uses (a test may wrap a real pool). */
export interface ProvenDnsPool {
  readonly servers: LiteServerEntry[];
  run<T>(task: (client: LiteClient, server: LiteServerEntry) => Promise<T>): Promise<T>;
  runOn<T>(index: number, task: (client: LiteClient, server: LiteServerEntry) => Promise<T>): Promise<T>;
}

function valueText(v: VmStackValue): unknown {
  switch (v.type) {
    case 'int':
      return ['int', v.value.toString()];
    case 'cell':
    case 'slice':
    case 'builder':
      return [v.type, toHex(v.cell.hash())];
    case 'tuple':
      return ['tuple', v.items.map(valueText)];
    default:
      return [v.type];
  }
}

/** What must be equal for two runs to agree. */
export function runFingerprint(run: RunMethodResult): string {
  return JSON.stringify([run.exitCode, (run.stack ?? []).map(valueText)]);
}

const label = (s: LiteServerEntry) => `${s.host}:${s.port}`;

/**
 * Runs `method` on `servers` (first = the snapshot's own server) at `block`, all at once; identical results
 * required. DnsSourceError if one cannot answer, DnsDisagreementError if they differ.
 */
export async function crossCheckedRun(
  pool: ProvenDnsPool,
  servers: readonly LiteServerEntry[],
  block: BlockIdExt,
  account: Address,
  method: string,
  stack: VmStackValue[],
  count: (what: string, answered: Promise<unknown>) => void,
): Promise<RunMethodResult> {
  const runs = servers.map((server) => {
    const p = pool.runOn(server.index, (c) => c.runGetMethod(block, account, method, stack));
    count(`runSmcMethod ${method} (cross-check)`, p);
    return p.then(
      (run) => ({ ok: true as const, run, server }),
      (error: unknown) => ({ ok: false as const, error, server }),
    );
  });
  const results = await Promise.all(runs);
  for (const r of results) {
    if (!r.ok)
      throw new DnsSourceError(
        label(r.server),
        `${method} for the cross-check: ${String((r.error as Error)?.message ?? r.error)}`,
        {
          cause: r.error,
        },
      );
  }
  const ok = results as { ok: true; run: RunMethodResult; server: LiteServerEntry }[];
  const first = runFingerprint(ok[0].run);
  for (const r of ok.slice(1)) {
    const other = runFingerprint(r.run);
    if (other !== first)
      throw new DnsDisagreementError(
        `${method} on ${account.toString()}`,
        [label(ok[0].server), label(r.server)],
        [first, other],
      );
  }
  return ok[0].run;
}
