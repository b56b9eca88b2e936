/** VM stack codec against the ton-docs vector and against @ton/core's own tuple serializer (not ours). */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Cell, beginCell, parseTuple, serializeTuple, type TupleItem } from '@ton/core';
import {
  LiteError,
  MAX_VM_STACK_DEPTH,
  cellToBoc,
  decodeVmStack,
  decodeVmStackBoc,
  encodeVmStack,
  encodeVmStackBoc,
  getMethodId,
  type VmStackValue,
} from '../../../src/net/lite/index.ts';

const vector = JSON.parse(
  readFileSync(
    new URL('../../../../shared/spec/vectors/liteserver_runSmcMethod_example.json', import.meta.url),
    'utf8',
  ),
) as Record<string, string | number | string[]>;
const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('ton-docs runSmcMethod vector', () => {
  it('method ids', () => {
    expect(getMethodId(vector.method as string)).toBe(vector.method_id);
    const le8 = Buffer.alloc(8);
    le8.writeBigInt64LE(BigInt(getMethodId('a2')));
    expect(le8.toString('hex')).toBe(vector.method_id_le8);
    expect(getMethodId('dnsresolve')).toBe(123660); // DIGEST §3
  });

  it('empty params stack is the documented cell', () => {
    const ours = encodeVmStack([]);
    expect(ours.equals(Cell.fromBoc(Buffer.from(vector.params_empty_stack_boc as string, 'hex'))[0])).toBe(
      true,
    );
    // The doc's TL bytes carry a 16-byte BoC with the CRC32C flag (0x41) but no CRC after it; ours is the same
    // 16 bytes followed by the 4-byte CRC32C the flag announces.
    const ourBoc = Buffer.from(encodeVmStackBoc([])).toString('hex');
    expect(ourBoc.slice(0, 32)).toBe((vector.params_tl_bytes as string).slice(2, 2 + 32));
    expect(ourBoc.length).toBe(40);
  });

  it('result stack decodes to two cells, top = last returned', () => {
    const root = Cell.fromBoc(Buffer.from(vector.result_stack_boc as string, 'hex'))[0];
    expect(root.hash().toString('hex')).toBe(vector.result_root_cell_hash_computed_by_us);
    const stack = decodeVmStackBoc(hex(vector.result_stack_boc as string));
    expect(stack.map((v) => (v.type === 'cell' ? v.cell.bits.toString() : v.type))).toEqual([
      '0AABBCC8',
      '0CCFFCC1',
    ]);
  });
});

// Arbitrary stack values (a tree of tuples limited in depth).
const anyCell = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.nat({ max: 7 }), fc.nat({ max: 2 }))
  .map(([bytes, trim, refs]) => {
    const b = beginCell().storeBuffer(Buffer.from(bytes));
    const cell = b.endCell();
    const bits = Math.max(0, cell.bits.length - trim);
    const out = beginCell().storeBits(cell.bits.substring(0, bits));
    for (let i = 0; i < refs; i++) out.storeRef(beginCell().storeUint(i, 8).endCell());
    return out.endCell();
  });
const bigints = fc.oneof(
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  fc.bigInt({ min: -(1n << 256n), max: (1n << 256n) - 1n }),
  fc.constantFrom(
    -(1n << 63n),
    (1n << 63n) - 1n,
    1n << 63n,
    -(1n << 63n) - 1n,
    -(1n << 256n),
    (1n << 256n) - 1n,
    0n,
  ),
);
const { value: anyValue } = fc.letrec<{ value: TupleItem }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant<TupleItem>({ type: 'null' }),
    fc.constant<TupleItem>({ type: 'nan' }),
    bigints.map<TupleItem>((value) => ({ type: 'int', value })),
    anyCell.map<TupleItem>((cell) => ({ type: 'cell', cell })),
    anyCell.map<TupleItem>((cell) => ({ type: 'slice', cell })),
    anyCell.map<TupleItem>((cell) => ({ type: 'builder', cell })),
    fc.array(tie('value'), { maxLength: 5 }).map<TupleItem>((items) => ({ type: 'tuple', items })),
  ),
}));
const anyStack = fc.array(anyValue, { maxLength: 6 });

/** Structural equality of stack values (cells compared by hash). */
function normalize(v: VmStackValue): unknown {
  switch (v.type) {
    case 'cell':
    case 'slice':
    case 'builder':
      return { type: v.type, hash: v.cell.hash().toString('hex') };
    case 'tuple':
      return { type: 'tuple', items: v.items.map(normalize) };
    default:
      return v;
  }
}

