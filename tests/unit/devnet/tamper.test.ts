/**
 * The forger's overlay (src/devnet/liteserver/tamper): site records replaced wherever they are, blocks re-hashed
 * around the forged states so every proof checks against the forged ids, the honest signatures left on them.
 */
import { Address, beginCell, Cell } from '@ton/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../../src/devnet/chain.ts';
import { demoCounterCode } from '../../../src/devnet/contracts/demo-counter.ts';
import { headerProofBoc } from '../../../src/devnet/liteserver/block-links.ts';
import { ForgedChain, forgeSiteRecord, rewriteTree } from '../../../src/devnet/liteserver/tamper/index.ts';
import { buildDnsRecord, parseDnsRecord } from '../../../src/net/dns/index.ts';
import { checkBlockHeaderProof } from '../../../src/net/lite/proof/block-header.ts';
import { dictPath } from '../../../src/net/tlb/index.ts';

const adnl = (fill: number) => ({
  type: 'adnl' as const,
  adnl: new Uint8Array(32).fill(fill),
  protocols: null,
});
const http = (fill: number) => ({
  type: 'adnl' as const,
  adnl: new Uint8Array(32).fill(fill),
  protocols: ['http'] as 'http'[],
});
const storage = (fill: number) => ({ type: 'storage' as const, bagId: new Uint8Array(32).fill(fill) });

let chain: DevnetChain;
let holder: Address;

beforeAll(async () => {
  chain = await DevnetChain.create({ validatorSeed: 'tamper', keyBlockInterval: 3 });
  // An account whose data holds three records (as a DNS item's record dictionary does, behind refs).
  const data = beginCell()
    .storeRef(buildDnsRecord(adnl(0x11)))
    .storeRef(
      beginCell()
        .storeRef(buildDnsRecord(storage(0x22)))
        .storeRef(buildDnsRecord(http(0x33))),
    )
    .endCell();
  holder = await chain.deploy({ code: demoCounterCode(), data, workchain: 0 });
  for (let i = 0; i < 5; i++) chain.seal();
});

const id = (b: { id: { seqno: number; rootHash: Buffer; fileHash: Buffer } }, workchain = -1) => ({
  workchain,
  shard: -(2n ** 63n),
  seqno: b.id.seqno,
  root_hash: b.id.rootHash,
  file_hash: b.id.fileHash,
});

describe('forgeSiteRecord / rewriteTree', () => {
  it('gives adnl and storage records another address and keeps everything else', () => {
    for (const record of [adnl(1), http(2), storage(3)]) {
      const forged = forgeSiteRecord(buildDnsRecord(record))!;
      const parsed = parseDnsRecord(forged);
      expect(parsed.type).toBe(record.type);
      const address = parsed.type === 'adnl' ? parsed.adnl : parsed.type === 'storage' ? parsed.bagId : null;
      expect(Buffer.from(address!).equals(Buffer.from(new Uint8Array(32).fill(address![0])))).toBe(false);
      if (parsed.type === 'adnl' && record.type === 'adnl')
        expect(parsed.protocols).toEqual(record.protocols);
    }
    const next = buildDnsRecord({ type: 'next_resolver', address: new Address(0, Buffer.alloc(32, 7)) });
    expect(forgeSiteRecord(next)).toBeNull();
    expect(forgeSiteRecord(beginCell().storeUint(0xad01, 16).endCell())).toBeNull();
  });

  it('rebuilds only the cells above a replaced one', () => {
    const untouched = beginCell().storeUint(5, 8).endCell();
    const root = beginCell()
      .storeRef(untouched)
      .storeRef(buildDnsRecord(adnl(9)))
      .endCell();
    const out = rewriteTree(root, forgeSiteRecord);
    expect(out.hash()).not.toEqual(root.hash());
    expect(out.refs[0]).toBe(untouched);
    expect(rewriteTree(untouched, forgeSiteRecord)).toBe(untouched);
  });
});

describe('ForgedChain', () => {
  it('serves re-hashed blocks whose header proofs and state hashes check against the forged ids', () => {
    const forged = new ForgedChain(chain);
    const honestLast = chain.last;
    const last = forged.last;
    expect(last.id.seqno).toBe(honestLast.id.seqno);
    expect(last.id.rootHash.equals(honestLast.id.rootHash)).toBe(false);
    expect(last.id.rootHash.equals(last.block!.hash())).toBe(true);
    const header = checkBlockHeaderProof(Cell.fromBoc(Buffer.from(headerProofBoc(last)))[0], id(last));
    expect(Buffer.from(header.stateHash).equals(last.state.hash())).toBe(true);
    // The forged masterchain state lists the forged basechain block, whose header names the forged shard state.
    const shard = last.shardBlock!;
    const { leaf } = dictPath(last.mcExtra!.refs[0], 32, 0n);
    const descr = leaf!.preloadRef().beginParse();
    descr.skip(1 + 4 + 32 + 32 + 128);
    expect(descr.loadBuffer(32).equals(shard.id.rootHash)).toBe(true);
    expect(descr.loadBuffer(32).equals(shard.id.fileHash)).toBe(true);
    const shardHeader = checkBlockHeaderProof(
      Cell.fromBoc(Buffer.from(headerProofBoc(shard)))[0],
      id(shard, 0),
    );
    expect(Buffer.from(shardHeader.stateHash).equals(shard.state.hash())).toBe(true);
    // No keys: the honest block's signatures, the honest zero state.
    expect(last.signatures).toBe(honestLast.signatures);
    expect(forged.masterBlock(0)).toBe(chain.masterBlock(0));
  });

  it('replaces the records in the account state the forged block holds, and nothing else', () => {
    const forged = new ForgedChain(chain);
    const real = chain.account(chain.last, holder)!;
    const fake = forged.account(forged.last, holder)!;
    const data = (a: typeof real) => a.shardAccount!.account!.storage.state;
    const realState = data(real);
    const fakeState = data(fake);
    if (realState.type !== 'active' || fakeState.type !== 'active') throw new Error('not active');
    expect(fakeState.state.code!.hash()).toEqual(realState.state.code!.hash());
    const records = (c: Cell) =>
      [c.refs[0], c.refs[1].refs[0], c.refs[1].refs[1]].map((r) => parseDnsRecord(r));
    const before = records(realState.state.data!);
    const after = records(fakeState.state.data!);
    for (const [i, r] of after.entries()) expect(r).not.toEqual(before[i]);
    expect(fake.shardAccount!.account!.storage.balance.coins).toBe(
      real.shardAccount!.account!.storage.balance.coins,
    );
  });

  it('maps an honest id to the forged twin under that id, and a forged one to the twin', () => {
    const forged = new ForgedChain(chain);
    const honest = chain.last;
    const byForged = forged.findBlock({
      ...honest.id,
      rootHash: forged.last.id.rootHash,
      fileHash: forged.last.id.fileHash,
    })!;
    expect(byForged.id.rootHash.equals(forged.last.id.rootHash)).toBe(true);
    const byHonest = forged.findBlock(honest.id)!;
    expect(byHonest.id.rootHash.equals(honest.id.rootHash)).toBe(true);
    expect(byHonest.state).toBe(forged.last.state);
    expect(forged.honestOf(byHonest)).toBe(honest);
    expect(forged.findBlock({ ...honest.id, rootHash: Buffer.alloc(32) })).toBeUndefined();
  });
});
