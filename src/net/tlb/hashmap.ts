/**
 * Patricia dictionaries of block.tlb (Hashmap / HashmapAug, lines ~20-55):
 *   hm_edge label:(HmLabel ~l n) node:(HashmapNode m X)            leaf: value:X; fork: left:^ right:^
 *   ahm_edge label node:(HashmapAugNode m X Y)                      leaf: extra:Y value:X; fork: ^ ^ extra:Y
 *   ahme_empty$0 extra:Y | ahme_root$1 root:^(HashmapAug n X Y) extra:Y = HashmapAugE n X Y
 * @ton/core writes plain dictionaries but not augmented ones (ShardAccounts needs DepthBalanceInfo extras at every
 * fork), so this is our writer (the devnet's states). `dictPath` walks either kind (it only reads labels and refs) and returns
 * the cells on the way to one key — what a Merkle proof for that key must keep.
 */
import { beginCell, type Builder, type Cell, type Slice } from '@ton/core';
import { TlbError } from './errors.ts';
import { keyBits, loadHmLabel, storeHmLabel } from './hm-label.ts';

export interface AugEntry<Y> {
  key: bigint;
  extra: Y;
  /** Writes the leaf value X (after the extra). */
  storeValue(b: Builder): void;
}

export interface AugOps<Y> {
  storeExtra(b: Builder, extra: Y): void;
  add(a: Y, b: Y): Y;
  empty: Y;
}

/** Builds a non-empty HashmapAug n X Y; returns the root cell and the total extra. */
function buildAug<Y>(
  entries: { bits: string; e: AugEntry<Y> }[],
  n: number,
  ops: AugOps<Y>,
): { cell: Cell; extra: Y } {
  let common = entries[0].bits;
  for (const { bits } of entries) {
    let i = 0;
    while (i < common.length && common[i] === bits[i]) i++;
    common = common.slice(0, i);
  }
  const b = beginCell();
  storeHmLabel(b, common, n);
  const l = common.length;
  if (l === n) {
    const leaf = entries[0].e;
    ops.storeExtra(b, leaf.extra);
    leaf.storeValue(b);
    return { cell: b.endCell(), extra: leaf.extra };
  }
  const rest = (bit: string) =>
    entries.filter((x) => x.bits[l] === bit).map((x) => ({ bits: x.bits.slice(l + 1), e: x.e }));
  const left = buildAug(rest('0'), n - l - 1, ops);
  const right = buildAug(rest('1'), n - l - 1, ops);
  const extra = ops.add(left.extra, right.extra);
  b.storeRef(left.cell).storeRef(right.cell);
  ops.storeExtra(b, extra);
  return { cell: b.endCell(), extra };
}

/** Writes HashmapAugE n X Y (keys must be distinct and < 2^n). */
export function storeHashmapAugE<Y>(b: Builder, n: number, entries: AugEntry<Y>[], ops: AugOps<Y>): Y {
  if (entries.length === 0) {
    b.storeBit(0);
    ops.storeExtra(b, ops.empty);
    return ops.empty;
  }
  const sorted = entries
    .map((e) => ({ bits: keyBits(e.key, n), e }))
    .sort((x, y) => (x.bits < y.bits ? -1 : 1));
  const { cell, extra } = buildAug(sorted, n, ops);
  b.storeBit(1).storeRef(cell);
  ops.storeExtra(b, extra);
  return extra;
}

/**
 * Cells from a (non-empty) Hashmap/HashmapAug root down to the leaf of `key`, root first; the leaf is last, and
 * `leaf` is its slice positioned after the label (at the extra, for HashmapAug; at the value, for Hashmap).
 * Returns the cells visited even when the key is absent (they prove its absence), with `leaf` = null; `pruned` is
 * true when the walk stopped at a pruned branch (a Merkle proof that does not cover the key: neither found nor
 * absent). TlbError('malformed') for a label over its bound or a fork without both refs.
 */
export function dictPath(
  root: Cell,
  n: number,
  key: bigint,
): { cells: Cell[]; leaf: Slice | null; pruned: boolean } {
  const want = keyBits(key, n);
  const cells: Cell[] = [];
  let cell = root;
  let pos = 0;
  for (;;) {
    cells.push(cell);
    if (cell.isExotic) return { cells, leaf: null, pruned: true };
    const s = cell.beginParse();
    const label = loadHmLabel(s, n - pos);
    if (want.slice(pos, pos + label.length) !== label) return { cells, leaf: null, pruned: false };
    pos += label.length;
    if (pos === n) return { cells, leaf: s, pruned: false };
    // hmn_fork#_ left:^(Hashmap n X) right:^(Hashmap n X) (block.tlb line 27)
    const next = cell.refs[want[pos] === '1' ? 1 : 0];
    if (!next || cell.refs.length < 2)
      throw new TlbError('malformed', 'dictionary fork without both branches');
    cell = next;
    pos += 1;
  }
}
