/**
 * The tact-lang/lite-proof link vectors (SOURCES.md beside this file) as liteServer.blockLinkForward values: shared
 * by the mainnet-link tests and `npm run bench -- proof`.
 */
import type { BlockLinkForward } from '../../../../../src/net/lite/proof/index.ts';
import p1 from './lite-proof-proof.json' with { type: 'json' };
import p2 from './lite-proof-proof2.json' with { type: 'json' };

export type LiteProofVector = typeof p1;
export const LITE_PROOF_LINKS: readonly LiteProofVector[] = [p1, p2];

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

export const liteProofBlockId = (x: LiteProofVector['from']) => ({
  _: 'tonNode.blockIdExt' as const,
  workchain: -1,
  shard: -(1n << 63n),
  seqno: x.seqno,
  root_hash: b64(x.rootHash),
  file_hash: b64(x.fileHash),
});

export const liteProofLink = (p: LiteProofVector): BlockLinkForward => ({
  _: 'liteServer.blockLinkForward',
  to_key_block: true,
  from: liteProofBlockId(p.from),
  to: liteProofBlockId(p.to),
  dest_proof: b64(p.destProof),
  config_proof: b64(p.configProof),
  signatures: {
    _: 'liteServer.signatureSet.ordinary',
    validator_set_hash: p.signatures.validatorSetHash,
    catchain_seqno: p.signatures.catchainSeqno,
    signatures: p.signatures.signatures.map((s) => ({
      _: 'liteServer.signature' as const,
      node_id_short: b64(s.nodeIdShort),
      signature: b64(s.signature),
    })),
  },
});
