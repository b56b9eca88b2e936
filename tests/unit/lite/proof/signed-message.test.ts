/**
 * The signed messages, laid out by hand from the TL schema here (ids as ton_api.tl's, every field in order, LE ints)
 * and compared with what the builders give; the simplex candidate must name the signed block.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../../src/net/crypto/index.ts';
import { tlId } from '../../../../src/net/tl/index.ts';
import type { BlockIdExt } from '../../../../src/net/lite/client.ts';
import { ProofError } from '../../../../src/net/lite/proof/errors.ts';
import {
  buildSimplexCandidate,
  messageToSign,
  ordinaryMessage,
  simplexCandidateBlock,
  simplexMessage,
} from '../../../../src/net/lite/proof/signed-message.ts';

const le32 = (n: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, n, true);
  return b;
};
const le64 = (n: bigint) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, n, true);
  return b;
};
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

const block: BlockIdExt = {
  _: 'tonNode.blockIdExt',
  workchain: -1,
  shard: -0x8000000000000000n,
  seqno: 100500,
  root_hash: new Uint8Array(32).fill(0x41),
  file_hash: new Uint8Array(32).fill(0x42),
};
const blockBare = cat(le32(-1), le64(-0x8000000000000000n), le32(100500), block.root_hash, block.file_hash);

describe('signed messages', () => {
  it('uses the constructor ids of the TL lines (CRC-32 as tonutils-go registers them, ton/block.go)', () => {
    const crc32 = (text: string) => {
      let c = 0xffffffff;
      for (const b of new TextEncoder().encode(text)) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    const lines: [string, string][] = [
      ['ton.blockId', 'ton.blockId root_cell_hash:int256 file_hash:int256 = ton.BlockId'],
      ['consensus.dataToSign', 'consensus.dataToSign session_id:int256 data:bytes = consensus.DataToSign'],
      ['consensus.candidateId', 'consensus.candidateId slot:int hash:int256 = consensus.CandidateId'],
      [
        'consensus.simplex.finalizeVote',
        'consensus.simplex.finalizeVote id:consensus.CandidateId = consensus.simplex.UnsignedVote',
      ],
      [
        'consensus.candidateHashDataOrdinary',
        'consensus.candidateHashDataOrdinary block:tonNode.blockIdExt collated_file_hash:int256 parent:consensus.CandidateParent = consensus.CandidateHashData',
      ],
      [
        'consensus.candidateHashDataEmpty',
        'consensus.candidateHashDataEmpty block:tonNode.blockIdExt parent:consensus.candidateId = consensus.CandidateHashData',
      ],
      ['consensus.candidateWithoutParents', 'consensus.candidateWithoutParents = consensus.CandidateParent'],
      [
        'consensus.candidateParent',
        'consensus.candidateParent id:consensus.CandidateId = consensus.CandidateParent',
      ],
    ];
    for (const [name, line] of lines) expect(tlId(name)).toBe(crc32(line));
  });

  it('ordinary: 706e0bc5 || root_hash || file_hash', () => {
    expect(ordinaryMessage(block)).toEqual(cat(hex('706e0bc5'), block.root_hash, block.file_hash));
  });

  it('simplex: dataToSign{session, finalizeVote{candidateId{slot, sha256(candidate)}}}', () => {
    const collated = new Uint8Array(32).fill(0x77);
    const candidate = buildSimplexCandidate({ block, collatedFileHash: collated });
    // consensus.candidateHashDataOrdinary#e8f9bcdc block collated_file_hash parent:consensus.CandidateParent
    expect(candidate).toEqual(cat(le32(0xe8f9bcdc | 0), blockBare, collated, le32(0x22cbcca9)));
    const withParent = buildSimplexCandidate({
      block,
      collatedFileHash: collated,
      parent: { slot: 5, hash: collated },
    });
    expect(withParent).toEqual(
      cat(
        le32(0xe8f9bcdc | 0),
        blockBare,
        collated,
        le32(0x1a4b9af1),
        le32(0xb691cd3f | 0),
        le32(5),
        collated,
      ),
    );
    // consensus.candidateHashDataEmpty block parent:consensus.candidateId (bare)
    const empty = buildSimplexCandidate({ empty: true, block, parent: { slot: 9, hash: collated } });
    expect(empty).toEqual(cat(le32(0x72b4d933), blockBare, le32(9), collated));

    const session = new Uint8Array(32).fill(0x51);
    const vote = cat(le32(0x40a7e105), le32(0xb691cd3f | 0), le32(77), sha256(candidate));
    expect(vote.length).toBe(44);
    // bytes: length byte 44, 44 bytes, padding to a multiple of 4 (45 → 48)
    const expected = cat(le32(0xa8e33df8 | 0), session, new Uint8Array([44]), vote, new Uint8Array(3));
    expect(simplexMessage(block, session, 77, candidate)).toEqual(expected);
    expect(
      messageToSign(
        {
          _: 'liteServer.signatureSet.simplex',
          cc_seqno: 1,
          validator_set_hash: 2,
          signatures: [],
          session_id: session,
          slot: 77,
          candidate,
        },
        block,
      ),
    ).toEqual(expected);
    expect(simplexCandidateBlock(empty)).toEqual(block);
  });

  it('refuses a candidate of another block, trailing bytes or garbage with ProofError(signature)', () => {
    const session = new Uint8Array(32);
    const other = buildSimplexCandidate({ block: { ...block, seqno: 100501 }, collatedFileHash: session });
    const bad = [other, cat(buildSimplexCandidate({ block, collatedFileHash: session }), new Uint8Array(4))];
    for (const candidate of bad)
      expect(() => simplexMessage(block, session, 1, candidate)).toThrow(ProofError);
    expect(() => simplexMessage(block, new Uint8Array(31), 1, bad[0])).toThrow(ProofError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          simplexMessage(block, session, 1, bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ProofError);
          expect((error as ProofError).code).toBe('signature');
        }
      }),
      { numRuns: 300 },
    );
  });
});
