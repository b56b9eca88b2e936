/**
 * Patricia dictionaries of block.tlb (Hashmap / HashmapAug, lines ~20-55):
 *   hm_edge label:(HmLabel ~l n) node:(HashmapNode m X)            leaf: value:X; fork: left:^ right:^
 *   ahm_edge label node:(HashmapAugNode m X Y)                      leaf: extra:Y value:X; fork: ^ ^ extra:Y
 *   ahme_empty$0 extra:Y | ahme_root$1 root:^(HashmapAug n X Y) extra:Y = HashmapAugE n X Y
 * @ton/core writes plain dictionaries but not augmented ones (ShardAccounts needs DepthBalanceInfo extras at every
 * fork), so the devnet has its own writer. `dictPath` walks either kind (it only reads labels and refs) and returns
 * the cells on the way to one key — what a Merkle proof for that key must keep.
 */
import { beginCell, type Builder, type Cell, type Slice } from '@ton/core';

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

/** Bits needed for `#<= m`: ceil(log2(m + 1)). */
function lenBits(m: number): number {
  return Math.ceil(Math.log2(m + 1));
}

/** Writes HmLabel for `bits` (a '0'/'1' string) with max length m, choosing the shortest of short/long/same. */
export function storeLabel(b: Builder, bits: string, m: number): void {
  const n = bits.length;
  const k = lenBits(m);
  const shortLen = 2 + 2 * n;
  const longLen = 2 + k + n;
  const same = n > 0 && (/^0+$/.test(bits) || /^1+$/.test(bits));
  const sameLen = same ? 3 + k : Infinity;
  if (shortLen <= longLen && shortLen <= sameLen) {
    b.storeBit(0); // hml_short$0 len:(Unary ~n) s:(n * Bit)
    for (let i = 0; i < n; i++) b.storeBit(1);
    b.storeBit(0);
    for (const c of bits) b.storeBit(c === '1');
  } else if (longLen <= sameLen) {
    b.storeUint(0b10, 2).storeUint(n, k); // hml_long$10 n:(#<= m) s:(n * Bit)
    for (const c of bits) b.storeBit(c === '1');
  } else {
    b.storeUint(0b11, 2)
      .storeBit(bits[0] === '1')
      .storeUint(n, k); // hml_same$11 v:Bit n:(#<= m)
  }
}

function keyBits(key: bigint, n: number): string {
  return key.toString(2).padStart(n, '0');
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
  storeLabel(b, common, n);
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

function readLabel(s: Slice, m: number): string {
  const readBits = (n: number) => {
    let bits = '';
    for (let i = 0; i < n; i++) bits += s.loadBit() ? '1' : '0';
    return bits;
  };
  if (!s.loadBit()) {
    let n = 0; // hml_short$0: unary length
    while (s.loadBit()) n++;
    return readBits(n);
  }
  const same = s.loadBit(); // hml_long$10 / hml_same$11
  if (!same) return readBits(s.loadUint(lenBits(m)));
  const v = s.loadBit() ? '1' : '0';
  return v.repeat(s.loadUint(lenBits(m)));
}

/**
 * Cells from a (non-empty) Hashmap/HashmapAug root down to the leaf of `key`, root first; the leaf is last, and
 * `leaf` is its slice positioned after the label (at the extra, for HashmapAug; at the value, for Hashmap).
 * Returns the cells visited even when the key is absent (they prove its absence), with `leaf` = null.
 */
export function dictPath(root: Cell, n: number, key: bigint): { cells: Cell[]; leaf: Slice | null } {
  const want = keyBits(key, n);
  const cells: Cell[] = [];
  let cell = root;
  let pos = 0;
  for (;;) {
    cells.push(cell);
    if (cell.isExotic) return { cells, leaf: null };
    const s = cell.beginParse();
    const label = readLabel(s, n - pos);
    if (want.slice(pos, pos + label.length) !== label) return { cells, leaf: null };
    pos += label.length;
    if (pos === n) return { cells, leaf: s };
    const next = want[pos] === '1' ? 1 : 0;
    cell = cell.refs[next];
    pos += 1;
  }
}
