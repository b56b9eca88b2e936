/**
 * The devnet's TL-B writers checked against @ton/core (which we did not write): dictionaries, multi-root BoC,
 * Merkle proofs, and ShardAccounts read back by @ton/core's loadShardAccounts.
 */
import {
  Address,
  beginCell,
  Cell,
  Dictionary,
  exoticMerkleProof,
  loadShardAccounts,
  type Builder,
} from '@ton/core';
import { createShardAccount } from '@ton/sandbox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dictPath,
  merkleProof,
  prunedBranch,
  serializeBocRoots,
  storeHashmapAugE,
  type AugOps,
} from '../../../src/net/tlb/index.ts';
import { buildShardAccounts } from '../../../src/devnet/tlb/shard-state.ts';

const NO_EXTRA: AugOps<null> = { storeExtra: () => {}, add: () => null, empty: null };

function ourDict(n: number, entries: [bigint, number][]): Cell | null {
  const b = beginCell();
  storeHashmapAugE(
    b,
    n,
    entries.map(([key, v]) => ({ key, extra: null, storeValue: (vb: Builder) => vb.storeUint(v, 16) })),
    NO_EXTRA,
  );
  return b.endCell().refs[0] ?? null;
}

function coreDict(n: number, entries: [bigint, number][]): Cell | null {
  const dict = Dictionary.empty(Dictionary.Keys.BigUint(n), Dictionary.Values.Uint(16));
  for (const [k, v] of entries) dict.set(k, v);
  return dict.size === 0 ? null : beginCell().storeDictDirect(dict).endCell();
}

describe('devnet Hashmap writer', () => {
  it('builds the same dictionary cells as @ton/core when there are no extras', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.uniqueArray(fc.tuple(fc.bigInt({ min: 0n, max: (1n << BigInt(n)) - 1n }), fc.nat(65535)), {
              selector: ([k]) => k,
              maxLength: 40,
            }),
          ),
        ),
        ([n, entries]) => {
          const ours = ourDict(n, entries);
          const theirs = coreDict(n, entries);
          expect(ours?.hash().toString('hex')).toBe(theirs?.hash().toString('hex'));
          if (!ours) return;
          for (const [k, v] of entries) {
            const { cells, leaf } = dictPath(ours, n, k);
            expect(leaf?.loadUint(16)).toBe(v);
            expect(cells[0]).toBe(ours);
          }
          const absent = (1n << BigInt(n)) - 1n - (entries[0]?.[0] ?? 0n);
          if (!entries.some(([k]) => k === absent)) expect(dictPath(ours, n, absent).leaf).toBeNull();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('writes ShardAccounts (HashmapAugE 256 with DepthBalanceInfo) that @ton/core reads back', () => {
    const code = beginCell().storeUint(1, 8).endCell();
    const accounts = [1n, 2n, 3n, 1000n].map((balance, i) => {
      const address = new Address(0, Buffer.alloc(32, i * 37 + 1));
      return {
        address,
        shardAccount: createShardAccount({
          address,
          code,
          data: beginCell().storeUint(i, 8).endCell(),
          balance,
        }),
      };
    });
    const { cell, total } = buildShardAccounts(accounts);
    expect(total).toBe(1006n);
    const read = loadShardAccounts(cell.beginParse());
    expect(read.size).toBe(4);
    for (const { address, shardAccount } of accounts) {
      const entry = read.get(BigInt('0x' + address.hash.toString('hex')));
      expect(entry?.depthBalanceInfo.balance.coins).toBe(shardAccount.account!.storage.balance.coins);
      expect(entry?.shardAccount.account?.addr.equals(address)).toBe(true);
    }
    // The root's extra (after the ref) is the total: depth_balance$_ split_depth:(#<= 30) balance:CurrencyCollection
    const s = cell.beginParse();
    expect(s.loadBit()).toBe(true);
    expect(s.loadUint(5)).toBe(0);
    expect(s.loadCoins()).toBe(1006n);
  });
});

describe('devnet multi-root BoC', () => {
  it('is read by @ton/core with every root and hash intact (shared cells once)', () => {
    const shared = beginCell().storeUint(0xabcdef, 24).endCell();
    const a = beginCell().storeUint(1, 3).storeRef(shared).endCell();
    const b = beginCell()
      .storeBit(1)
      .storeRef(shared)
      .storeRef(beginCell().storeStringTail('x'.repeat(200)))
      .endCell();
    const pruned = prunedBranch(a);
    const boc = serializeBocRoots([a, b, beginCell().storeRef(pruned).endCell()]);
    const roots = Cell.fromBoc(boc);
    expect(roots.map((r) => r.hash().toString('hex'))).toEqual(
      [a, b, beginCell().storeRef(pruned).endCell()].map((r) => r.hash().toString('hex')),
    );
    // A single root decodes to the same cell as @ton/core's own serialization.
    expect(Cell.fromBoc(serializeBocRoots([b]))[0].equals(Cell.fromBoc(b.toBoc())[0])).toBe(true);
  });
});

describe('devnet Merkle proofs', () => {
  it('keep the root hash and prune what was not asked for', () => {
    const dict = Dictionary.empty(Dictionary.Keys.Uint(32), Dictionary.Values.Cell());
    for (let i = 0; i < 50; i++)
      dict.set(
        i,
        beginCell()
          .storeUint(i * 7, 32)
          .endCell(),
      );
    const root = beginCell().storeUint(0x1234, 16).storeDict(dict).endCell();
    const dictRoot = root.refs[0];
    const { cells, leaf } = dictPath(dictRoot, 32, 17n);
    const proof = merkleProof(root, [...cells, leaf!.preloadRef()]);
    const { proofHash } = exoticMerkleProof(proof.bits, proof.refs);
    expect(proofHash.equals(root.hash())).toBe(true);
    const revealed = Dictionary.loadDirect(
      Dictionary.Keys.Uint(32),
      Dictionary.Values.Cell(),
      proof.refs[0].refs[0],
    );
    expect(revealed.get(17)?.beginParse().loadUint(32)).toBe(119);
    expect(revealed.size).toBe(1);
  });
});
