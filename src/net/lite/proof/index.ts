/**
 * src/net/lite/proof: verifying liteserver answers without trusting the liteserver (PROOFS.md): Merkle proofs,
 * block headers, block proof chains from a trusted key block, account and config state proofs.
 */
export { ProofError, type ProofErrorCode } from './errors.ts';
export {
  loadReadableRef,
  openMerkleProof,
  parsing,
  proofRoots,
  readable,
  readRef,
  sameBytes,
} from './merkle.ts';
export {
  checkBlockHeaderProof,
  describeId,
  unsignedShard,
  type BlockInfoFacts,
  type ProvenBlockHeader,
} from './block-header.ts';
export type { TrustAnchorRef, TrustedBlock, TrustedBlockProvider } from './trusted-block.ts';
