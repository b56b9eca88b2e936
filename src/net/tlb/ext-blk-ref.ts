/**
 * block.tlb line 413: `ext_blk_ref$_ end_lt:uint64 seq_no:uint32 root_hash:bits256 file_hash:bits256 = ExtBlkRef;`
 * (608 bits: a BlkPrevInfo `prev_blk_info$_ prev:ExtBlkRef` or a BlkMasterInfo `master_info$_ master:ExtBlkRef`).
 */
import { Buffer } from 'buffer';
import type { Builder, Slice } from '@ton/core';

export interface ExtBlkRef {
  endLt: bigint;
  seqno: number;
  rootHash: Uint8Array;
  fileHash: Uint8Array;
}

export function storeExtBlkRef(ref: ExtBlkRef) {
  return (b: Builder) => {
    b.storeUint(ref.endLt, 64)
      .storeUint(ref.seqno, 32)
      .storeBuffer(Buffer.from(ref.rootHash), 32)
      .storeBuffer(Buffer.from(ref.fileHash), 32);
  };
}

export function loadExtBlkRef(s: Slice): ExtBlkRef {
  return {
    endLt: s.loadUintBig(64),
    seqno: s.loadUint(32),
    rootHash: new Uint8Array(s.loadBuffer(32)),
    fileHash: new Uint8Array(s.loadBuffer(32)),
  };
}
