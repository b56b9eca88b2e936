/**
 * Proof BoC framing (canonical-boc.ts) on the block-link proofs: real liteserver BoCs (the mainnet links of vectors/,
 * the mainnet getAccountState answer of shared/spec) and our own serializer's pass; every single-bit change of a
 * real dest_proof is refused (@ton/core alone reads past the `absent` count and the d1 level-mask bits, so such
 * changes were accepted by the link checks before).
 */
import { beginCell } from '@ton/core';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBlockInfoProof } from '../../../../src/net/lite/proof/block-header.ts';
import { checkBocFraming as checkStrictBoc } from '../../../../src/net/lite/proof/canonical-boc.ts';
import { ProofError } from '../../../../src/net/lite/proof/errors.ts';
import { proofRoots } from '../../../../src/net/lite/proof/merkle.ts';
import { merkleProof, serializeBocRoots } from '../../../../src/net/tlb/index.ts';
import p2 from './vectors/lite-proof-proof2.json' with { type: 'json' };

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const to = {
  workchain: -1,
  shard: -(1n << 63n),
  seqno: p2.to.seqno,
  root_hash: b64(p2.to.rootHash),
  file_hash: b64(p2.to.fileHash),
};

function refusedWith(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ProofError);
    return (error as ProofError).code;
  }
  throw new Error('accepted');
}

describe('strict proof BoCs', () => {
  it('accept real liteserver BoCs and ours', () => {
    checkStrictBoc(b64(p2.destProof), 'dest_proof');
    checkStrictBoc(b64(p2.configProof), 'config_proof');
    const vector = JSON.parse(
      readFileSync(
        new URL(
          '../../../../../shared/spec/vectors/proof_getAccountState_basechain_mainnet_48996197.json',
          import.meta.url,
        ),
        'utf8',
      ),
    ) as { answer: Record<string, string> };
    for (const k of ['shard_proof_boc_hex', 'proof_boc_hex', 'state_boc_hex'])
      checkStrictBoc(new Uint8Array(Buffer.from(vector.answer[k], 'hex')), k);
    const leaf = beginCell().storeUint(7, 8).endCell();
    const tree = beginCell().storeRef(leaf).storeRef(beginCell().storeRef(leaf).endCell()).endCell();
    checkStrictBoc(new Uint8Array(serializeBocRoots([merkleProof(tree, [])])), 'ours');
    checkStrictBoc(new Uint8Array(tree.toBoc({ idx: true, crc32: true })), 'with index');
  });

  it('refuse every single-bit change of a real dest_proof', () => {
    const bytes = b64(p2.destProof);
    expect(checkBlockInfoProof(proofRoots(bytes, 1, 'dest_proof')[0], to).info.seqno).toBe(27749436);
    for (let at = 0; at < bytes.length; at++)
      for (let bit = 0; bit < 8; bit++) {
        const changed = bytes.slice();
        changed[at] ^= 1 << bit;
        refusedWith(() => checkBlockInfoProof(proofRoots(changed, 1, 'dest_proof')[0], to));
      }
  });

  it('name what is wrong', () => {
    const bytes = b64(p2.destProof); // b5ee9c72 01 02 | cells 07 | roots 01 | absent 00 | tot 0147 | root 00 | d1…
    const absent = bytes.slice();
    absent[8] = 1;
    expect(() => checkStrictBoc(absent, 'x')).toThrow(/absent/);
    const level = bytes.slice();
    level[12] ^= 0x20;
    expect(() => checkStrictBoc(level, 'x')).toThrow(/level mask/);
    expect(() => checkStrictBoc(new Uint8Array([...bytes, 0]), 'x')).toThrow(/length does not add up/);
  });
});
