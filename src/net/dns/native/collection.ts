/**
 * The .ton collection (dns-contract func/nft-collection.fc `dnsresolve` + `get_nft_address_by_index`, @d0813103)
 * and the .t.me collection (telemint func/nft-collection.fc `dnsresolve`, common.fc `pack_item_state_init`,
 * `unpack_collection_data`, @1e47b28a) without a TVM. Both strip one leading \0, answer "." with (8, null), take the
 * label up to the first \0 (get_top_domain_bits: none -> underflow, empty -> 201), compute the item's address from
 * the item code in their data and their own address (no existence check), and return
 * (label bits + 8 if a \0 was stripped, dns_next_resolver item).
 * Differences: .ton index = slice_hash(label) (HASHSU: hash of a cell holding the label), item data =
 * uint256 index + collection address; .t.me index = string_hash(label) (SHA256U), item data =
 * ^(uint256 index + collection address) + Maybe ^state = 0. The .t.me collection reads its whole data strictly
 * (ENDS) and reads it only after the label (inside get_nft_address_by_index).
 */
import { beginCell, type Address, type Cell } from '@ton/core';
import { sha256 } from '../../crypto/index.ts';
import { asBuffer, uint256FromBytes } from '../bytes.ts';
import type { NativeResult } from './answer.ts';
import {
  basechainAddressBits,
  ContractExit,
  DataReader,
  EXIT_CELL_UNDERFLOW,
  nextResolverCell,
  topDomainBits,
} from './cells.ts';

/**
 * pack_state_init / calculate_nft_item_state_init: `0 2 u, code Maybe ^, data Maybe ^, 0 1 u` (StateInit), and
 * its cell_hash. The item code may be a pruned branch in a proof: hash(0) is the hash of the original cell either way.
 */
function stateInitHash(code: Cell, data: Cell): Uint8Array {
  const init = beginCell().storeUint(0, 2).storeMaybeRef(code).storeMaybeRef(data).storeUint(0, 1).endCell();
  return new Uint8Array(init.hash(0));
}

/** The part both collections share up to the label: returns the label and the bits a stripped \0 adds. */
function splitLabel(subdomain: Uint8Array): { label: Uint8Array; extra: number } | NativeResult {
  // dns-contract: preload_int(8) on an empty argument underflows. telemint: SDBEGINSQ does not, but
  // get_top_domain_bits on the empty rest does: both exit 9.
  if (subdomain.length === 0) throw new ContractExit(EXIT_CELL_UNDERFLOW);
  const zero = subdomain[0] === 0;
  if (zero && subdomain.length === 1) return { resolvedBits: 8, result: null };
  const rest = zero ? subdomain.subarray(1) : subdomain;
  const bits = topDomainBits(rest);
  return { label: rest.subarray(0, bits / 8), extra: zero ? 8 : 0 };
}

export function tonCollectionDnsresolve(data: Cell, self: Address, subdomain: Uint8Array): NativeResult {
  const split = splitLabel(subdomain);
  if (!('label' in split)) return split;
  const { label, extra } = split;
  // slice_hash(top_subdomain): representation hash of an ordinary cell with the label's bits.
  const index = beginCell().storeBuffer(asBuffer(label)).endCell().hash();
  // load_data: ^content ^nft_item_code (the rest of the cell is not read).
  const r = new DataReader('ton-collection');
  const ds = r.open(data, 'collection data');
  r.ref(ds, 'collection content');
  const itemCode = r.ref(ds, 'nft_item_code');
  const itemData = beginCell().storeBuffer(index).storeAddress(self).endCell();
  const item = basechainAddressBits(stateInitHash(itemCode, itemData));
  return { resolvedBits: label.length * 8 + extra, result: nextResolverCell(item) };
}

export function tmeCollectionDnsresolve(data: Cell, self: Address, subdomain: Uint8Array): NativeResult {
  const split = splitLabel(subdomain);
  if (!('label' in split)) return split;
  const { label, extra } = split;
  // string_hash(top_subdomain): SHA256U of the label bytes.
  const index = uint256FromBytes(sha256(label));
  // unpack_collection_data: touched:int1 subwallet_id:u32 public_key:u256 ^content ^item_code
  // ^full_domain(text: len:u8 + len bytes) ^royalty_params, then ENDS.
  const r = new DataReader('tme-collection');
  const ds = r.open(data, 'collection data');
  r.uint(ds, 1 + 32 + 256, 'touched, subwallet_id, public_key');
  r.ref(ds, 'collection content');
  const itemCode = r.ref(ds, 'item_code');
  const text = r.open(r.ref(ds, 'full_domain'), 'full_domain');
  const textLength = Number(r.uint(text, 8, 'full_domain length'));
  r.need(text, textLength * 8, 0, 'full_domain text');
  r.ref(ds, 'royalty_params');
  r.end(ds, 'collection data');
  // pack_item_state_init: data = ^config(uint256 index, my_address) + Maybe ^state (null).
  const config = beginCell().storeUint(index, 256).storeAddress(self).endCell();
  const itemData = beginCell().storeRef(config).storeBit(false).endCell();
  const item = basechainAddressBits(stateInitHash(itemCode, itemData));
  return { resolvedBits: label.length * 8 + extra, result: nextResolverCell(item) };
}
