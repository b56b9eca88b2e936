/** DevnetChain: sealed blocks and states are real cells that @ton/core parses, with consistent ids and links. */
import { beginCell, Cell, loadShardStateUnsplit } from '@ton/core';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../../src/devnet/chain.ts';
import { demoCounterCode, demoCounterData } from '../../../src/devnet/contracts/demo-counter.ts';
import type { Address } from '@ton/core';

let chain: DevnetChain;
let counter: Address;

beforeAll(async () => {
  chain = await DevnetChain.create();
  counter = await chain.deploy({ code: demoCounterCode(), data: demoCounterData(3n, 'unit'), workchain: 0 });
  chain.seal();
  chain.seal();
});

describe('DevnetChain', () => {
  it('gives every block id the hash of its Block cell and the sha256 of its BoC', () => {
    const last = chain.last;
    expect(last.id.seqno).toBe(2);
    expect(last.id.rootHash.equals(last.block!.hash())).toBe(true);
    const boc = last.block!.toBoc({ idx: false, crc32: true });
    expect(last.id.fileHash.equals(createHash('sha256').update(boc).digest())).toBe(true);
    // block#11ef55aa, BlockInfo seq_no, and the state_update MERKLE_UPDATE pointing at this state.
    const s = last.block!.beginParse();
    expect(s.loadUint(32)).toBe(0x11ef55aa);
    const info = last.block!.refs[0].beginParse();
    expect(info.loadUint(32)).toBe(0x9bc7a987);
    const update = last.block!.refs[2];
    expect(update.isExotic).toBe(true);
    const u = update.beginParse(true);
    expect(u.loadUint(8)).toBe(4);
    expect(u.loadBuffer(32).equals(chain.masterBlock(1)!.state.hash())).toBe(true);
    expect(u.loadBuffer(32).equals(last.state.hash())).toBe(true);
  });

  it('builds states @ton/core reads: masterchain config and the basechain account', () => {
    const mc = loadShardStateUnsplit(chain.last.state.beginParse());
    expect(mc.seqno).toBe(2);
    expect(mc.shardId.workchainId).toBe(-1);
    expect(mc.extras?.config.get(19)?.beginParse().loadInt(32)).toBe(chain.globalId);
    const bc = loadShardStateUnsplit(chain.last.shardBlock!.state.beginParse());
    expect(bc.shardId.workchainId).toBe(0);
    const entry = bc.accounts?.get(BigInt('0x' + counter.hash.toString('hex')));
    expect(entry?.shardAccount.account?.addr.equals(counter)).toBe(true);
  });

  it('looks accounts up per block and keeps older blocks queryable', async () => {
    const found = chain.account(chain.last, counter)!;
    expect(found.shardBlock).toBe(chain.last.shardBlock);
    expect(found.accountCell!.equals(Cell.fromBoc(found.accountCell!.toBoc())[0])).toBe(true);
    expect(chain.masterBlock(0)!.block).toBeNull();
    expect(chain.lookup(0, { seqno: 1 })?.id.workchain).toBe(0);
    expect(chain.lookup(-1, { lt: chain.last.startLt })?.id.seqno).toBe(2);
  });

  it('publishes a changed config param in the next block', () => {
    const root = beginCell().storeUint(0xdead, 256).endCell();
    chain.setConfigParam(4, root);
    const block = chain.seal();
    const mc = loadShardStateUnsplit(block.state.beginParse());
    expect(mc.extras?.config.get(4)?.equals(root)).toBe(true);
  });
});
