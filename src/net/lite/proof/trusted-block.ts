/**
 * What the rest of the stack holds on to once the block-proof chain is checked: a masterchain block proven from a
 * trust anchor (PROOFS.md §2), and its header facts. State proofs (account, config) are checked against
 * `header.stateHash`; nothing else about a liteserver's answer is trusted.
 */
import type { BlockIdExt, LiteClient } from '../client.ts';
import type { ProvenBlockHeader } from './block-header.ts';

/** Where trust in a block comes from, for the CLI's and the popup's "anchor" field. */
export interface TrustAnchorRef {
  /** e.g. `config init_block`, `config hardfork`, `compiled-in mainnet key block`, `last verified key block`. */
  source: string;
  id: BlockIdExt;
}

export interface TrustedBlock {
  /** The masterchain block (root and file hash bound by validator signatures or by the anchor itself). */
  id: BlockIdExt;
  /** Its header as proven (gen_utime, key_block, …) and the hash of the masterchain state after it. */
  header: ProvenBlockHeader;
  /** The anchor the chain of links started from. */
  anchor: TrustAnchorRef;
}

/** Gives proven masterchain blocks; implemented by the block-proof chain (BlockTrust). */
export interface TrustedBlockProvider {
  /**
   * A masterchain block proven from the anchor through `client`'s getBlockProof answers, no older than the
   * freshness limit. ProofError when the server's chain does not verify. `onCandidate`, when the provider can,
   * names the block the proof will end at before it is verified (for asking states there in parallel; nothing
   * about it is trusted until the promise resolves with the same id).
   */
  trustedBlock(client: LiteClient, onCandidate?: (id: BlockIdExt) => void): Promise<TrustedBlock>;
}
