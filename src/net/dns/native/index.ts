/**
 * dnsresolve without a TVM (PROOFS.md §5): for a contract whose code hash is one of the known DNS contracts, the
 * answer `dnsresolve(subdomain, category)` would give, computed from its data alone. The walk calls
 * `nativeDnsresolve` with the code hash, data and address taken from a proven account state; null means "not a
 * code we know" (run the get method instead).
 *
 * Answers match a get-method run (DnsSnapshot.dnsresolve): success is exit code 0; an exception the contract
 * raises because of the question (9 for an argument too short for what it reads, 201 empty label, 412 off-chain
 * content, 413 no leading \0, 7 item not initialised) is an answer with that exit code and no result. Data that
 * does not parse as the code reads it, or runs into a pruned branch, is a DnsNativeDataError.
 */
import type { Address, Cell } from '@ton/core';
import { toHex } from '../bytes.ts';
import type { DnsresolveAnswer } from '../source.ts';
import type { NativeResult } from './answer.ts';
import { ContractExit, MAX_SUBDOMAIN_BYTES } from './cells.ts';
import { tmeCollectionDnsresolve, tonCollectionDnsresolve } from './collection.ts';
import { DnsNativeInputError } from './errors.ts';
import { tmeItemDnsresolve, tonItemDnsresolve } from './item.ts';
import { NATIVE_DNS_CODES, type NativeDnsCodes, type NativeDnsKind } from './kinds.ts';
import { rootDnsresolve } from './root.ts';

export { DnsNativeDataError, DnsNativeInputError } from './errors.ts';
export { NATIVE_DNS_CODES, withNativeDnsCodes, type NativeDnsCodes, type NativeDnsKind } from './kinds.ts';

/** What the contract's account holds, as proven: code hash, data, and the account's own address (my_address). */
export interface NativeDnsState {
  codeHash: Uint8Array;
  data: Cell;
  address: Address;
}

function run(
  kind: NativeDnsKind,
  data: Cell,
  address: Address,
  subdomain: Uint8Array,
  category: bigint,
): NativeResult {
  switch (kind) {
    case 'root':
      return rootDnsresolve(data, subdomain);
    case 'ton-collection':
      return tonCollectionDnsresolve(data, address, subdomain);
    case 'tme-collection':
      return tmeCollectionDnsresolve(data, address, subdomain);
    case 'ton-item':
      return tonItemDnsresolve(data, subdomain, category);
    case 'tme-item':
      return tmeItemDnsresolve(data, subdomain, category);
  }
}

/** `dnsresolve(subdomain, category)` of a known contract kind, from its data. */
export function nativeDnsresolveKind(
  kind: NativeDnsKind,
  data: Cell,
  address: Address,
  subdomain: Uint8Array,
  category: bigint,
): DnsresolveAnswer {
  if (subdomain.length > MAX_SUBDOMAIN_BYTES) {
    throw new DnsNativeInputError(
      `${subdomain.length} bytes do not fit the one cell a get method receives (max ${MAX_SUBDOMAIN_BYTES})`,
    );
  }
  try {
    const { resolvedBits, result } = run(kind, data, address, subdomain, category);
    return { exitCode: 0, resolvedBits, result };
  } catch (error) {
    if (error instanceof ContractExit) return { exitCode: error.exitCode, resolvedBits: 0, result: null };
    throw error;
  }
}

/** The kind of a code hash, or null when it is not a contract we answer for. */
export function nativeDnsKind(
  codeHash: Uint8Array,
  codes: NativeDnsCodes = NATIVE_DNS_CODES,
): NativeDnsKind | null {
  return codes.get(toHex(codeHash)) ?? null;
}

/** The answer of the contract at `state`, or null when its code is not a known DNS contract. */
export function nativeDnsresolve(
  state: NativeDnsState,
  subdomain: Uint8Array,
  category: bigint,
  codes: NativeDnsCodes = NATIVE_DNS_CODES,
): DnsresolveAnswer | null {
  const kind = nativeDnsKind(state.codeHash, codes);
  if (kind === null) return null;
  return nativeDnsresolveKind(kind, state.data, state.address, subdomain, category);
}
