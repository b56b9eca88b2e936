/**
 * Account-state proofs on devnet answers (src/devnet/liteserver, real Merkle proofs of the devnet's blocks and
 * states): a deployed basechain contract is present (through the shard proof), an unknown account in either
 * workchain is proven absent, and the masterchain rules hold (no shard proof needed, shardblk must be the block).
 */
import { Address } from '@ton/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../../../src/devnet/chain.ts';
import { demoCounterCode, demoCounterData } from '../../../../src/devnet/contracts/demo-counter.ts';
import { toTlBlockIdExt } from '../../../../src/devnet/liteserver/block-ids.ts';
import { getAccountState } from '../../../../src/devnet/liteserver/handlers/account.ts';
import { ChainView } from '../../../../src/devnet/liteserver/view.ts';
import { checkAccountState, ProofError } from '../../../../src/net/lite/proof/index.ts';

let chain: DevnetChain;
let view: ChainView;
let counter: Address;

beforeAll(async () => {
  chain = await DevnetChain.create();
  counter = await chain.deploy({ code: demoCounterCode(), data: demoCounterData(1n, 'proof') });
  chain.seal();
  view = new ChainView(chain);
});
afterAll(() => chain.stop());

function answerFor(account: Address) {
  const id = toTlBlockIdExt(chain.last);
  const answer = getAccountState(
    {
      _: 'liteServer.getAccountState',
      id,
      account: { _: 'liteServer.accountId', workchain: account.workChain, id: new Uint8Array(account.hash) },
    },
    { view },
  );
  return { id, answer };
}

describe('account proofs of devnet answers', () => {
  it('a deployed basechain contract is present, with its code', () => {
    const { id, answer } = answerFor(counter);
    const proven = checkAccountState(answer, id, counter);
    expect(proven.kind).toBe('present');
    if (proven.kind !== 'present' || proven.storage.status !== 'active') throw new Error('not active');
    expect(proven.storage.code?.equals(demoCounterCode())).toBe(true);
    expect(proven.shardDescr?.seqno).toBe(answer.shardblk.seqno);
  });

  it('unknown accounts are proven absent in both workchains; a state for them is refused', () => {
    for (const wc of [0, -1]) {
      const nobody = new Address(wc, Buffer.alloc(32, 0x77));
      const { id, answer } = answerFor(nobody);
      expect(checkAccountState(answer, id, nobody).kind, `workchain ${wc}`).toBe('absent');
      const other = answerFor(counter).answer.state;
      expect(() => checkAccountState({ ...answer, state: other }, id, nobody)).toThrow(ProofError);
    }
  });

  it('a masterchain account is read at the trusted block itself', () => {
    const nobody = new Address(-1, Buffer.alloc(32, 0x78));
    const { id, answer } = answerFor(nobody);
    expect(answer.shardblk).toEqual(answer.id);
    // A shard proof is ignored for it (C++ only warns), and a basechain block named instead is refused.
    expect(checkAccountState({ ...answer, shard_proof: new Uint8Array([1, 2, 3]) }, id, nobody).kind).toBe(
      'absent',
    );
    const basechain = answerFor(counter).answer.shardblk;
    expect(() => checkAccountState({ ...answer, shardblk: basechain }, id, nobody)).toThrow(/shard/);
  });
});
