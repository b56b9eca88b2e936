/**
 * Where the DNS walk gets its answers from. A source hands out snapshots; one resolution walks one snapshot, so
 * every hop of it reads the same chain state (for a liteserver: one masterchain block).
 *
 * Implementations: a liteserver (lite-source.ts, unverified), the same liteservers with every answer proven from a
 * trusted block (proven/source.ts, ProvenDnsSource), the @ton/sandbox devnet (src/devnet/dns/sandbox-source.ts).
 */
import type { Address, Cell } from '@ton/core';
import type { DnsHints } from './hints.ts';
import type { DnsTrust, DnsTrustLevel } from './resolution.ts';

/** TVM / liteserver convention for "the account is not active (does not exist, or has no code)". */
export const EXIT_ACCOUNT_INACTIVE = -256;

export interface DnsresolveAnswer {
  /** 0 or 1 = success; EXIT_ACCOUNT_INACTIVE when the contract does not exist; other values = TVM failure. */
  exitCode: number;
  /** First returned value: how many bits of the argument were resolved (valid when exitCode is 0 or 1). */
  resolvedBits: number;
  /** Second returned value: a record, a record dictionary, or null. */
  result: Cell | null;
  /** How far this answer is proven; absent = the snapshot's level (DnsSnapshot.trust). */
  trust?: DnsTrustLevel;
}

export interface DnsSnapshot {
  /** For traces and errors, e.g. `127.0.0.1:4924 @ masterchain seqno 812`. */
  readonly label: string;
  /** The root resolver: ConfigParam 4 of this state. */
  rootAddress(): Promise<Address>;
  /**
   * Optional: the contracts the walk will probably pass through (hints.ts), e.g. a root that is probably still
   * current (an expired cache entry, a network hint) while rootAddress() has to ask. The walk asks them all at
   * once and uses an answer only when the real chain reaches the same contract with the same question
   * (same state, same contract, same question: the same answer).
   */
  hints?(): DnsHints | null;
  /** `dnsresolve(slice domain, int category)` on `account` (method id 123660). */
  dnsresolve(account: Address, domain: Uint8Array, category: bigint): Promise<DnsresolveAnswer>;
  /**
   * dns-contract nft-item `get_last_fill_up_time`: unix seconds, or null when the contract has no such method
   * (not a .ton/.t.me domain item) or does not answer with one integer.
   */
  lastFillUpTime(account: Address): Promise<number | null>;
  /** Unix seconds now by our clock (expiry checks): the liteserver's own time is not part of the snapshot. */
  now(): number;
  /**
   * Optional: the best trust this snapshot gives and the block/anchor behind it (a proof-checking source).
   * Without it the snapshot counts as 'single-source'.
   */
  trust?(): DnsTrust;
}

/** The answer of `get_last_fill_up_time` from its result stack: one uint32, else null (not a domain item). */
export function fillUpTimeFromStack(
  stack: readonly { type: string; value?: unknown }[] | null | undefined,
): number | null {
  const [only] = stack ?? [];
  if (stack?.length !== 1 || only.type !== 'int' || typeof only.value !== 'bigint') return null;
  return only.value >= 0n && only.value <= 0xffffffffn ? Number(only.value) : null;
}

export interface DnsSource {
  readonly label: string;
  snapshot(): Promise<DnsSnapshot>;
}
