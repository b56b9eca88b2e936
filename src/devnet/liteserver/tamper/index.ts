/** The forging liteserver (`tonsite devnet --tamper-liteserver N`): forged-chain.ts says what it forges. */
export { ForgedChain } from './forged-chain.ts';
export { forgedBlockProof } from './block-proof.ts';
export { forgeSiteRecord, rewriteTree } from './forge.ts';
