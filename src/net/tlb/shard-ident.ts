/**
 * block.tlb line 395: `shard_ident$00 shard_pfx_bits:(#<= 60) workchain_id:int32 shard_prefix:uint64 = ShardIdent;`
 * A shard is handled as its unsigned 64-bit id (the prefix bits, then a 1 tag bit, then zeros; DIGEST §3).
 */
import type { Builder, Slice } from '@ton/core';
import { TlbError } from './errors.ts';

/** The masterchain's (and an unsplit workchain's) only shard: 0x8000000000000000 (DIGEST §3). */
export const FULL_SHARD = 0x8000000000000000n;

export interface ShardIdent {
  workchain: number;
  /** Unsigned 64-bit shard id. */
  shard: bigint;
}

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

/** TlbError('malformed') for a wrong tag or more than 60 prefix bits. */
export function loadShardIdent(s: Slice): ShardIdent {
  if (s.loadUint(2) !== 0) throw new TlbError('malformed', 'ShardIdent: tag is not $00');
  const pfxBits = s.loadUint(6);
  if (pfxBits > 60) throw new TlbError('malformed', `ShardIdent: ${pfxBits} prefix bits (at most 60)`);
  const workchain = s.loadInt(32);
  const prefix = s.loadUintBig(64);
  // The id keeps the first pfxBits bits of the prefix and sets the tag bit after them.
  const tag = 1n << BigInt(63 - pfxBits);
  const keep = pfxBits === 0 ? 0n : ((1n << 64n) - 1n) ^ ((tag << 1n) - 1n);
  return { workchain, shard: (prefix & keep) | tag };
}
