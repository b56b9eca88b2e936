/** A scripted DnsSource for walker/resolver unit tests: answers keyed by contract and dnsresolve argument. */
import { Address, type Cell } from '@ton/core';
import {
  EXIT_ACCOUNT_INACTIVE,
  type DnsresolveAnswer,
  type DnsSnapshot,
  type DnsSource,
} from '../../../src/net/dns/index.ts';

export const addr = (n: number) => new Address(n === 0 ? -1 : 0, Buffer.alloc(32, n));

export class FakeDnsSource implements DnsSource, DnsSnapshot {
  readonly answers = new Map<string, DnsresolveAnswer | Error>();
  readonly fillUp = new Map<string, number | null>();
  calls: string[] = [];
  clock = 1_800_000_000;
  failSnapshot: Error | null = null;

  constructor(
    readonly label = 'fake',
    readonly root: Address = addr(0),
  ) {}

  static key(account: Address, domain: Uint8Array | string): string {
    const d = typeof domain === 'string' ? domain : new TextDecoder().decode(domain);
    return `${account.toRawString()} ${JSON.stringify(d)}`;
  }

  on(account: Address, domain: string, exitCode: number, resolvedBits: number, result: Cell | null): this {
    this.answers.set(FakeDnsSource.key(account, domain), { exitCode, resolvedBits, result });
    return this;
  }

  async snapshot(): Promise<DnsSnapshot> {
    if (this.failSnapshot) throw this.failSnapshot;
    return this;
  }
  async rootAddress(): Promise<Address> {
    return this.root;
  }
  async dnsresolve(account: Address, domain: Uint8Array, _category: bigint): Promise<DnsresolveAnswer> {
    const key = FakeDnsSource.key(account, domain);
    this.calls.push(key);
    const a = this.answers.get(key);
    if (a instanceof Error) throw a;
    return a ?? { exitCode: EXIT_ACCOUNT_INACTIVE, resolvedBits: 0, result: null };
  }
  async lastFillUpTime(account: Address): Promise<number | null> {
    return this.fillUp.get(account.toRawString()) ?? null;
  }
  now(): number {
    return this.clock;
  }
}
