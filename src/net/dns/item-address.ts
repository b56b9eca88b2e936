/**
 * Where a domain's NFT item lives (DIGEST §9.1; dns-contract nft-collection.fc calculate_nft_item_state_init):
 * index = slice_hash(label) = the representation hash of an ordinary cell holding just the label bytes (not
 * sha256 of the label); address = workchain 0, hash of StateInit{code: the collection's item code,
 * data: uint256 index + collection address}.
 */
import { Address, beginCell, contractAddress, type Cell } from '@ton/core';
import { asBuffer, uint256FromBytes } from './bytes.ts';
import { DnsInvalidNameError } from './errors.ts';

function labelBytes(label: string | Uint8Array): Uint8Array {
  const bytes = typeof label === 'string' ? new TextEncoder().encode(label) : label;
  if (bytes.length === 0 || bytes.length > 127 || bytes.includes(0)) {
    throw new DnsInvalidNameError(
      typeof label === 'string' ? label : `<${bytes.length} bytes>`,
      'not a single label',
    );
  }
  return bytes;
}

/** The item index of a second-level label (`alice` of alice.ton). */
export function dnsItemIndex(label: string | Uint8Array): bigint {
  const cell = beginCell()
    .storeBuffer(asBuffer(labelBytes(label)))
    .endCell();
  return uint256FromBytes(cell.hash());
}

/** The address of the item for `label` in a dns-contract collection with the given item code. */
export function dnsItemAddress(collection: Address, itemCode: Cell, label: string | Uint8Array): Address {
  const data = beginCell().storeUint(dnsItemIndex(label), 256).storeAddress(collection).endCell();
  return contractAddress(0, { code: itemCode, data });
}
