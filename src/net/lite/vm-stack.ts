/**
 * TVM stack (block.tlb `VmStack`, DIGEST §3) on @ton/core cells — the params and result of runSmcMethod:
 *   vm_stack#_ depth:(## 24) stack:(VmStackList depth)
 *   vm_stk_cons#_ rest:^(VmStackList n) tos:VmStackValue   (top of stack in the outermost cell)
 * Values: null #00, tinyint #01 int64, int #0201_ int257 (15-bit tag), nan #02ff, cell #03 ^Cell,
 * slice #04 ^Cell st_bits:10 end_bits:10 st_ref:3 end_ref:3, builder #05 ^Cell, tuple #07 len:16 VmTuple.
 * Arrays are in push order: the LAST element is the top of the stack (the method's last return value),
 * the same convention as @ton/core's TupleItem[] / TupleReader.
 */
import { Cell, beginCell, type Builder, type Slice, type TupleItem } from '@ton/core';
import { cellFromBoc, cellToBoc } from './boc.ts';
import { LiteError } from './errors.ts';
import { MAX_VM_STACK_DEPTH, MAX_VM_STACK_VALUES, MAX_VM_TUPLE_NESTING } from './limits.ts';

/** A stack value; the same shape as @ton/core's TupleItem (so TupleReader works on our results). */
export type VmStackValue = TupleItem;

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const INT257_MIN = -(1n << 256n);
const INT257_MAX = (1n << 256n) - 1n;

