/**
 * src/net/tlb readers against writers we did not write (@ton/core's ShardIdent, Dictionary) and against hostile
 * bits: a label over its bound or a fork without both refs is a TlbError, never a crash or a long loop.
 */
import {
  beginCell,
  Dictionary,
  loadShardIdent as coreLoadShardIdent,
  storeShardIdent as coreStoreShardIdent,
} from '@ton/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dictPath,
  FULL_SHARD,
  loadExtBlkRef,
  loadHmLabel,
  loadShardIdent,
  storeExtBlkRef,
  storeHmLabel,
  storeShardIdent,
  TlbError,
} from '../../../src/net/tlb/index.ts';

/** A shard id with `bits` prefix bits: the prefix, then the tag bit, then zeros. */
const shardId = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }))
  .map(([bits, random]) => {
    const tag = 1n << BigInt(63 - bits);
    return { bits, shard: (random & ~((tag << 1n) - 1n)) | tag };
  });

describe('ShardIdent (block.tlb shard_ident$00)', () => {
  it('writes what @ton/core reads and reads what @ton/core writes', () => {
    fc.assert(
      fc.property(
        shardId,
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        ({ bits, shard }, workchain) => {
          const ours = beginCell().store(storeShardIdent(workchain, shard)).endCell();
          const core = coreLoadShardIdent(ours.beginParse());
          expect(core.shardPrefixBits).toBe(bits);
          expect(core.workchainId).toBe(workchain);
          expect(core.shardPrefix).toBe(shard & (shard - 1n)); // C++ ShardIdent::pack: shard & (shard - 1)
          const back = loadShardIdent(beginCell().store(coreStoreShardIdent(core)).endCell().beginParse());
          expect(back).toEqual({ workchain, shard });
        },
      ),
      { numRuns: 300 },
    );
    expect(loadShardIdent(beginCell().store(storeShardIdent(-1, FULL_SHARD)).endCell().beginParse())).toEqual(
      {
        workchain: -1,
        shard: FULL_SHARD,
      },
    );
  });

  it('refuses a wrong tag and more than 60 prefix bits', () => {
    const tag = beginCell().storeUint(1, 2).storeUint(0, 6).storeInt(0, 32).storeUint(0, 64).endCell();
    expect(() => loadShardIdent(tag.beginParse())).toThrow(TlbError);
    const long = beginCell().storeUint(0, 2).storeUint(61, 6).storeInt(0, 32).storeUint(0, 64).endCell();
    expect(() => loadShardIdent(long.beginParse())).toThrow(/61 prefix bits/);
  });
});

describe('ExtBlkRef (block.tlb ext_blk_ref$_)', () => {
  it('round-trips in 608 bits', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        fc.nat(2 ** 32 - 1),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (endLt, seqno, rootHash, fileHash) => {
          const cell = beginCell().store(storeExtBlkRef({ endLt, seqno, rootHash, fileHash })).endCell();
          expect(cell.bits.length).toBe(608);
          expect(loadExtBlkRef(cell.beginParse())).toEqual({ endLt, seqno, rootHash, fileHash });
        },
      ),
    );
  });
});

describe('HmLabel', () => {
  it('round-trips every label up to its bound', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 300 })
          .chain((m) => fc.tuple(fc.constant(m), fc.array(fc.constantFrom('0', '1'), { maxLength: m }))),
        ([m, bits]) => {
          const b = beginCell();
          storeHmLabel(b, bits.join(''), m);
          expect(loadHmLabel(b.endCell().beginParse(), m)).toBe(bits.join(''));
        },
      ),
    );
  });

  it('refuses a label longer than its bound in each of the three forms', () => {
    const short = beginCell().storeBit(0).storeUint(0b1111, 4).storeBit(0).storeUint(0, 4).endCell();
    expect(() => loadHmLabel(short.beginParse(), 3)).toThrow(TlbError);
    const long = beginCell().storeUint(0b10, 2).storeUint(7, 3).storeUint(0, 7).endCell(); // n=7 > m=5
    expect(() => loadHmLabel(long.beginParse(), 5)).toThrow(TlbError);
    const same = beginCell().storeUint(0b11, 2).storeBit(1).storeUint(6, 3).endCell(); // n=6 > m=5
    expect(() => loadHmLabel(same.beginParse(), 5)).toThrow(TlbError);
  });
});

describe('dictPath over hostile cells', () => {
  it('finds what @ton/core stored and gives TlbError or a clean miss for mutated dictionaries', () => {
    const dict = Dictionary.empty(Dictionary.Keys.Uint(32), Dictionary.Values.Uint(8));
    for (const k of [0, 4, 8, 34, 100000]) dict.set(k, k & 255);
    const root = beginCell().storeDictDirect(dict).endCell();
    expect(dictPath(root, 32, 34n).leaf?.loadUint(8)).toBe(34);
    expect(dictPath(root, 32, 35n)).toMatchObject({ leaf: null, pruned: false });
    // A fork cell with its refs cut off.
    const forkOnly = beginCell().storeBits(root.bits).endCell();
    expect(() => dictPath(forkOnly, 32, 34n)).toThrow(TlbError);
  });
});
