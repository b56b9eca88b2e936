/**
 * BlockTrust against a scripted liteserver (the chain of chain-fixtures.ts): it starts from the newest anchor,
 * loops over incomplete answers, stores the newest key block, proves the last header, refuses stale blocks and
 * forged chains, coalesces concurrent calls and caches briefly. Anchors of the real mainnet config.
 */
import { describe, expect, it } from 'vitest';
import { nobleEd25519 } from '../../../../src/net/crypto/index.ts';
import type { BlockIdExt, LiteClient } from '../../../../src/net/lite/client.ts';
import {
  anchorCandidates,
  BlockTrust,
  COMPILED_IN_KEY_BLOCKS,
  configAnchors,
  MemoryAnchorStore,
  ProofError,
  type ConfigAnchors,
} from '../../../../src/net/lite/proof/index.ts';
import type { PartialBlockProof } from '../../../../src/net/lite/proof/chain.ts';
import mainnet from '../../../../src/net/stack/networks/mainnet.json' with { type: 'json' };
import { headerProof, sampleChain, type BuiltBlock } from './chain-fixtures.ts';

type Chain = ReturnType<typeof sampleChain>;

function fakeClient(c: Chain, script: (known: BlockIdExt) => PartialBlockProof) {
  const calls = { proofs: 0, headers: 0 };
  const blocks = [c.k0, c.k1, c.b];
  const client = {
    getBlockProof(known: BlockIdExt) {
      calls.proofs++;
      return Promise.resolve(script(known));
    },
    getBlockHeader(id: BlockIdExt, mode: number) {
      calls.headers++;
      const block = blocks.find((b) => b.id.seqno === id.seqno)!;
      return Promise.resolve({ _: 'liteServer.blockHeader', id, mode, header_proof: headerProof(block) });
    },
  };
  return { client: client as unknown as LiteClient, calls };
}

const partial = (
  from: BuiltBlock,
  to: BuiltBlock,
  steps: PartialBlockProof['steps'],
  complete = true,
): PartialBlockProof => ({
  _: 'liteServer.partialBlockProof',
  complete,
  from: from.id,
  to: to.id,
  steps,
});

function anchors(c: Chain): ConfigAnchors {
  return {
    zeroState: { ...c.k0.id, seqno: 0, file_hash: new Uint8Array(32).fill(1) },
    initBlock: c.k0.id,
    hardforks: [],
  };
}

/** The server answers in two rounds (K0→K1 incomplete, then K1→B), as liteserver.cpp does past 16 links. */
function twoRounds(c: Chain) {
  return (known: BlockIdExt) =>
    known.seqno === c.k0.id.seqno ? partial(c.k0, c.k1, [c.l1], false) : partial(c.k1, c.b, [c.l2], true);
}