function bad(message: string, cause?: unknown): LiteError {
  return new LiteError('bad-stack', `VM stack: ${message}`, cause === undefined ? undefined : { cause });
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/** Builds the VmStack cell for `values` (last element = top). */
export function encodeVmStack(values: readonly VmStackValue[]): Cell {
  if (values.length > MAX_VM_STACK_DEPTH) throw bad(`depth ${values.length} exceeds ${MAX_VM_STACK_DEPTH}`);
  const budget = { values: 0 };
  // Build from the bottom: each cons cell holds a ref to the rest and one value inline.
  let rest = beginCell().endCell(); // vm_stk_nil
  for (let i = 0; i < values.length; i++) {
    const b = beginCell().storeRef(rest);
    storeValue(b, values[i], 0, budget);
    rest = b.endCell();
  }
  try {
    return beginCell().storeUint(values.length, 24).storeSlice(rest.beginParse()).endCell();
  } catch (error) {
    throw bad('value too large for one cell', error);
  }
}

/** encodeVmStack as BoC bytes (runSmcMethod `params`). */
export function encodeVmStackBoc(values: readonly VmStackValue[]): Uint8Array {
  return cellToBoc(encodeVmStack(values));
}

function storeValue(b: Builder, v: VmStackValue, nesting: number, budget: { values: number }): void {
  if (++budget.values > MAX_VM_STACK_VALUES) throw bad('too many values');
  switch (v.type) {
    case 'null':
      b.storeUint(0x00, 8);
      return;
    case 'int':
      if (typeof v.value !== 'bigint') throw bad('int value must be a bigint');
      if (v.value >= INT64_MIN && v.value <= INT64_MAX) {
        b.storeUint(0x01, 8).storeInt(v.value, 64);
      } else {
        if (v.value < INT257_MIN || v.value > INT257_MAX) throw bad('integer does not fit in int257');
        b.storeUint(0x0100, 15).storeInt(v.value, 257);
      }
      return;
    case 'nan':
      b.storeUint(0x02ff, 16);
      return;
    case 'cell':
      b.storeUint(0x03, 8).storeRef(v.cell);
      return;
    case 'slice':
      // The whole cell as a slice: bits [0, len), refs [0, n).
      b.storeUint(0x04, 8).storeRef(v.cell);
      b.storeUint(0, 10).storeUint(v.cell.bits.length, 10).storeUint(0, 3).storeUint(v.cell.refs.length, 3);
      return;
    case 'builder':
      b.storeUint(0x05, 8).storeRef(v.cell);
      return;
    case 'tuple': {
      if (nesting >= MAX_VM_TUPLE_NESTING) throw bad('tuples nested too deeply');
      const items = v.items;
      if (items.length > 255) throw bad('tuple longer than 255');
      b.storeUint(0x07, 8).storeUint(items.length, 16);
      storeTuple(b, items, items.length, nesting + 1, budget);
      return;
    }
    default:
      throw bad(`unsupported value type ${(v as { type: string }).type}`);
  }
}

/**
 * VmTuple n (block.tlb): n = 0 → nothing; otherwise head:(VmTupleRef n-1) tail:^VmStackValue, where
 * VmTupleRef 0 = nothing, VmTupleRef 1 = ^VmStackValue, VmTupleRef k≥2 = ^(VmTuple k).
 */
function storeTuple(
  b: Builder,
  items: readonly VmStackValue[],
  n: number,
  nesting: number,
  budget: { values: number },
) {
  if (n === 0) return;
  const headCount = n - 1;
  if (headCount === 1) b.storeRef(valueCell(items[0], nesting, budget));
  else if (headCount >= 2) {
    const inner = beginCell();
    storeTuple(inner, items, headCount, nesting, budget);
    b.storeRef(inner.endCell());
  }
  b.storeRef(valueCell(items[n - 1], nesting, budget));
}

function valueCell(v: VmStackValue, nesting: number, budget: { values: number }): Cell {
  const b = beginCell();
  storeValue(b, v, nesting, budget);
  return b.endCell();
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/** Parses a VmStack cell; LiteError('bad-stack') on anything malformed or over the limits. */
export function decodeVmStack(root: Cell): VmStackValue[] {
  const budget = { values: 0 };
  try {
    let cs = root.beginParse();
    const depth = cs.loadUint(24);
    if (depth > MAX_VM_STACK_DEPTH) throw bad(`depth ${depth} exceeds ${MAX_VM_STACK_DEPTH}`);
    const out: VmStackValue[] = new Array(depth);
    // Walk the cons list from the top (outermost) down; fill the array from its end.
    for (let i = depth - 1; i >= 0; i--) {
      if (cs.remainingRefs < 1) throw bad('cons cell without rest');
      const rest = cs.loadRef();
      out[i] = loadValue(cs, 0, budget);
      expectEnd(cs);
      cs = rest.beginParse();
    }
    expectEnd(cs); // vm_stk_nil: an empty cell
    return out;
  } catch (error) {
    if (error instanceof LiteError) throw error;
    throw bad((error as Error).message, error);
  }
}

/** decodeVmStack from BoC bytes (runMethodResult `result`). */
export function decodeVmStackBoc(bytes: Uint8Array): VmStackValue[] {
  return decodeVmStack(cellFromBoc(bytes, 'VM stack'));
}

function expectEnd(cs: Slice): void {
  if (cs.remainingBits !== 0 || cs.remainingRefs !== 0) throw bad('trailing data in a stack cell');
}

function loadValue(cs: Slice, nesting: number, budget: { values: number }): VmStackValue {
  if (++budget.values > MAX_VM_STACK_VALUES) throw bad('too many values');
  const tag = cs.loadUint(8);
  switch (tag) {
    case 0x00:
      return { type: 'null' };
    case 0x01:
      return { type: 'int', value: cs.loadIntBig(64) };
    case 0x02: {
      const rest = cs.loadUint(7);
      if (rest === 0) return { type: 'int', value: cs.loadIntBig(257) };
      if (rest === 0x7f && cs.loadBit()) return { type: 'nan' };
      throw bad('bad int tag');
    }
    case 0x03:
      return { type: 'cell', cell: cs.loadRef() };
    case 0x04:
      return { type: 'slice', cell: loadCellSlice(cs) };
    case 0x05:
      return { type: 'builder', cell: cs.loadRef() };
    case 0x06:
      throw bad('continuations are not supported');
    case 0x07: {
      if (nesting >= MAX_VM_TUPLE_NESTING) throw bad('tuples nested too deeply');
      const len = cs.loadUint(16);
      if (len > 255) throw bad(`tuple length ${len}`);
      if (budget.values + len > MAX_VM_STACK_VALUES) throw bad('too many values');
      const items: VmStackValue[] = new Array(len);
      loadTuple(cs, items, len, nesting + 1, budget);
      return { type: 'tuple', items };
    }
    default:
      throw bad(`unknown value tag 0x${tag.toString(16)}`);
  }
}

/** VmTuple n (see storeTuple); fills items[0..n). */
function loadTuple(
  cs: Slice,
  items: VmStackValue[],
  n: number,
  nesting: number,
  budget: { values: number },
): void {
  // Iterative over the head chain: each level holds the last item of its prefix in its tail ref.
  let level = cs;
  for (let k = n; k > 0; k--) {
    const headCount = k - 1;
    let head: Slice | null = null;
    if (headCount >= 1) head = level.loadRef().beginParse();
    const tail = level.loadRef().beginParse();
    items[k - 1] = loadWhole(tail, nesting, budget);
    if (level !== cs) expectEnd(level);
    if (headCount === 1) {
      items[0] = loadWhole(head as Slice, nesting, budget);
      return;
    }
    if (headCount === 0) return;
    level = head as Slice;
  }
}

/** A value that must fill its own cell. */
function loadWhole(cs: Slice, nesting: number, budget: { values: number }): VmStackValue {
  const v = loadValue(cs, nesting, budget);
  expectEnd(cs);
  return v;
}

/** VmCellSlice: ^Cell st_bits:10 end_bits:10 st_ref:3 end_ref:3 → a new cell with that part of the cell. */
function loadCellSlice(cs: Slice): Cell {
  const cell = cs.loadRef();
  const stBits = cs.loadUint(10);
  const endBits = cs.loadUint(10);
  const stRef = cs.loadUint(3);
  const endRef = cs.loadUint(3);
  if (stBits > endBits || endBits > cell.bits.length) throw bad('slice bit range out of bounds');
  if (stRef > endRef || endRef > cell.refs.length) throw bad('slice ref range out of bounds');
  if (stBits === 0 && endBits === cell.bits.length && stRef === 0 && endRef === cell.refs.length) return cell;
  const b = beginCell().storeBits(cell.bits.substring(stBits, endBits - stBits));
  for (let r = stRef; r < endRef; r++) b.storeRef(cell.refs[r]);
  return b.endCell();
}
