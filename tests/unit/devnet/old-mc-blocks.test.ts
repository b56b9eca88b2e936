/**
 * OldMcBlocks (McStateExtra.prev_blocks) grown one block at a time equals the same dictionary written at once by
 * the generic HashmapAugE writer (src/net/tlb storeHashmapAugE): same cells, same aug extras, for any sequence.
 */
import { beginCell } from '@ton/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OldMcBlocks, type OldMcBlock } from '../../../src/devnet/tlb/old-mc-blocks.ts';
import { storeExtBlkRef, storeHashmapAugE, type AugOps } from '../../../src/net/tlb/index.ts';

interface KeyMaxLt {
  key: boolean;
  maxEndLt: bigint;
}

const OPS: AugOps<KeyMaxLt> = {
  storeExtra: (b, e) => b.storeBit(e.key).storeUint(e.maxEndLt, 64),
  add: (a, b) => ({ key: a.key || b.key, maxEndLt: a.maxEndLt > b.maxEndLt ? a.maxEndLt : b.maxEndLt }),
  empty: { key: false, maxEndLt: 0n },
};

function block(seqno: number, key: boolean, endLt: bigint): OldMcBlock {
  const h = new Uint8Array(32).fill(seqno & 0xff);
  return { key, ref: { endLt, seqno, rootHash: h, fileHash: h.map((x) => x ^ 0xff) } };
}

function atOnce(entries: Map<number, OldMcBlock>) {
  const b = beginCell();
  storeHashmapAugE(
    b,
    32,
    [...entries].map(([seqno, v]) => ({
      key: BigInt(seqno),
      extra: { key: v.key, maxEndLt: v.ref.endLt },
      storeValue: (vb) => vb.storeBit(v.key).store(storeExtBlkRef(v.ref)),
    })),
    OPS,
  );
  return b.endCell();
}

describe('OldMcBlocks', () => {
  it('equals the HashmapAugE written at once, for consecutive seqnos as the devnet adds them', () => {
    let dict = OldMcBlocks.empty();
    const entries = new Map<number, OldMcBlock>();
    for (let seqno = 0; seqno < 300; seqno++) {
      const v = block(seqno, seqno % 37 === 0, BigInt(seqno) * 1000n);
      dict = dict.with(seqno, v);
      entries.set(seqno, v);
      if (seqno % 23 === 0 || seqno < 5) {
        const incremental = beginCell();
        dict.store(incremental);
        expect(incremental.endCell().hash()).toEqual(atOnce(entries).hash());
      }
    }
  });

  it('equals it for any keys in any order, replacements included (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            seqno: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0xffffffff })),
            key: fc.boolean(),
            endLt: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
          }),
          { maxLength: 40 },
        ),
        (items) => {
          let dict = OldMcBlocks.empty();
          const entries = new Map<number, OldMcBlock>();
          for (const { seqno, key, endLt } of items) {
            const v = block(seqno, key, endLt);
            dict = dict.with(seqno, v);
            entries.set(seqno, v);
          }
          const incremental = beginCell();
          dict.store(incremental);
          expect(incremental.endCell().hash()).toEqual(atOnce(entries).hash());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('shares every untouched subtree with the previous version', () => {
    let dict = OldMcBlocks.empty();
    for (let seqno = 0; seqno < 1000; seqno++) dict = dict.with(seqno, block(seqno, false, BigInt(seqno)));
    const before = dict.rootCell!;
    const after = dict.with(1000, block(1000, true, 1000n)).rootCell!;
    // The left half (seqnos 0..511) is the same cell object.
    expect(after.refs[0]).toBe(before.refs[0]);
  });
});
