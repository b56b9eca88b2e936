/**
 * ProvenDnsSource: a DnsSource whose every answer is proven from a trusted masterchain block (issue 14,
 * PROOFS.md §3-§5) — a drop-in replacement for LiteDnsSource.
 *
 *   snapshot()        a block from the TrustedBlockProvider (the block-proof chain), through one server
 *   rootAddress()     ConfigParam 4 from getConfigParams bound to that block (proof/config-proof.ts); kept for
 *                     the same block only (a newer block proves it again: one small answer, asked alongside
 *                     the hops, PROOFS.md §4 "verify it cheaply when a block is freshly trusted")
 *   dnsresolve()      getAccountState at the block → checkAccountState; absent / not active →
 *                     EXIT_ACCOUNT_INACTIVE (proven); a known DNS code hash → the native answer from the proven
 *                     data (trust 'proof'); other code → runSmcMethod on ≥ 2 liteservers at the block, identical
 *                     answers required (trust 'cross-checked')
 *   lastFillUpTime()  from the proven .ton item data (no query of its own: the account state is shared with
 *                     dnsresolve); other known kinds have no such method (null); unknown code: cross-checked
 *
 * Account states are fetched once per snapshot and contract, so the walk's speculative hops (hints.ts) become
 * one parallel burst of getAccountState + getConfigParams right after the block.
 * Any answer that fails verification is a DnsProofError naming the ProofError; nothing unproven is returned.
 */
import { beginCell, type Address } from '@ton/core';
import {
  LiteError,
  sameBlockId,
  type BlockIdExt,
  type LiteClient,
  type LiteServerEntry,
  type RunMethodResult,
  type VmStackValue,
  checkAccountState,
  checkConfigParams,
  ProofError,
  type ProvenAccountState,
  type TrustedBlock,
  type TrustedBlockProvider,
} from '../../lite/index.ts';
import { asBuffer, toHex } from '../bytes.ts';
import { DnsError, DnsProofError, DnsResolverError, DnsSourceError } from '../errors.ts';
import type { DnsHints } from '../hints.ts';
import {
  DnsNativeDataError,
  NATIVE_DNS_CODES,
  nativeDnsKind,
  nativeDnsresolveKind,
  type NativeDnsCodes,
} from '../native/index.ts';
import type { DnsTrust } from '../resolution.ts';
import { DNS_ROOT_CONFIG_PARAM, dnsRootFromConfigParam } from '../root-config.ts';
import {
  EXIT_ACCOUNT_INACTIVE,
  fillUpTimeFromStack,
  type DnsresolveAnswer,
  type DnsSnapshot,
  type DnsSource,
} from '../source.ts';
import { crossCheckedRun, type ProvenDnsPool } from './cross-check.ts';
import { tonItemLastFillUpTime } from './item-fill-up.ts';

export interface ProvenDnsSourceOptions {
  /** Where proven masterchain blocks come from (BlockTrust: the block-proof chain from the trust anchor). */
  trust: TrustedBlockProvider;
  /** Use only this server (its index in the pool) for the block and the proofs. Default: the pool picks. */
  server?: number;
  /** The network's DNS contracts as expected (dnsHintsForConfig): never trusted, only asked ahead. */
  hints?: DnsHints;
  /** Code hashes answered natively (default NATIVE_DNS_CODES; add mainnet's with withNativeDnsCodes). */
  codes?: NativeDnsCodes;
  /** Liteservers that must give identical answers for resolver code we cannot run (default 2, at least 2). */
  crossCheck?: number;
  /** Called once per liteserver query this source makes (not the provider's); `answered` settles with it. */
  onQuery?: (what: string, answered: Promise<unknown>) => void;
}

