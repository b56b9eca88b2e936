/**
 * DnsSource over liteservers (DIGEST §3, §9.4): the root from ConfigParam 4 (liteServer.getConfigParams), then
 * runSmcMethod `dnsresolve` (mode 4: result only) on every hop, all at one masterchain block.
 *
 * One LiteDnsSource stays on one server for a whole resolution (a walk must read one chain state). With
 * `server` set it always uses that server: CrossCheckResolver gets one source per server (liteDnsSources) and
 * compares two of them. Without it, each resolution goes to the server the pool picks.
 *
 * Trust: answers are not proof-checked yet (mode 4 asks for no proofs); cross-checking two servers is the
 * defence for now. A proof-checking source will implement the same DnsSource interface.
 */
import { beginCell, type Address } from '@ton/core';
import {
  configParamsFromProof,
  LiteServerError,
  type BlockIdExt,
  type LiteClient,
  type LitePool,
  type LiteServerEntry,
  type RunMethodResult,
  type VmStackValue,
} from '../lite/index.ts';
import { asBuffer } from './bytes.ts';
import { DnsError, DnsResolverError, DnsSourceError } from './errors.ts';
import type { DnsHints } from './hints.ts';
import { DNS_ROOT_CONFIG_PARAM, dnsRootFromConfigParam } from './root-config.ts';
import {
  EXIT_ACCOUNT_INACTIVE,
  fillUpTimeFromStack,
  type DnsresolveAnswer,
  type DnsSnapshot,
  type DnsSource,
} from './source.ts';

/** TVM exit code 11: the get method does not exist (among other "unknown" errors). */
const EXIT_NO_METHOD = 11;

export interface LiteDnsSourceOptions {
  /** Use only this server (its index in the pool). Default: the pool picks one per resolution. */
  server?: number;
  /** Reuse the last masterchain block for this long (default 2000 ms): one query less per resolution. */
  blockMaxAgeMs?: number;
  /** Keep the root address (ConfigParam 4) this long (default 10 min). */
  rootMaxAgeMs?: number;
  /**
   * The network's DNS contracts as expected (dnsHintsForConfig): never trusted — ConfigParam 4 is still read at
   * every snapshot's block and every hop is checked — but the hops they predict are asked all at once, with the
   * root lookup (walk.ts). An expired cached root serves as the root hint.
   */
  hints?: DnsHints;
  /** Called once per liteserver query (benchmarks count them). */
  onQuery?: (what: string) => void;
}

interface ServerCache {
  block?: { id: BlockIdExt; at: number };
  root?: { address: Address; at: number };
}

const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class LiteDnsSource implements DnsSource {
  readonly label: string;
  readonly #pool: LitePool;
  readonly #options: LiteDnsSourceOptions;
  readonly #cache = new Map<number, ServerCache>();

  constructor(pool: LitePool, options: LiteDnsSourceOptions = {}) {
    this.#pool = pool;
    this.#options = options;
    const entry =
      options.server === undefined ? undefined : pool.servers.find((s) => s.index === options.server);
    if (options.server !== undefined && !entry) {
      throw new DnsSourceError('liteserver', `no liteserver with index ${options.server}`);
    }
    this.label = entry ? `${entry.host}:${entry.port}` : 'liteserver pool';
  }

  #count(what: string): void {
    this.#options.onQuery?.(what);
  }

  async snapshot(): Promise<DnsSnapshot> {
    const maxAge = this.#options.blockMaxAgeMs ?? 2000;
    const pinned = this.#options.server;
    if (pinned !== undefined) {
      const cache = this.#cacheOf(pinned);
      const entry = this.#pool.servers.find((s) => s.index === pinned) as LiteServerEntry;
      if (!cache.block || Date.now() - cache.block.at > maxAge) {
        try {
          this.#count('getMasterchainInfo');
          const info = await this.#pool.runOn(pinned, (c) => c.getMasterchainInfo());
          cache.block = { id: info.last, at: Date.now() };
        } catch (error) {
          throw new DnsSourceError(this.label, describeError(error), { cause: error });
        }
      }
      return new LiteSnapshot(this.#pool, entry, cache.block.id, cache, this.#options);
    }
    // Pool mode: a fresh block from whichever server the pool picks, then stay on that server.
    try {
      this.#count('getMasterchainInfo');
      const { entry, block } = await this.#pool.run(async (c, server) => ({
        entry: server,
        block: (await c.getMasterchainInfo()).last,
      }));
      const cache = this.#cacheOf(entry.index);
      cache.block = { id: block, at: Date.now() };
      return new LiteSnapshot(this.#pool, entry, block, cache, this.#options);
    } catch (error) {
      throw new DnsSourceError(this.label, describeError(error), { cause: error });
    }
  }

  #cacheOf(index: number): ServerCache {
    let cache = this.#cache.get(index);
    if (!cache) this.#cache.set(index, (cache = {}));
    return cache;
  }
}

