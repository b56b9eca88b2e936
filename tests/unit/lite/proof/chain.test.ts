/**
 * Block links and chains built here with real Ed25519 keys (chain-fixtures.ts): honest chains verify with both
 * signature sets and both Ed25519 backends; every forgery is refused with its named ProofError code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyPairFromSeed, nobleEd25519, sha256, webCryptoEd25519 } from '../../../../src/net/crypto/index.ts';
import { ProofError } from '../../../../src/net/lite/proof/errors.ts';
import { checkPartialBlockProof, type PartialBlockProof } from '../../../../src/net/lite/proof/chain.ts';
import { merkleProof, serializeBocRoots } from '../../../../src/net/tlb/index.ts';
import { checkBackwardLink, checkForwardLink, type BlockLink } from '../../../../src/net/lite/proof/links.ts';
import {
  backwardLink,
  buildBlock,
  forwardLink,
  forwardLinkFromZeroState,
  sampleChain,
  signatureSet,
  subsetOf,
  validators,
  zeroState,
  type BuiltBlock,
} from './chain-fixtures.ts';

const webcrypto = webCryptoEd25519(globalThis.crypto.subtle);

async function refused(run: () => Promise<unknown> | unknown, code: string): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, `expected ProofError(${code})`).toBeInstanceOf(ProofError);
  expect((error as ProofError).code, (error as Error).message).toBe(code);
}

function partial(from: BuiltBlock, to: BuiltBlock, steps: BlockLink[], complete = true): PartialBlockProof {
  return { _: 'liteServer.partialBlockProof', complete, from: from.id, to: to.id, steps };
}

describe('block links', () => {
  for (const simplex of [false, true])
    for (const verifier of [nobleEd25519, webcrypto])
      it(`an honest chain verifies (${simplex ? 'simplex' : 'ordinary'} sets, ${verifier.name})`, async () => {
        const c = sampleChain({ simplex });
        const chain = await checkPartialBlockProof(partial(c.k0, c.b, [c.l1, c.l2]), c.k0.id, verifier);
        expect(chain.last).toEqual(c.b.id);
        expect(chain.lastInfo?.seqno).toBe(250);
        expect(chain.newestKeyBlock?.id).toEqual(c.k1.id);
        expect(chain.links).toBe(2);
        const l1 = await checkForwardLink(c.l1, verifier);
        expect(l1.weight?.signed).toBe(l1.weight?.total);
      });

  it('a forward link from the zero state takes the config from the state', async () => {
    const set = { validators: validators(5), shuffle: true };
    const zero = zeroState(set);
    const sub = subsetOf(set, 1);
    const to = buildBlock({ seqno: 1, key: true, utime: 2, ccSeqno: 1, vsetHash: sub.hash, config: set });
    const sigs = signatureSet(to.id, { signers: sub.nodes, ccSeqno: 1, vsetHash: sub.hash });
    expect(
      (await checkForwardLink(forwardLinkFromZeroState(zero, to, true, sigs), webcrypto)).info.seqno,
    ).toBe(1);
    // the zero state's proof must hash to the zero state's id
    const wrong = forwardLinkFromZeroState(zeroState({ ...set, shuffle: false }), to, true, sigs);
    wrong.from = zero.id;
    await refused(() => checkForwardLink(wrong, webcrypto), 'merkle');
  });

  it('backward links to the previous key blocks verify', () => {
    const c = sampleChain();
    expect(checkBackwardLink(backwardLink(c.b, c.k1, true)).info.seqno).toBe(200);
    expect(checkBackwardLink(backwardLink(c.b, c.k0, true)).info.keyBlock).toBe(true);
  });

  it('the validator subset without the shuffle flag is the head of the list', async () => {
    const c = sampleChain({ shuffle: false });
    await checkPartialBlockProof(partial(c.k0, c.b, [c.l1, c.l2]), c.k0.id, nobleEd25519);
    expect(c.s1.nodes).toEqual(c.set0.validators.slice(0, 7));
  });

  it('refuses a wrong signature, a duplicated, an unknown signer (signature)', async () => {
    const c = sampleChain();
    const bad = structuredClone(c.l2);
    bad.signatures.signatures[1].signature[5] ^= 1;
    await refused(() => checkForwardLink(bad, webcrypto), 'signature');
    await refused(() => checkForwardLink(bad, nobleEd25519), 'signature');
    const dup = structuredClone(c.l2);
    dup.signatures.signatures.push(dup.signatures.signatures[0]);
    dup.signatures.signatures.splice(1, 1);
    await refused(() => checkForwardLink(dup, nobleEd25519), 'signature');
    const stranger = { keys: keyPairFromSeed(sha256(new Uint8Array([99]))), weight: 100n };
    const unknown = forwardLink(
      c.k1,
      c.b,
      false,
      signatureSet(c.b.id, { signers: [...c.s2.nodes, stranger], ccSeqno: 7, vsetHash: c.s2.hash }),
    );
    await refused(() => checkForwardLink(unknown, nobleEd25519), 'signature');
    // signatures over the ordinary message in a simplex set, and a candidate of another block
    const legacy = forwardLink(
      c.k1,
      c.b,
      false,
      signatureSet(c.b.id, {
        signers: c.s2.nodes,
        ccSeqno: 7,
        vsetHash: c.s2.hash,
        simplex: true,
        message: new Uint8Array([0x70, 0x6e, 0x0b, 0xc5, ...c.b.id.root_hash, ...c.b.id.file_hash]),
      }),
    );
    await refused(() => checkForwardLink(legacy, webcrypto), 'signature');
    const other = sampleChain({ simplex: true });
    const swapped = structuredClone(other.l2);
    if (swapped.signatures._ === 'liteServer.signatureSet.simplex')
      swapped.signatures.candidate = (other.l1.signatures as typeof swapped.signatures).candidate;
    await refused(() => checkForwardLink(swapped, webcrypto), 'signature');
  });

  it('refuses exactly 2/3 of the weight and accepts more (weight)', async () => {
    const set = { validators: validators(3, () => 5n), shuffle: true };
    const k = buildBlock({ seqno: 10, key: true, utime: 1, ccSeqno: 1, vsetHash: 0, config: set });
    const sub = subsetOf(set, 2);
    const to = buildBlock({ seqno: 11, key: false, utime: 2, ccSeqno: 2, vsetHash: sub.hash });
    const two = forwardLink(
      k,
      to,
      false,
      signatureSet(to.id, { signers: sub.nodes.slice(0, 2), ccSeqno: 2, vsetHash: sub.hash }),
    );
    await refused(() => checkForwardLink(two, webcrypto), 'weight');
    const three = forwardLink(
      k,
      to,
      false,
      signatureSet(to.id, { signers: sub.nodes, ccSeqno: 2, vsetHash: sub.hash }),
    );
    expect((await checkForwardLink(three, webcrypto)).weight?.signed).toBe(15n);
  });

  it('refuses a wrong validator-set hash or catchain seqno (validator-set)', async () => {
    const c = sampleChain();
    // the header names another set than ConfigParam 34 gives
    const lying = buildBlock({
      seqno: 250,
      key: false,
      utime: c.now,
      ccSeqno: 7,
      vsetHash: (c.s2.hash + 1) >>> 0,
    });
    const l = forwardLink(
      c.k1,
      lying,
      false,
      signatureSet(lying.id, { signers: c.s2.nodes, ccSeqno: 7, vsetHash: c.s2.hash + 1 }),
    );
    await refused(() => checkForwardLink(l, webcrypto), 'validator-set');
    // the set declares another hash / catchain than the block's
    const wrongHash = forwardLink(
      c.k1,
      c.b,
      false,
      signatureSet(c.b.id, { signers: c.s2.nodes, ccSeqno: 7, vsetHash: c.s2.hash ^ 1 }),
    );
    await refused(() => checkForwardLink(wrongHash, webcrypto), 'validator-set');
    const wrongCc = forwardLink(
      c.k1,
      c.b,
      false,
      signatureSet(c.b.id, { signers: c.s2.nodes, ccSeqno: 8, vsetHash: c.s2.hash }),
    );
    await refused(() => checkForwardLink(wrongCc, webcrypto), 'validator-set');
    // signed by the old set (subset of K0's config) though K1 installed a new one
    const oldSet = subsetOf(c.set0, 7);
    const old = buildBlock({ seqno: 250, key: false, utime: c.now, ccSeqno: 7, vsetHash: oldSet.hash });
    const viaOld = forwardLink(
      c.k1,
      old,
      false,
      signatureSet(old.id, { signers: oldSet.nodes, ccSeqno: 7, vsetHash: oldSet.hash }),
    );
    await refused(() => checkForwardLink(viaOld, webcrypto), 'validator-set');
  });

  it('refuses a backward link to a wrong block (backward-link) and a lying key flag (link)', async () => {
    const c = sampleChain();
    const fake = buildBlock({ seqno: 200, key: true, utime: 1, ccSeqno: 6, vsetHash: 0, config: c.set1 });
    await refused(() => checkBackwardLink(backwardLink(c.b, fake, true)), 'backward-link');
    await refused(() => checkBackwardLink(backwardLink(c.b, c.k1, false)), 'link');
    const notListed = buildBlock({ seqno: 150, key: false, utime: 1, ccSeqno: 6, vsetHash: 0 });
    await refused(() => checkBackwardLink(backwardLink(c.b, notListed, false)), 'backward-link');
    const flag = structuredClone(c.l1);
    flag.to_key_block = false;
    await refused(() => checkForwardLink(flag, webcrypto), 'link');
    // a forward link from a block that is not a key block
    const fromB = forwardLink(c.b, c.k1, true, c.l1.signatures);
    fromB.from = { ...c.b.id, seqno: 150 };
    await refused(() => checkForwardLink(fromB, webcrypto), 'block-header');
  });

  it('refuses a config proof that prunes ConfigParam 34 (pruned)', async () => {
    const c = sampleChain();
    const link = structuredClone(c.l1);
    link.config_proof = new Uint8Array(
      serializeBocRoots([merkleProof(c.k0.root, [c.k0.info, ...c.k0.configPath.slice(0, 3)])]),
    );
    await refused(() => checkForwardLink(link, webcrypto), 'pruned');
  });

  it('refuses a broken chain (link)', async () => {
    const c = sampleChain();
    await refused(() => checkPartialBlockProof(partial(c.k0, c.b, [c.l2]), c.k0.id, webcrypto), 'link');
    await refused(() => checkPartialBlockProof(partial(c.k0, c.b, [c.l1]), c.k0.id, webcrypto), 'link');
    await refused(() => checkPartialBlockProof(partial(c.k1, c.b, [c.l2]), c.k0.id, webcrypto), 'link');
    await refused(() => checkPartialBlockProof(partial(c.k0, c.b, []), c.k0.id, webcrypto), 'link');
    const many = partial(
      c.k0,
      c.b,
      Array.from({ length: 17 }, () => c.l1),
    );
    await refused(() => checkPartialBlockProof(many, c.k0.id, webcrypto), 'link');
  });

  it('refuses random bytes in place of any proof, with a ProofError only', async () => {
    const c = sampleChain();
    const boc = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }).map((b) => new Uint8Array([0xb5, 0xee, 0x9c, 0x72, ...b])),
    );
    await fc.assert(
      fc.asyncProperty(boc, fc.constantFrom('dest_proof', 'config_proof'), async (bytes, field) => {
        const link = { ...c.l2, [field]: bytes };
        expect(await checkForwardLink(link, nobleEd25519).catch((e: unknown) => e)).toBeInstanceOf(
          ProofError,
        );
      }),
      { numRuns: 200 },
    );
    const back = backwardLink(c.b, c.k1, true);
    fc.assert(
      fc.property(boc, fc.constantFrom('dest_proof', 'proof', 'state_proof'), (bytes, field) => {
        expect(() => checkBackwardLink({ ...back, [field]: bytes })).toThrow(ProofError);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses any single-byte change of a link’s proofs, with a ProofError only', async () => {
    const c = sampleChain({ simplex: true });
    const fields = ['dest_proof', 'config_proof'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...fields),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (field, at, x) => {
          const link = structuredClone(c.l2);
          const bytes = link[field];
          bytes[at % bytes.length] ^= x;
          let error: unknown;
          try {
            await checkForwardLink(link, webcrypto);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(ProofError);
        },
      ),
      { numRuns: 150 },
    );
    const back = backwardLink(c.b, c.k1, true);
    fc.assert(
      fc.property(
        fc.constantFrom('dest_proof', 'proof', 'state_proof'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (field, at, x) => {
          const link = structuredClone(back);
          const bytes = link[field as 'proof'];
          bytes[at % bytes.length] ^= x;
          expect(() => checkBackwardLink(link)).toThrow(ProofError);
        },
      ),
      { numRuns: 150 },
    );
  });
});
