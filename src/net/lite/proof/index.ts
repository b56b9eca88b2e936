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
  checkBlockInfoProof,
  describeId,
  unsignedShard,
  type BlockInfoFacts,
  type ProvenBlockHeader,
} from './block-header.ts';
export type { TrustAnchorRef, TrustedBlock, TrustedBlockProvider } from './trusted-block.ts';
// State proofs bound to a trusted block: account states (basechain through the shard proof) and config params.
export {
  configParamsFromState,
  mcStateExtraOf,
  provenDictLookup,
  readMcStateExtra,
  readShardState,
  type McStateExtraFacts,
  type ShardStateFacts,
} from './shard-state.ts';
export {
  checkShardProof,
  shardContains,
  shardPrefixLength,
  type ProvenShardBlock,
  type ShardDescrFacts,
} from './shard-proof.ts';
export {
  checkAccountState,
  type AccountStateAnswer,
  type ProvenAccountState,
  type ProvenAccountStorage,
  type TrustedId,
} from './account-proof.ts';
export { checkConfigParams, CONFIG_MODE_FROM_KEY_BLOCK, type ConfigInfoAnswer } from './config-proof.ts';
// The block-proof chain: validator sets, signed messages, links, chains, anchors and BlockTrust.
export {
  buildCatchainConfig,
  buildValidatorSet,
  masterchainSubset,
  nodeIdShort,
  parseCatchainConfig,
  parseValidatorSet,
  validatorSetHash,
  ValidatorSetPrng,
  type CatchainConfig,
  type ValidatorDescr,
  type ValidatorEntry,
  type ValidatorSetConfig,
} from './validator-set.ts';
export {
  buildSimplexCandidate,
  messageToSign,
  ordinaryMessage,
  signatureSetVset,
  simplexCandidateBlock,
  simplexMessage,
  type CandidateHashData,
  type SignatureSet,
} from './signed-message.ts';
export {
  checkBackwardLink,
  checkForwardLink,
  checkLink,
  linkValidatorConfig,
  linkValidatorSubset,
  type BlockLink,
  type BlockLinkBack,
  type BlockLinkForward,
  type CheckedLink,
} from './links.ts';
export {
  checkPartialBlockProof,
  MAX_LINKS_PER_ANSWER,
  type CheckedChain,
  type PartialBlockProof,
  type ProvenStep,
} from './chain.ts';
export {
  anchorCandidates,
  COMPILED_IN_KEY_BLOCKS,
  configAnchors,
  masterchainBlockId,
  MemoryAnchorStore,
  type AnchorStore,
  type ConfigAnchors,
} from './anchors.ts';
export { BlockTrust, type BlockTrustOptions, type BlockTrustStats } from './block-trust.ts';
