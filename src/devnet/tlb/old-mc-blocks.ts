/**
 * McStateExtra.prev_blocks (block.tlb):
 *   _ key:Bool max_end_lt:uint64 = KeyMaxLt;
 *   _ key:Bool blk_ref:ExtBlkRef = KeyExtBlkRef;
 *   _ (HashmapAugE 32 KeyExtBlkRef KeyMaxLt) = OldMcBlocksInfo;
 * Every masterchain state lists all earlier masterchain blocks by seqno (the collator adds the previous block on
 * each new block: ton validator/impl/collator.cpp `create_mc_state_extra`, step 6), with the aug extra of a fork
 * being (key1 | key2, max(max_end_lt1, max_end_lt2)) (crypto/block/block.cpp `Aug_OldMcBlocksInfo::eval_fork`).
 * Backward block-proof links read it (liteserver.cpp `make_ancestor_block_proof`).
 *
 * The devnet adds one block per seal, so the dictionary is persistent: an insert rebuilds only the cells on the
 * path to the new key (≤ 33 cells) and shares every other subtree (and its cell) with the previous state.
 */
import { beginCell, type Builder, type Cell } from '@ton/core';
import { keyBits, storeExtBlkRef, storeHmLabel, type ExtBlkRef } from '../../net/tlb/index.ts';

const KEY_BITS = 32;

export interface OldMcBlock {
  /** The block is a key block (KeyExtBlkRef.key). */
  key: boolean;
  ref: ExtBlkRef;
}

interface Extra {
  key: boolean;
  maxEndLt: bigint;
}

/** One edge of the Patricia tree: label bits, then a leaf value or two children; `m` = key bits left here. */
interface Node {
  label: string;
  m: number;
  leaf: OldMcBlock | null;
  children: [Node, Node] | null;
  extra: Extra;
  cell: Cell | null;
}

function storeExtra(b: Builder, e: Extra): void {
  b.storeBit(e.key).storeUint(e.maxEndLt, 64);
}

function leafNode(label: string, m: number, value: OldMcBlock): Node {
  return {
    label,
    m,
    leaf: value,
    children: null,
    extra: { key: value.key, maxEndLt: value.ref.endLt },
    cell: null,
  };
}

function forkNode(label: string, m: number, left: Node, right: Node): Node {
  const extra = {
    key: left.extra.key || right.extra.key,
    maxEndLt: left.extra.maxEndLt > right.extra.maxEndLt ? left.extra.maxEndLt : right.extra.maxEndLt,
  };
  return { label, m, leaf: null, children: [left, right], extra, cell: null };
}

function withLabel(node: Node, label: string, m: number): Node {
  return { ...node, label, m, cell: null };
}

function insert(node: Node, bits: string, value: OldMcBlock): Node {
  const { label, m } = node;
  let common = 0;
  while (common < label.length && label[common] === bits[common]) common++;
  if (common === label.length) {
    if (label.length === m) return leafNode(label, m, value); // same key: replace
    const rest = bits.slice(common + 1);
    const [left, right] = node.children!;
    return bits[common] === '0'
      ? forkNode(label, m, insert(left, rest, value), right)
      : forkNode(label, m, left, insert(right, rest, value));
  }
  // Split the edge at `common`: a fork whose children are the old subtree and the new leaf.
  const childM = m - common - 1;
  const old = withLabel(node, label.slice(common + 1), childM);
  const fresh = leafNode(bits.slice(common + 1), childM, value);
  const prefix = label.slice(0, common);
  return bits[common] === '0' ? forkNode(prefix, m, fresh, old) : forkNode(prefix, m, old, fresh);
}

/** ahm_edge label:(HmLabel ~l m) node:(HashmapAugNode n X Y): leaf = extra value; fork = ^left ^right extra. */
function nodeCell(node: Node): Cell {
  if (node.cell) return node.cell;
  const b = beginCell();
  storeHmLabel(b, node.label, node.m);
  if (node.leaf) {
    storeExtra(b, node.extra);
    b.storeBit(node.leaf.key).store(storeExtBlkRef(node.leaf.ref));
  } else {
    const [left, right] = node.children!;
    b.storeRef(nodeCell(left)).storeRef(nodeCell(right));
    storeExtra(b, node.extra);
  }
  node.cell = b.endCell();
  return node.cell;
}

/** An immutable OldMcBlocksInfo; `with` returns a new one sharing all untouched cells. */
export class OldMcBlocks {
  private constructor(private readonly root: Node | null) {}

  static empty(): OldMcBlocks {
    return new OldMcBlocks(null);
  }

  with(seqno: number, value: OldMcBlock): OldMcBlocks {
    const bits = keyBits(BigInt(seqno), KEY_BITS);
    return new OldMcBlocks(this.root ? insert(this.root, bits, value) : leafNode(bits, KEY_BITS, value));
  }

  /** The dictionary root cell (ahme_root's ^ref), null when empty. */
  get rootCell(): Cell | null {
    return this.root ? nodeCell(this.root) : null;
  }

  /** Writes HashmapAugE 32 KeyExtBlkRef KeyMaxLt: ahme_empty$0 extra | ahme_root$1 ^root extra. */
  store(b: Builder): void {
    if (!this.root) {
      b.storeBit(0);
      storeExtra(b, { key: false, maxEndLt: 0n });
      return;
    }
    b.storeBit(1).storeRef(nodeCell(this.root));
    storeExtra(b, this.root.extra);
  }
}
