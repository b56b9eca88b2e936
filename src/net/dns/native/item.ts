/**
 * Domain items without a TVM: the .ton item (dns-contract func/nft-item.fc `load_data`, `dnsresolve`, @d0813103)
 * and the .t.me item (telemint func/nft-item.fc `dnsresolve`, common.fc `unpack_item_data`, `unpack_item_state`,
 * `unpack_item_content`, @1e47b28a). Both: the argument must start with \0 (else 413); more than "\0" forces the
 * category to sha256("dns_next_resolver"); category 0 returns the whole record dictionary (null when empty), any
 * other the dictionary's ^value for that 256-bit key or null; always 8 bits. Neither looks at expiry or auctions.
 * Order of checks differs: the .ton item checks the argument's bit length (70) before reading its data, telemint
 * reads (strictly, ENDS) its data first; an item that is not initialised (no content / no state) fails on a null
 * cell (type check, exit 7) before the argument's first byte is looked at.
 */
import type { Cell } from '@ton/core';
import { dictPath } from '../../tlb/index.ts';
import { DNS_CATEGORY_NEXT_RESOLVER } from '../categories.ts';
import type { NativeResult } from './answer.ts';
import { ContractExit, DataReader, EXIT_CELL_UNDERFLOW, EXIT_TYPE_CHECK } from './cells.ts';
import { DnsNativeDataError } from './errors.ts';

const KEY_LIMIT = 1n << 256n;

/** The shared tail of both items' dnsresolve, given the record dictionary (HashmapE 256 ^DNSRecord root). */
function answerFromRecords(r: DataReader, records: Cell | null, subdomain: Uint8Array, category: bigint) {
  // subdomain.preload_int(8) == 0, throw_unless(413, ...).
  if (subdomain.length === 0) throw new ContractExit(EXIT_CELL_UNDERFLOW);
  if (subdomain[0] !== 0) throw new ContractExit(413);
  const key = subdomain.length > 1 ? DNS_CATEGORY_NEXT_RESOLVER : category;
  if (key === 0n) return { resolvedBits: 8, result: records };
  return { resolvedBits: 8, result: lookupRef(r, records, key) };
}

/** `udict_get_ref?(256, key)` (DICTUGETREF): the value must be exactly one reference. */
function lookupRef(r: DataReader, records: Cell | null, key: bigint): Cell | null {
  // A key that does not fit 256 unsigned bits is simply not found.
  if (records === null || key < 0n || key >= KEY_LIMIT) return null;
  let path: ReturnType<typeof dictPath>;
  try {
    path = dictPath(records, 256, key);
  } catch (error) {
    if (error instanceof DnsNativeDataError) throw error;
    return r.fail(`record dictionary: ${(error as Error).message}`);
  }
  if (path.pruned) r.fail('record dictionary runs into a pruned branch on the way to the key', true);
  if (!path.leaf) return null;
  if (path.leaf.remainingBits !== 0 || path.leaf.remainingRefs !== 1) {
    r.fail('record dictionary value is not exactly one reference');
  }
  return path.leaf.loadRef();
}

export function tonItemDnsresolve(data: Cell, subdomain: Uint8Array, category: bigint): NativeResult {
  const r = new DataReader('ton-item');
  // load_data: uint256 index, MsgAddress collection; initialised if bits remain: owner MsgAddress, ^content,
  // ^domain, Maybe ^auction, uint64 last_fill_up_time (rest not read).
  const ds = r.open(data, 'item data');
  r.uint(ds, 256, 'index');
  r.msgAddress(ds, 'collection address');
  if (ds.remainingBits === 0) throw new ContractExit(EXIT_TYPE_CHECK); // content is null: CTOS on null
  r.msgAddress(ds, 'owner address');
  const content = r.ref(ds, 'content');
  r.ref(ds, 'domain');
  r.maybeRef(ds, 'auction');
  r.uint(ds, 64, 'last_fill_up_time');
  // throw_unless(412, cs~load_uint(8) == 0); keyvalue_map = cs~load_dict().
  const cs = r.open(content, 'content');
  if (r.uint(cs, 8, 'content tag') !== 0n) throw new ContractExit(412);
  const records = r.maybeRef(cs, 'record dictionary');
  return answerFromRecords(r, records, subdomain, category);
}

export function tmeItemDnsresolve(data: Cell, subdomain: Uint8Array, category: bigint): NativeResult {
  const r = new DataReader('tme-item');
  // unpack_item_data: ^config Maybe ^state, ENDS.
  const ds = r.open(data, 'item data');
  r.ref(ds, 'config');
  const state = r.maybeRef(ds, 'state');
  r.end(ds, 'item data');
  if (state === null) throw new ContractExit(EXIT_TYPE_CHECK); // unpack_item_state(null): CTOS on null
  // unpack_item_state: owner MsgAddress, ^content, Maybe ^auction, ^royalty_params, ENDS.
  const ss = r.open(state, 'item state');
  r.msgAddress(ss, 'owner address');
  const content = r.ref(ss, 'content');
  r.maybeRef(ss, 'auction');
  r.ref(ss, 'royalty_params');
  r.end(ss, 'item state');
  // unpack_item_content: ^nft_content, dns:HashmapE 256, ^token_info, ENDS.
  const cs = r.open(content, 'content');
  r.ref(cs, 'nft_content');
  const records = r.maybeRef(cs, 'record dictionary');
  r.ref(cs, 'token_info');
  r.end(cs, 'content');
  return answerFromRecords(r, records, subdomain, category);
}