interface RootCache {
  blockHash: string;
  address: Address;
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class ProvenDnsSource implements DnsSource {
  readonly label: string;
  readonly #pool: ProvenDnsPool;
  readonly #options: ProvenDnsSourceOptions;
  /** The last proven root, by the block it was proven at (also the root hint of later snapshots). */
  #root: RootCache | null = null;

  constructor(pool: ProvenDnsPool, options: ProvenDnsSourceOptions) {
    this.#pool = pool;
    this.#options = options;
    if ((options.crossCheck ?? 2) < 2)
      throw new DnsSourceError('proven', 'a cross-check needs at least 2 liteservers');
    const entry =
      options.server === undefined ? undefined : pool.servers.find((s) => s.index === options.server);
    if (options.server !== undefined && !entry)
      throw new DnsSourceError('liteserver', `no liteserver with index ${options.server}`);
    this.label = entry ? `${entry.host}:${entry.port} (proven)` : 'liteserver pool (proven)';
  }

  async snapshot(): Promise<DnsSnapshot> {
    const provider = this.#options.trust;
    try {
      const pinned = this.#options.server;
      // The snapshot starts at the block the proof chain will end at (the provider's candidate), so the walk's
      // queries go out with the header request; every answer is verified against the proven block (#block()).
      const start = async (c: LiteClient, server: LiteServerEntry) => {
        let onCandidate!: (id: BlockIdExt) => void;
        const candidate = new Promise<BlockIdExt>((resolve) => (onCandidate = resolve));
        const trusted = provider.trustedBlock(c, onCandidate);
        trusted.catch(() => undefined); // awaited by every answer of the snapshot
        const id = await Promise.race([candidate, trusted.then((b) => b.id)]);
        return { entry: server, id, trusted };
      };
      const { entry, id, trusted } =
        pinned === undefined ? await this.#pool.run(start) : await this.#pool.runOn(pinned, start);
      return new ProvenSnapshot(this.#pool, entry, id, trusted, this.#options, {
        get: () => this.#root,
        set: (r) => (this.#root = r),
      });
    } catch (error) {
      throw sourceError(this.label, error);
    }
  }
}

function sourceError(label: string, error: unknown): DnsError {
  if (error instanceof DnsError) return error;
  if (error instanceof ProofError) return new DnsProofError(label, error);
  return new DnsSourceError(label, describeError(error), { cause: error });
}

class ProvenSnapshot implements DnsSnapshot {
  readonly label: string;
  readonly #server: string;
  readonly #blockHash: string;
  readonly #accounts = new Map<string, Promise<ProvenAccountState>>();

  #proven: TrustedBlock | null = null;

  constructor(
    readonly pool: ProvenDnsPool,
    readonly entry: LiteServerEntry,
    /** The block every query is asked at: the one the proof chain ends at (not trusted before #block()). */
    readonly blockId: BlockIdExt,
    readonly trusted: Promise<TrustedBlock>,
    readonly options: ProvenDnsSourceOptions,
    readonly root: { get(): RootCache | null; set(r: RootCache): void },
  ) {
    this.#server = `${entry.host}:${entry.port}`;
    this.#blockHash = toHex(blockId.root_hash);
    this.label = `${this.#server} @ masterchain seqno ${blockId.seqno} (proven)`;
  }

  /** The proven block: what every answer is checked against (and the block the queries named). */
  async #block(): Promise<TrustedBlock> {
    const block = await this.trusted;
    if (!sameBlockId(block.id, this.blockId))
      throw new ProofError(
        'link',
        `the proven block is ${block.id.seqno}, the answers are of ${this.blockId.seqno}`,
      );
    this.#proven = block;
    return block;
  }

