/**
 * "Root DNS resolver 2.0" without a TVM: dns-contract func/root-dns.fc `dnsresolve` (@d0813103), line by line.
 *
 * data: three MsgAddress (load_data: .ton collection, .t.me collection, www.ton resolver), read only after the
 * "." case. `subdomain_len` is taken BEFORE a leading \0 is stripped, so with a leading \0 every length test is
 * 8 bits too generous and the following preload_bits can run past the end (cell underflow, exit 9): e.g.
 * "\0ton\0ab\0" (8 bytes) fails at the www.ton test instead of matching "ton\0".
 */
import type { Cell } from '@ton/core';
import type { NativeResult } from './answer.ts';
import { ContractExit, DataReader, EXIT_CELL_UNDERFLOW, nextResolverCell } from './cells.ts';

const TON_WWW = new TextEncoder().encode('ton\0www\0');
const TON = new TextEncoder().encode('ton\0');
const T_ME = new TextEncoder().encode('me\0t\0');

/** `equal_slices(subdomain.preload_bits(8 * n), prefix)`, with preload_bits' underflow. */
function startsWith(rest: Uint8Array, prefix: Uint8Array): boolean {
  if (rest.length < prefix.length) throw new ContractExit(EXIT_CELL_UNDERFLOW);
  for (let i = 0; i < prefix.length; i++) if (rest[i] !== prefix[i]) return false;
  return true;
}

export function rootDnsresolve(data: Cell, subdomain: Uint8Array): NativeResult {
  // throw_unless(70, bits % 8 == 0): our argument is whole bytes. preload_int(8) on an empty slice: underflow.
  if (subdomain.length === 0) throw new ContractExit(EXIT_CELL_UNDERFLOW);
  const zero = subdomain[0] === 0;
  const len = subdomain.length * 8;
  if (zero && len === 8) return { resolvedBits: 8, result: null };
  const rest = zero ? subdomain.subarray(1) : subdomain;
  const extra = zero ? 8 : 0;

  const r = new DataReader('root');
  const ds = r.open(data, 'root data');
  const ton = r.msgAddress(ds, '.ton collection address');
  const tme = r.msgAddress(ds, '.t.me collection address');
  const www = r.msgAddress(ds, 'www.ton resolver address');

  if (len >= 64 && startsWith(rest, TON_WWW)) {
    return { resolvedBits: 7 * 8 + extra, result: nextResolverCell(www) };
  }
  if (len >= 32 && startsWith(rest, TON)) {
    return { resolvedBits: 3 * 8 + extra, result: nextResolverCell(ton) };
  }
  if (len >= 40 && startsWith(rest, T_ME)) {
    return { resolvedBits: 4 * 8 + extra, result: nextResolverCell(tme) };
  }
  return { resolvedBits: 0, result: null };
}
