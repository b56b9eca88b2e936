/**
 * A DnsSource that runs get methods directly on a @ton/sandbox Blockchain (tests, benchmarks, the devnet's own
 * checks). The root comes from ConfigParam 4 of the sandbox config, as a liteserver client reads it.
 */
import { Address, beginCell, Dictionary, type TupleItem } from '@ton/core';
import { GetMethodError, type Blockchain } from '@ton/sandbox';
import {
  dnsRootFromConfigParam,
  DnsResolverError,
  DnsSourceError,
  DNS_ROOT_CONFIG_PARAM,
  EXIT_ACCOUNT_INACTIVE,
  type DnsresolveAnswer,
  type DnsSnapshot,
  type DnsSource,
} from '../../net/dns/index.ts';

/** TVM exit code 11: the get method does not exist (among other "unknown" errors). */
const EXIT_NO_METHOD = 11;

export class SandboxDnsSource implements DnsSource, DnsSnapshot {
  /** Get methods run so far (for benchmarks: one liteserver query each). */
  queries = 0;

  constructor(
    readonly blockchain: Blockchain,
    readonly label = 'sandbox',
  ) {}

  async snapshot(): Promise<DnsSnapshot> {
    return this;
  }

  async rootAddress(): Promise<Address> {
    const dict = Dictionary.loadDirect(
      Dictionary.Keys.Int(32),
      Dictionary.Values.Cell(),
      this.blockchain.config,
    );
    const param = dict.get(DNS_ROOT_CONFIG_PARAM);
    if (!param) throw new DnsSourceError(this.label, 'no ConfigParam 4 (DNS root) in the config');
    return dnsRootFromConfigParam(param, this.label);
  }

  async #run(account: Address, method: string, stack: TupleItem[]) {
    this.queries++;
    const contract = await this.blockchain.getContract(account);
    if (contract.accountState?.type !== 'active') return { exitCode: EXIT_ACCOUNT_INACTIVE, stack: [] };
    try {
      const result = await this.blockchain.runGetMethod(account, method, stack);
      return { exitCode: result.exitCode, stack: result.stack };
    } catch (error) {
      if (error instanceof GetMethodError) return { exitCode: error.exitCode, stack: [] };
      throw new DnsSourceError(this.label, (error as Error).message, { cause: error });
    }
  }

  async dnsresolve(account: Address, domain: Uint8Array, category: bigint): Promise<DnsresolveAnswer> {
    const arg = beginCell().storeBuffer(Buffer.from(domain)).endCell();
    const { exitCode, stack } = await this.#run(account, 'dnsresolve', [
      { type: 'slice', cell: arg },
      { type: 'int', value: category },
    ]);
    if (exitCode !== 0 && exitCode !== 1) return { exitCode, resolvedBits: 0, result: null };
    const [bits, result] = stack;
    if (stack.length !== 2 || bits.type !== 'int' || (result.type !== 'cell' && result.type !== 'null')) {
      throw new DnsResolverError(account, exitCode, `dnsresolve returned an unexpected stack`);
    }
    if (bits.value > 1024n || bits.value < 0n) {
      throw new DnsResolverError(account, exitCode, `dnsresolve returned ${bits.value} bits`);
    }
    return {
      exitCode,
      resolvedBits: Number(bits.value),
      result: result.type === 'cell' ? result.cell : null,
    };
  }

  async lastFillUpTime(account: Address): Promise<number | null> {
    const { exitCode, stack } = await this.#run(account, 'get_last_fill_up_time', []);
    if (exitCode === EXIT_NO_METHOD || (exitCode !== 0 && exitCode !== 1)) return null;
    const [value] = stack;
    if (stack.length !== 1 || value.type !== 'int' || value.value < 0n || value.value > 0xffffffffn)
      return null;
    return Number(value.value);
  }

  now(): number {
    return this.blockchain.now ?? Math.floor(Date.now() / 1000);
  }
}
