/**
 * Two real mainnet forward block links (vectors/SOURCES.md): key block 27747086 → 27747087 → 27749436, ordinary
 * signature sets. They verify link by link and as one chain with both Ed25519 backends; the subset hash matches the
 * headers only with the PRNG shuffle; every single-byte change of a proof or a signature is refused.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleEd25519, webCryptoEd25519 } from '../../../../src/net/crypto/index.ts';
import {
  checkForwardLink,
  checkPartialBlockProof,
  linkValidatorConfig,
  linkValidatorSubset,
  masterchainSubset,
  ProofError,
  validatorSetHash,
} from '../../../../src/net/lite/proof/index.ts';
import { checkBlockInfoProof } from '../../../../src/net/lite/proof/block-header.ts';
import { proofRoots } from '../../../../src/net/lite/proof/merkle.ts';
import p1 from './vectors/lite-proof-proof.json' with { type: 'json' };
import p2 from './vectors/lite-proof-proof2.json' with { type: 'json' };
import { liteProofBlockId, liteProofLink } from './vectors/lite-proof.ts';

const id = liteProofBlockId;
const link = liteProofLink;
const webcrypto = webCryptoEd25519(globalThis.crypto.subtle);

describe('mainnet forward links 27747086 → 27747087 → 27749436', () => {
  it('verify with both Ed25519 backends, as links and as a chain', async () => {
    for (const verifier of [nobleEd25519, webcrypto]) {
      const a = await checkForwardLink(link(p1), verifier);
      expect(a.info).toMatchObject({ seqno: 27747087, keyBlock: true, genCatchainSeqno: 411162 });
      expect(a.info.genValidatorListHashShort).toBe(96488764);
      expect(a.weight?.signatures).toBe(96);
      const b = await checkForwardLink(link(p2), verifier);
      expect(b.info.genValidatorListHashShort).toBe(2169947495);
      expect(3n * b.weight!.signed > 2n * b.weight!.total).toBe(true);
    }
    const chain = await checkPartialBlockProof(
      {
        _: 'liteServer.partialBlockProof',
        complete: true,
        from: id(p1.from),
        to: id(p2.to),
        steps: [link(p1), link(p2)],
      },
      id(p1.from),
      webcrypto,
    );
    expect(chain.newestKeyBlock?.id.seqno).toBe(27749436);
    expect(chain.lastInfo?.genUtime).toBe(1677741833);
  });

  it('match the headers only with the shuffled subset', () => {
    const l = link(p1);
    const [dest] = proofRoots(l.dest_proof, 1, 'dest_proof');
    const info = checkBlockInfoProof(dest, l.to).info;
    const { nodes, hash } = linkValidatorSubset(l, info);
    expect(nodes).toHaveLength(100);
    expect(hash).toBe(96488764);
    const { vset, catchain } = linkValidatorConfig(l);
    expect(catchain.shuffleMcValidators).toBe(true);
    expect([vset.total, vset.main]).toEqual([vset.list.length, 100]);
    expect(vset.total).toBeGreaterThan(100);
    const head = masterchainSubset(vset, { shuffleMcValidators: false }, info.genCatchainSeqno);
    expect(new Set(head)).toEqual(new Set(nodes));
    expect(validatorSetHash(head, info.genCatchainSeqno)).not.toBe(hash);
  });

  it('refuse a lying key flag, another catchain, and every single-byte change', async () => {
    const lie = link(p1);
    lie.to_key_block = false;
    await expect(checkForwardLink(lie, webcrypto)).rejects.toMatchObject({ code: 'link' });
    const cc = link(p1);
    if (cc.signatures._ === 'liteServer.signatureSet.ordinary') cc.signatures.catchain_seqno += 1;
    await expect(checkForwardLink(cc, webcrypto)).rejects.toMatchObject({ code: 'validator-set' });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('dest_proof', 'config_proof', 'signature', 'node'),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (field, at, x) => {
          const l = link(p2);
          const sig = l.signatures.signatures[at % l.signatures.signatures.length];
          const bytes =
            field === 'signature'
              ? sig.signature
              : field === 'node'
                ? sig.node_id_short
                : l[field as 'dest_proof' | 'config_proof'];
          bytes[(at >> 7) % bytes.length] ^= x;
          const error = await checkForwardLink(l, webcrypto).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ProofError);
        },
      ),
      { numRuns: 200 },
    );
  });
});
