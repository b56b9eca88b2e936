/**
 * `get_last_fill_up_time` of a .ton item without a TVM (dns-contract func/nft-item.fc `load_data`,
 * `get_last_fill_up_time`): data = uint256 index, MsgAddress collection, and when initialised MsgAddress owner,
 * ^content, ^domain, Maybe ^auction, uint64 last_fill_up_time. An item that is not initialised returns null (the
 * get method's single value is null, which the unverified source also reads as "no time").
 */
import type { Cell } from '@ton/core';
import { DataReader } from '../native/cells.ts';

export function tonItemLastFillUpTime(data: Cell): number | null {
  const r = new DataReader('ton-item');
  const ds = r.open(data, 'item data');
  r.uint(ds, 256, 'index');
  r.msgAddress(ds, 'collection address');
  if (ds.remainingBits === 0) return null;
  r.msgAddress(ds, 'owner address');
  r.ref(ds, 'content');
  r.ref(ds, 'domain');
  r.maybeRef(ds, 'auction');
  const v = r.uint(ds, 64, 'last_fill_up_time');
  return v <= 0xffffffffn ? Number(v) : null; // as the unverified source reads the get method's integer
}