describe('BlockTrust', () => {
  it('proves the server’s last block from the config anchor and stores the newest key block', async () => {
    const c = sampleChain({ simplex: true });
    const store = new MemoryAnchorStore();
    const trust = new BlockTrust({ config: anchors(c), store, verifier: nobleEd25519, now: () => c.now });
    const { client, calls } = fakeClient(c, twoRounds(c));
    const block = await trust.trustedBlock(client);
    expect(block.id).toEqual(c.b.id);
    expect(block.header.info.seqno).toBe(250);
    expect(block.header.stateHash).toEqual(new Uint8Array(c.b.state.hash()));
    expect(block.anchor.source).toBe('config init_block');
    expect(trust.lastStats).toEqual({ rounds: 2, links: 2 });
    expect((await store.load())?.seqno).toBe(200);
    expect(calls).toEqual({ proofs: 2, headers: 1 });
    // the stored key block is the next anchor
    expect((await trust.anchor()).source).toBe('last verified key block');
  });

  it("names the candidate block (the complete answer's `to`) to every caller before it is verified", async () => {
    const c = sampleChain();
    const trust = new BlockTrust({ config: anchors(c), verifier: nobleEd25519, now: () => c.now });
    const { client } = fakeClient(c, twoRounds(c));
    const heard: [string, number][] = [];
    const first = trust.trustedBlock(client, (id) => heard.push(['first', id.seqno]));
    const second = trust.trustedBlock(client, (id) => heard.push(['second', id.seqno]));
    const [a, b] = await Promise.all([
      first.then((block) => (heard.push(['proven', block.id.seqno]), block)),
      second,
    ]);
    expect(a).toBe(b);
    expect(heard).toEqual([
      ['first', 250],
      ['second', 250],
      ['proven', 250],
    ]);
  });

  it('coalesces concurrent calls and reuses a trusted block briefly', async () => {
    const c = sampleChain();
    let t = c.now;
    const trust = new BlockTrust({ config: anchors(c), verifier: nobleEd25519, now: () => t, cacheMs: 1000 });
    const { client, calls } = fakeClient(c, twoRounds(c));
    const [a, b] = await Promise.all([trust.trustedBlock(client), trust.trustedBlock(client)]);
    expect(a).toBe(b);
    expect(calls.proofs).toBe(2);
    await trust.trustedBlock(client);
    expect(calls.proofs).toBe(2);
    // another server is asked about its own last block (it may not have this one yet)
    const other = fakeClient(c, twoRounds(c));
    await trust.trustedBlock(other.client);
    expect(other.calls.proofs).toBeGreaterThan(0);
    t += 2;
    const again = await trust.trustedBlock(client);
    expect(again.id).toEqual(c.b.id);
    expect(calls.proofs).toBe(3); // from the stored key block K1: one round
  });

  it('refuses a stale last block (stale) and a forged chain (its proof code)', async () => {
    const c = sampleChain();
    const late = new BlockTrust({ config: anchors(c), verifier: nobleEd25519, now: () => c.now + 181 });
    await expect(late.trustedBlock(fakeClient(c, twoRounds(c)).client)).rejects.toMatchObject({
      code: 'stale',
    });
    const ok = new BlockTrust({ config: anchors(c), verifier: nobleEd25519, now: () => c.now + 170 });
    await expect(ok.trustedBlock(fakeClient(c, twoRounds(c)).client)).resolves.toBeTruthy();
    const forged = structuredClone(c.l2);
    forged.signatures.signatures[0].signature[0] ^= 1;
    const store = new MemoryAnchorStore();
    const trust = new BlockTrust({ config: anchors(c), store, verifier: nobleEd25519, now: () => c.now });
    const bad = fakeClient(c, (known) =>
      known.seqno === c.k0.id.seqno ? partial(c.k0, c.k1, [c.l1], false) : partial(c.k1, c.b, [forged], true),
    );
    const error = await trust.trustedBlock(bad.client).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProofError);
    expect((error as ProofError).code).toBe('signature');
    expect(await store.load()).toBeNull(); // nothing stored from a chain that failed
    // more answers than allowed
    const endless = new BlockTrust({
      config: anchors(c),
      verifier: nobleEd25519,
      now: () => c.now,
      maxRounds: 1,
    });
    const error2 = await endless.trustedBlock(fakeClient(c, twoRounds(c)).client).catch((e: unknown) => e);
    expect((error2 as ProofError).message).toMatch(/not complete after 1 answers/);
  });
});

describe('trust anchors', () => {
  it('mainnet: init_block beats the older hardfork, the compiled-in key block beats both, a stored one beats all', () => {
    const config = configAnchors(mainnet.validator);
    expect(config.initBlock?.seqno).toBe(43792209);
    expect(config.hardforks.map((h) => h.seqno)).toEqual([8536841]);
    const compiled = COMPILED_IN_KEY_BLOCKS.get(mainnet.validator.zero_state.file_hash)!;
    expect(compiled.seqno).toBe(95424597);
    const list = anchorCandidates(config, null);
    expect(list.map((a) => [a.source, a.id.seqno])).toEqual([
      ['compiled-in key block', 95424597],
      ['config init_block', 43792209],
    ]);
    const stored = { ...compiled, seqno: 95500000 };
    expect(anchorCandidates(config, stored)[0].source).toBe('last verified key block');
    // a hardfork above init_block replaces it; no init_block → the zero state
    const forked = { ...config, hardforks: [{ ...config.initBlock!, seqno: 50000000 }] };
    expect(anchorCandidates(forked, null).find((a) => a.source.startsWith('config'))?.source).toBe(
      'config hardfork',
    );
    const bare = configAnchors({ zero_state: mainnet.validator.zero_state });
    expect(
      anchorCandidates({ ...bare, zeroState: { ...bare.zeroState, file_hash: new Uint8Array(32) } }, null),
    ).toEqual([{ source: 'config zero_state', id: { ...bare.zeroState, file_hash: new Uint8Array(32) } }]);
    expect(() => configAnchors({ zero_state: { workchain: 0 } })).toThrow();
  });
});
