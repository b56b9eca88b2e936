/** Small block.tlb pieces shared by the state and block builders. */
import { beginCell, storeCurrencyCollection, type Builder } from '@ton/core';

/** The masterchain's (and an unsplit workchain's) only shard: 0x8000000000000000 (DIGEST §3). */
export const FULL_SHARD = 0x8000000000000000n;

/** ext_blk_ref$_ end_lt:uint64 seq_no:uint32 root_hash:bits256 file_hash:bits256 = ExtBlkRef; */
export interface ExtBlkRef {
  endLt: bigint;
  seqno: number;
  rootHash: Buffer;
  fileHash: Buffer;
}

export function storeExtBlkRef(ref: ExtBlkRef) {
  return (b: Builder) => {
    b.storeUint(ref.endLt, 64)
      .storeUint(ref.seqno, 32)
      .storeBuffer(ref.rootHash, 32)
      .storeBuffer(ref.fileHash, 32);
  };
}

/**
 * shard_ident$00 shard_pfx_bits:(#<= 60) workchain_id:int32 shard_prefix:uint64 = ShardIdent;
 * `shard` is the unsigned 64-bit shard id (prefix bits, then a 1 tag bit, then zeros).
 */
export function storeShardIdent(workchain: number, shard: bigint) {
  return (b: Builder) => {
    const u = BigInt.asUintN(64, shard);
    let trailing = 0;
    while (trailing < 63 && ((u >> BigInt(trailing)) & 1n) === 0n) trailing++;
    const pfxBits = 63 - trailing;
    const prefix = u & ~(1n << BigInt(trailing));
    b.storeUint(0, 2).storeUint(pfxBits, 6).storeInt(workchain, 32).storeUint(prefix, 64);
  };
}

/** CurrencyCollection with `grams` nanotons and no extra currencies. */
export function storeGrams(grams: bigint) {
  return storeCurrencyCollection({ coins: grams });
}

/** An empty cell builder (readability helper). */
export const cell = beginCell;
