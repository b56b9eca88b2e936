/**
 * The forger's chain (`tonsite devnet --tamper-liteserver N`): an overlay of the honest devnet chain in which
 * every masterchain block after the zero state has a forged twin.
 *
 * - Every DNS site record (`dns_adnl_address`, `dns_storage_address`) in every account of the basechain and
 *   masterchain states is replaced by one with another address (forge.ts), so every name resolves to a site of
 *   the forger's choosing (a different one per name).
 * - The basechain block is re-hashed around the forged state (its state_update ends at it); the masterchain state
 *   lists that forged basechain block in shard_hashes (McBlockExtra's copy too), and the masterchain block is
 *   re-hashed around the forged state. All Merkle proofs the server sends are real proofs of these forged cells:
 *   they check against the forged ids.
 * - The zero state stays honest (it is in every client's config). The forger has no validator keys: a forged
 *   block carries the honest block's signature set, which does not sign the forged id.
 *
 * Every query about a block is answered from its forged twin, and the server's last block is the forged one; so
 * the answers are self-consistent and only a client that checks the block's signatures (getBlockProof from a
 * trusted key block) can tell. Asked about a block by its honest id (a client that trusts it from elsewhere), the
 * forger echoes that id, as a real liteserver does, over the forged cells: honest block ids with forged proofs,
 * which do not hash to the id.
 */
import type { Address, Cell } from '@ton/core';
import { dictPath } from '../../../net/tlb/index.ts';
import { BASECHAIN, MASTERCHAIN, type DevnetBlock, type DevnetChain } from '../../chain.ts';
import { fileHash } from '../../tlb/block.ts';
import type { ChainSource } from '../view.ts';
import { forgeSiteRecord, rehashBlock, rewriteTree, withBits256 } from './forge.ts';

/** Forged twins kept (older ones are recomputed on demand). */
const CACHE_LIMIT = 64;
/** Bit offset of root_hash in a bt_leaf$0 + shard_descr#b cell: 1 + 4 + 32 + 32 + 64 + 64. */
const SHARD_DESCR_ROOT_HASH = 197;

export class ForgedChain implements ChainSource {
  private readonly cache = new Map<string, DevnetBlock>();

  constructor(readonly honest: DevnetChain) {}

  get blockchain() {
    return this.honest.blockchain;
  }

  get configBase64() {
    return this.honest.configBase64;
  }

  get last(): DevnetBlock {
    return this.forge(this.honest.last);
  }

  onBlock(listener: (block: DevnetBlock) => void): () => void {
    return this.honest.onBlock((block) => listener(this.forge(block)));
  }

  masterBlock(seqno: number): DevnetBlock | undefined {
    const block = this.honest.masterBlock(seqno);
    return block && this.forge(block);
  }

  prevKeyBlock(seqno: number): DevnetBlock {
    return this.forge(this.honest.prevKeyBlock(seqno));
  }

  nextKeyBlock(seqno: number, upTo: number): DevnetBlock | undefined {
    const block = this.honest.nextKeyBlock(seqno, upTo);
    return block && this.forge(block);
  }

  /**
   * The forged twin of a block named by its forged id; named by its honest id, the twin under the honest id
   * (hashes compared when given).
   */
  findBlock(id: { workchain: number; shard: bigint; seqno: number; rootHash?: Buffer; fileHash?: Buffer }) {
    const honest = this.honest.findBlock({ workchain: id.workchain, shard: id.shard, seqno: id.seqno });
    if (!honest) return undefined;
    const forged = this.forge(honest);
    const matches = (b: DevnetBlock) =>
      (!id.rootHash || b.id.rootHash.equals(id.rootHash)) &&
      (!id.fileHash || b.id.fileHash.equals(id.fileHash));
    if (matches(forged)) return forged;
    return matches(honest) ? { ...forged, id: honest.id } : undefined;
  }

  lookup(workchain: number, by: { seqno: number } | { lt: bigint } | { utime: number }) {
    const block = this.honest.lookup(workchain, by);
    return block && this.forge(block);
  }

  account(mcBlock: DevnetBlock, address: Address) {
    return this.honest.account(mcBlock, address);
  }

  /** The honest block a (forged or honest) masterchain block object stands for. */
  honestOf(block: DevnetBlock): DevnetBlock {
    return this.honest.masterBlock(block.id.seqno) ?? block;
  }

  /** The forged twin of an honest block (the zero states stay honest). */
  forge(honest: DevnetBlock): DevnetBlock {
    if (!honest.block) return honest;
    const key = `${honest.id.workchain}:${honest.id.rootHash.toString('hex')}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const forged = honest.id.workchain === MASTERCHAIN ? this.forgeMaster(honest) : this.forgeShard(honest);
    this.cache.set(key, forged);
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return forged;
  }

  private forgeShard(honest: DevnetBlock): DevnetBlock {
    const state = rewriteTree(honest.state, forgeSiteRecord);
    return this.twin(honest, state, rehashBlock(honest.block!, state));
  }

  private forgeMaster(honest: DevnetBlock): DevnetBlock {
    const shard = honest.shardBlock && honest.shardBlock.block ? this.forge(honest.shardBlock) : null;
    // The ShardDescr leaf of the basechain (same cell in McStateExtra and McBlockExtra) now names the forged block.
    let descr: Cell | null = null;
    const shardHashes = honest.mcExtra?.refs[0];
    if (shard && shardHashes) {
      const { leaf } = dictPath(shardHashes, 32, BigInt(BASECHAIN));
      descr = leaf ? leaf.preloadRef() : null;
    }
    const descrHash = descr?.hash().toString('hex');
    const forgedDescr =
      descr && shard
        ? withBits256(
            withBits256(descr, SHARD_DESCR_ROOT_HASH, shard.id.rootHash),
            SHARD_DESCR_ROOT_HASH + 256,
            shard.id.fileHash,
          )
        : null;
    const replace = (cell: Cell) =>
      forgedDescr && cell.hash().toString('hex') === descrHash ? forgedDescr : forgeSiteRecord(cell);
    const state = rewriteTree(honest.state, replace);
    const extra = rewriteTree(honest.block!.refs[3], replace);
    const forged = this.twin(honest, state, rehashBlock(honest.block!, state, extra));
    forged.mcExtra = state.refs[3] ?? null;
    forged.shardBlock = shard ?? honest.shardBlock;
    return forged;
  }

  /** A DevnetBlock for the forged state and block cells (accounts re-read from the forged state). */
  private twin(honest: DevnetBlock, state: Cell, block: Cell): DevnetBlock {
    // ShardStateUnsplit refs: out_msg_queue_info, accounts, ^[...], custom.
    const accountsCell = state.refs[1];
    return {
      ...honest,
      id: { ...honest.id, rootHash: block.hash(0), fileHash: fileHash(block) },
      block,
      state,
      accountsCell,
      accountsRoot: accountsCell.beginParse().loadBit() ? accountsCell.refs[0] : null,
    };
  }
}
