/**
 * LiteClient.getBlockProof on the wire: mode 0 without a target, mode 1 with one; answers that start elsewhere,
 * carry more than 16 links or do not progress are refused before any verification. Then a whole BlockTrust sync
 * through the real client over a scripted server (chain-fixtures.ts).
 */
import { describe, expect, it } from 'vitest';
import { nobleEd25519 } from '../../../../src/net/crypto/index.ts';
import { LiteClient, createLiteQueryHandler } from '../../../../src/net/lite/index.ts';
import type { TlObject } from '../../../../src/net/tl/index.ts';
import { BlockTrust } from '../../../../src/net/lite/proof/index.ts';
import type { PartialBlockProof } from '../../../../src/net/lite/proof/chain.ts';
import { headerProof, sampleChain } from './chain-fixtures.ts';

function clientFor(answer: (fn: TlObject & Record<string, unknown>) => TlObject) {
  const seen: (TlObject & Record<string, unknown>)[] = [];
  const handler = createLiteQueryHandler((request) => {
    const fn = request.fn as TlObject & Record<string, unknown>;
    seen.push(fn);
    return Promise.resolve(answer(fn));
  });
  const client = new LiteClient({ query: (data) => handler(data, {} as never) });
  return { client, seen };
}

describe('LiteClient.getBlockProof', () => {
  it('asks mode 0 / mode 1 and returns the chain', async () => {
    const c = sampleChain();
    const proof: PartialBlockProof = {
      _: 'liteServer.partialBlockProof',
      complete: true,
      from: c.k0.id,
      to: c.b.id,
      steps: [c.l1, c.l2],
    };
    const { client, seen } = clientFor(() => proof);
    const got = await client.getBlockProof(c.k0.id);
    expect(got.steps).toHaveLength(2);
    expect(got.to).toEqual(c.b.id);
    await client.getBlockProof(c.k0.id, c.b.id);
    expect(seen.map((f) => [f.mode, f.target_block !== undefined])).toEqual([
      [0, false],
      [1, true],
    ]);
  });

  it('refuses answers of another start, over 16 links, or incomplete without links', async () => {
    const c = sampleChain();
    const base: PartialBlockProof = {
      _: 'liteServer.partialBlockProof',
      complete: true,
      from: c.k0.id,
      to: c.b.id,
      steps: [],
    };
    for (const bad of [
      { ...base, from: c.k1.id },
      { ...base, steps: Array.from({ length: 17 }, () => c.l1) },
      { ...base, complete: false },
    ]) {
      const { client } = clientFor(() => bad);
      await expect(client.getBlockProof(c.k0.id)).rejects.toMatchObject({ kind: 'bad-answer' });
    }
  });

  it('carries a BlockTrust sync end to end', async () => {
    const c = sampleChain({ simplex: true });
    const blocks = [c.k0, c.k1, c.b];
    const { client, seen } = clientFor((fn) => {
      if (fn._ === 'liteServer.getBlockHeader') {
        const id = fn.id as typeof c.b.id;
        return {
          _: 'liteServer.blockHeader',
          id,
          mode: fn.mode as number,
          header_proof: headerProof(blocks.find((b) => b.id.seqno === id.seqno)!),
        };
      }
      return {
        _: 'liteServer.partialBlockProof',
        complete: true,
        from: c.k0.id,
        to: c.b.id,
        steps: [c.l1, c.l2],
      };
    });
    const trust = new BlockTrust({
      config: { zeroState: { ...c.k0.id, seqno: 0 }, initBlock: c.k0.id, hardforks: [] },
      verifier: nobleEd25519,
      now: () => c.now,
    });
    const block = await trust.trustedBlock(client);
    expect(block.id).toEqual(c.b.id);
    expect(seen.map((f) => f._)).toEqual(['liteServer.getBlockProof', 'liteServer.getBlockHeader']);
    expect(seen[1].mode).toBe(1);
  });
});