/** One source per server of the pool, for CrossCheckResolver (it uses the first two that answer). */
export function liteDnsSources(
  pool: LitePool,
  options: Omit<LiteDnsSourceOptions, 'server'> = {},
): LiteDnsSource[] {
  const status = pool.status();
  const rank = (i: number) => {
    const s = status.find((x) => x.index === i);
    if (!s) return 3;
    return s.lagging || s.reachable === false ? 2 : s.reachable === null ? 1 : 0;
  };
  return [...pool.servers]
    .sort((a, b) => rank(a.index) - rank(b.index))
    .map((s) => new LiteDnsSource(pool, { ...options, server: s.index }));
}

class LiteSnapshot implements DnsSnapshot {
  readonly label: string;

  constructor(
    readonly pool: LitePool,
    readonly server: LiteServerEntry,
    readonly block: BlockIdExt,
    readonly cache: ServerCache,
    readonly options: LiteDnsSourceOptions,
  ) {
    this.label = `${server.host}:${server.port} @ masterchain seqno ${block.seqno}`;
  }

  #on<T>(what: string, task: (client: LiteClient) => Promise<T>): Promise<T> {
    this.options.onQuery?.(what);
    return this.pool.runOn(this.server.index, task);
  }

  #sourceError(error: unknown): DnsError {
    if (error instanceof DnsError) return error;
    return new DnsSourceError(`${this.server.host}:${this.server.port}`, describeError(error), {
      cause: error,
    });
  }

  async rootAddress(): Promise<Address> {
    const maxAge = this.options.rootMaxAgeMs ?? 600_000;
    if (this.cache.root && Date.now() - this.cache.root.at <= maxAge) return this.cache.root.address;
    try {
      const info = await this.#on('getConfigParams', (c) =>
        c.getConfigParams(this.block, [DNS_ROOT_CONFIG_PARAM]),
      );
      const param = configParamsFromProof(info.config_proof, [DNS_ROOT_CONFIG_PARAM]).get(
        DNS_ROOT_CONFIG_PARAM,
      );
      if (!param) throw new DnsSourceError(this.label, 'the config has no ConfigParam 4 (DNS root)');
      const address = dnsRootFromConfigParam(param, this.label);
      this.cache.root = { address, at: Date.now() };
      return address;
    } catch (error) {
      throw this.#sourceError(error);
    }
  }

  hints(): DnsHints | null {
    const root = this.cache.root?.address ?? this.options.hints?.root;
    if (!root && !this.options.hints) return null;
    return { ...this.options.hints, root };
  }

  /** Whether the account exists and is active at this block (asked only after a get method failed). */
  async #isActive(account: Address): Promise<boolean> {
    const state = await this.#on('getAccountState', (c) => c.getAccountState(this.block, account));
    return state.account?.storage.state.type === 'active';
  }

  async #run(account: Address, method: string, stack: VmStackValue[]): Promise<RunMethodResult | null> {
    try {
      return await this.#on(`runSmcMethod ${method}`, (c) =>
        c.runGetMethod(this.block, account, method, stack),
      );
    } catch (error) {
      // Servers differ on a get method of a missing account: exit code -256, or a liteServer.error. Ask which.
      if (error instanceof LiteServerError) {
        let active: boolean;
        try {
          active = await this.#isActive(account);
        } catch (inner) {
          throw this.#sourceError(inner);
        }
        if (!active) return null;
      }
      throw this.#sourceError(error);
    }
  }

  async dnsresolve(account: Address, domain: Uint8Array, category: bigint): Promise<DnsresolveAnswer> {
    const arg = beginCell().storeBuffer(asBuffer(domain)).endCell();
    const run = await this.#run(account, 'dnsresolve', [
      { type: 'slice', cell: arg },
      { type: 'int', value: category },
    ]);
    if (run === null) return { exitCode: EXIT_ACCOUNT_INACTIVE, resolvedBits: 0, result: null };
    if (!run.success) return { exitCode: run.exitCode, resolvedBits: 0, result: null };
    const stack = run.stack ?? [];
    const [bits, result] = stack;
    if (stack.length !== 2 || bits.type !== 'int' || (result.type !== 'cell' && result.type !== 'null')) {
      throw new DnsResolverError(account, run.exitCode, 'dnsresolve returned an unexpected stack');
    }
    if (bits.value < 0n || bits.value > 1024n) {
      throw new DnsResolverError(account, run.exitCode, `dnsresolve returned ${bits.value} bits`);
    }
    return {
      exitCode: run.exitCode,
      resolvedBits: Number(bits.value),
      result: result.type === 'cell' ? result.cell : null,
    };
  }

  async lastFillUpTime(account: Address): Promise<number | null> {
    const run = await this.#run(account, 'get_last_fill_up_time', []);
    if (run === null || !run.success || run.exitCode === EXIT_NO_METHOD) return null;
    return fillUpTimeFromStack(run.stack);
  }

  now(): number {
    return Math.floor(Date.now() / 1000);
  }
}