  #count<T>(what: string, answered: Promise<T>): Promise<T> {
    this.options.onQuery?.(what, answered);
    return answered;
  }

  trust(): DnsTrust {
    // Asked by the walk once its hops are verified, i.e. after #block() resolved.
    const anchor = this.#proven?.anchor;
    return {
      level: 'proof',
      block: { seqno: this.blockId.seqno, rootHash: this.#blockHash },
      ...(anchor && { anchor: { source: anchor.source, seqno: anchor.id.seqno } }),
    };
  }

  hints(): DnsHints | null {
    const root = this.root.get()?.address ?? this.options.hints?.root;
    if (!root && !this.options.hints) return null;
    return { ...this.options.hints, root };
  }

  async rootAddress(): Promise<Address> {
    const cached = this.root.get();
    if (cached && cached.blockHash === this.#blockHash) return cached.address;
    try {
      const info = await this.#count(
        'getConfigParams',
        this.pool.runOn(this.entry.index, (c) => c.getConfigParams(this.blockId, [DNS_ROOT_CONFIG_PARAM])),
      );
      const block = await this.#block();
      const param = checkConfigParams(info, block, [DNS_ROOT_CONFIG_PARAM]).get(DNS_ROOT_CONFIG_PARAM);
      if (!param) throw new DnsSourceError(this.label, 'the config has no ConfigParam 4 (DNS root) (proven)');
      const address = dnsRootFromConfigParam(param, this.label);
      this.root.set({ blockHash: this.#blockHash, address });
      return address;
    } catch (error) {
      throw sourceError(this.#server, error);
    }
  }

  /** The proven state of `account` at the block (one query per contract and snapshot). */
  #account(account: Address): Promise<ProvenAccountState> {
    const key = account.toRawString();
    let p = this.#accounts.get(key);
    if (!p) {
      p = this.#count(
        'getAccountState',
        this.pool.runOn(this.entry.index, (c) => c.getAccountState(this.blockId, account)),
      ).then(
        async (answer) => checkAccountState(answer.raw, await this.#block(), account),
        (error: unknown) => {
          // A state BoC that does not even parse is an answer that failed verification too.
          if (error instanceof LiteError && error.kind === 'bad-boc')
            throw new ProofError('account', error.message, { cause: error });
          throw error;
        },
      );
      p.catch(() => undefined); // awaited by the walk, or dropped
      this.#accounts.set(key, p);
    }
    return p;
  }

  async #active(account: Address) {
    let state: ProvenAccountState;
    try {
      state = await this.#account(account);
    } catch (error) {
      throw sourceError(this.#server, error);
    }
    if (state.kind !== 'present' || state.storage.status !== 'active') return null;
    const { code, data, codeHash } = state.storage;
    if (!code || !data || !codeHash) return null;
    return { data, codeHash };
  }

  /** Others servers for a cross-check: the snapshot's own first. */
  #crossCheckServers(): LiteServerEntry[] {
    const n = this.options.crossCheck ?? 2;
    const others = this.pool.servers.filter((s) => s.index !== this.entry.index);
    if (others.length + 1 < n)
      throw new DnsSourceError(
        'cross-check',
        `resolver code we cannot run needs ${n} liteservers to agree; the config has ${others.length + 1}`,
      );
    return [this.entry, ...others.slice(0, n - 1)];
  }

  async #crossChecked(account: Address, method: string, stack: VmStackValue[]): Promise<RunMethodResult> {
    try {
      const run = await crossCheckedRun(
        this.pool,
        this.#crossCheckServers(),
        this.blockId,
        account,
        method,
        stack,
        (what, answered) => this.#count(what, answered),
      );
      await this.#block(); // agreeing servers at a block that is not proven prove nothing
      return run;
    } catch (error) {
      throw sourceError(this.#server, error);
    }
  }

  async dnsresolve(account: Address, domain: Uint8Array, category: bigint): Promise<DnsresolveAnswer> {
    const active = await this.#active(account);
    if (!active) return { exitCode: EXIT_ACCOUNT_INACTIVE, resolvedBits: 0, result: null, trust: 'proof' };
    const kind = nativeDnsKind(active.codeHash, this.options.codes ?? NATIVE_DNS_CODES);
    if (kind !== null) {
      try {
        return { ...nativeDnsresolveKind(kind, active.data, account, domain, category), trust: 'proof' };
      } catch (error) {
        if (error instanceof DnsNativeDataError && error.pruned)
          throw new DnsProofError(this.#server, new ProofError('pruned', error.message, { cause: error }));
        throw error;
      }
    }
    const arg = beginCell().storeBuffer(asBuffer(domain)).endCell();
    const run = await this.#crossChecked(account, 'dnsresolve', [
      { type: 'slice', cell: arg },
      { type: 'int', value: category },
    ]);
    if (!run.success)
      return { exitCode: run.exitCode, resolvedBits: 0, result: null, trust: 'cross-checked' };
    const stack = run.stack ?? [];
    const [bits, result] = stack;
    if (stack.length !== 2 || bits.type !== 'int' || (result.type !== 'cell' && result.type !== 'null'))
      throw new DnsResolverError(account, run.exitCode, 'dnsresolve returned an unexpected stack');
    if (bits.value < 0n || bits.value > 1024n)
      throw new DnsResolverError(account, run.exitCode, `dnsresolve returned ${bits.value} bits`);
    return {
      exitCode: run.exitCode,
      resolvedBits: Number(bits.value),
      result: result.type === 'cell' ? result.cell : null,
      trust: 'cross-checked',
    };
  }

  async lastFillUpTime(account: Address): Promise<number | null> {
    const active = await this.#active(account);
    if (!active) return null;
    const kind = nativeDnsKind(active.codeHash, this.options.codes ?? NATIVE_DNS_CODES);
    if (kind === 'ton-item') {
      try {
        return tonItemLastFillUpTime(active.data);
      } catch (error) {
        if (error instanceof DnsNativeDataError && error.pruned)
          throw new DnsProofError(this.#server, new ProofError('pruned', error.message, { cause: error }));
        return null; // data the get method could not read: it would fail, which reads as "no time"
      }
    }
    if (kind !== null) return null; // root, collections and .t.me items have no get_last_fill_up_time
    const run = await this.#crossChecked(account, 'get_last_fill_up_time', []);
    if (!run.success) return null;
    return fillUpTimeFromStack(run.stack);
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }
}

/** One ProvenDnsSource per server of the pool (for FailoverResolver: the next server when one fails a proof). */
export function provenDnsSources(
  pool: ProvenDnsPool,
  options: Omit<ProvenDnsSourceOptions, 'server'>,
): ProvenDnsSource[] {
  return pool.servers.map((s) => new ProvenDnsSource(pool, { ...options, server: s.index }));
}