describe('agreement with @ton/core serializeTuple / parseTuple', () => {
  it('our encoding is the same cell as @ton/core', () => {
    fc.assert(
      fc.property(anyStack, (stack) => {
        expect(encodeVmStack(stack).hash().toString('hex')).toBe(
          serializeTuple(stack).hash().toString('hex'),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('we decode @ton/core encodings, and @ton/core decodes ours, to the same values', () => {
    fc.assert(
      fc.property(anyStack, (stack) => {
        const expected = stack.map(normalize);
        expect(decodeVmStack(serializeTuple(stack)).map(normalize)).toEqual(expected);
        expect(parseTuple(encodeVmStack(stack)).map(normalize)).toEqual(expected);
        expect(decodeVmStackBoc(encodeVmStackBoc(stack)).map(normalize)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('a slice with start/end offsets decodes to that part of the cell', () => {
    const inner = beginCell()
      .storeUint(0xabcdef, 24)
      .storeRef(beginCell().storeUint(1, 8).endCell())
      .storeRef(beginCell().storeUint(2, 8).endCell())
      .storeRef(beginCell().storeUint(3, 8).endCell())
      .endCell();
    // depth 1, cons(rest = nil, vm_stk_slice#04 ^inner st_bits=4 end_bits=20 st_ref=1 end_ref=3)
    const stack = beginCell()
      .storeUint(1, 24)
      .storeRef(Cell.EMPTY)
      .storeUint(0x04, 8)
      .storeRef(inner)
      .storeUint(4, 10)
      .storeUint(20, 10)
      .storeUint(1, 3)
      .storeUint(3, 3)
      .endCell();
    const [v] = decodeVmStack(stack);
    const want = beginCell().storeUint(0xbcde, 16).storeRef(inner.refs[1]).storeRef(inner.refs[2]).endCell();
    expect(v.type === 'slice' && v.cell.equals(want)).toBe(true);
    expect(normalize(v)).toEqual(normalize(parseTuple(stack)[0]));
  });
});

describe('bounds and hostile input', () => {
  it('rejects over-deep stacks, out-of-range ints, bad slice ranges, continuations', () => {
    expect(() => encodeVmStack(new Array(MAX_VM_STACK_DEPTH + 1).fill({ type: 'null' }))).toThrow(LiteError);
    expect(() => encodeVmStack([{ type: 'int', value: 1n << 256n }])).toThrow(LiteError);
    const deep = beginCell()
      .storeUint(MAX_VM_STACK_DEPTH + 1, 24)
      .endCell();
    expect(() => decodeVmStack(deep)).toThrow(/depth/);
    const badSlice = beginCell()
      .storeUint(1, 24)
      .storeRef(Cell.EMPTY)
      .storeUint(0x04, 8)
      .storeRef(beginCell().storeUint(1, 4).endCell())
      .storeUint(0, 10)
      .storeUint(5, 10)
      .storeUint(0, 3)
      .storeUint(0, 3)
      .endCell();
    expect(() => decodeVmStack(badSlice)).toThrow(/bit range/);
    const cont = beginCell().storeUint(1, 24).storeRef(Cell.EMPTY).storeUint(0x06, 8).endCell();
    expect(() => decodeVmStack(cont)).toThrow(/continuation/);
    let nested: TupleItem = { type: 'null' };
    for (let i = 0; i < 40; i++) nested = { type: 'tuple', items: [nested] };
    expect(() => decodeVmStack(serializeTuple([nested]))).toThrow(/nested/);
  });

  it('random BoC bytes → LiteError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeVmStackBoc(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(LiteError);
        }
      }),
    );
  });

  it('mutated valid stack BoCs → a stack or LiteError, never anything else', () => {
    fc.assert(
      fc.property(
        anyStack,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
        (s, flips) => {
          const boc = cellToBoc(serializeTuple(s));
          for (const [at, x] of flips) boc[at % boc.length] ^= x;
          try {
            decodeVmStackBoc(boc);
          } catch (error) {
            expect(error).toBeInstanceOf(LiteError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random cells (bits + refs) → LiteError only', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 60 }),
        fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 3 }),
        (bits, refs) => {
          const b = beginCell().storeBuffer(Buffer.from(bits));
          for (const r of refs) b.storeRef(beginCell().storeBuffer(Buffer.from(r)).endCell());
          try {
            decodeVmStack(b.endCell());
          } catch (error) {
            expect(error).toBeInstanceOf(LiteError);
          }
        },
      ),
    );
  });
});
