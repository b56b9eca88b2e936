/**
 * What a forging liteserver can compute without validator keys: new states with other DNS records, and blocks
 * re-hashed around them. Everything here is real hashing (a forged block's Merkle proofs are consistent with its
 * forged id); only the validators' signatures, which the forger cannot make, tie a block id to the network.
 */
import { beginCell, type Cell } from '@ton/core';
import { sha256 } from '../../../net/crypto/index.ts';
import { DNS_PREFIX_ADNL, DNS_PREFIX_STORAGE } from '../../../net/dns/records.ts';
import { prunedBranch } from '../../../net/tlb/index.ts';

/** Rebuilds the ordinary cells of a tree where `replace` returns a new cell (memoized; exotic cells kept as is). */
export function rewriteTree(root: Cell, replace: (cell: Cell) => Cell | null): Cell {
  const memo = new Map<string, Cell>();
  const walk = (cell: Cell): Cell => {
    if (cell.isExotic) return cell;
    const key = cell.hash().toString('hex');
    const known = memo.get(key);
    if (known) return known;
    let out = replace(cell);
    if (!out) {
      const refs = cell.refs.map(walk);
      if (refs.every((r, i) => r === cell.refs[i])) out = cell;
      else {
        const b = beginCell().storeBits(cell.bits);
        for (const r of refs) b.storeRef(r);
        out = b.endCell();
      }
    }
    memo.set(key, out);
    return out;
  };
  return walk(root);
}

/** 256 forged bits for an original address: different for every original, stable across blocks. */
function forgedAddress(original: Buffer): Buffer {
  return Buffer.from(sha256(Buffer.concat([Buffer.from('tonsite devnet forged site '), original])));
}

/**
 * A site record with another address: `dns_adnl_address#ad01 adnl_addr:bits256 flags:(## 8) ...` (no refs) or
 * `dns_storage_address#7473 bag_id:bits256` (exactly 272 bits) — the records `site` / `storage` categories hold
 * (block.tlb; src/net/dns/records.ts). Null for any other cell.
 */
export function forgeSiteRecord(cell: Cell): Cell | null {
  if (cell.refs.length !== 0 || cell.bits.length < 272) return null;
  const s = cell.beginParse();
  const prefix = s.loadUint(16);
  const isAdnl = prefix === DNS_PREFIX_ADNL && cell.bits.length >= 280;
  const isStorage = prefix === DNS_PREFIX_STORAGE && cell.bits.length === 272;
  if (!isAdnl && !isStorage) return null;
  const address = s.loadBuffer(32);
  return beginCell().storeUint(prefix, 16).storeBuffer(forgedAddress(address)).storeSlice(s).endCell();
}

/** A copy of `cell` with the 256 bits at `offset` replaced. */
export function withBits256(cell: Cell, offset: number, value: Uint8Array): Cell {
  const s = cell.beginParse();
  const b = beginCell().storeBits(s.loadBits(offset)).storeBuffer(Buffer.from(value), 32);
  s.skip(256);
  return b.storeSlice(s).endCell();
}

/**
 * A block (block#11ef55aa) whose state_update now ends at `newState` (old side kept) and whose extra is `extra`:
 * the re-hashed header a forger serves for a forged state.
 */
export function rehashBlock(block: Cell, newState: Cell, extra: Cell = block.refs[3]): Cell {
  const update = block.refs[2];
  const u = update.beginParse(true);
  u.skip(8);
  const oldHash = u.loadBuffer(32);
  u.skip(256);
  const oldDepth = u.loadUint(16);
  const forgedUpdate = beginCell()
    .storeUint(4, 8)
    .storeBuffer(oldHash, 32)
    .storeBuffer(newState.hash(0), 32)
    .storeUint(oldDepth, 16)
    .storeUint(newState.depth(0), 16)
    .storeRef(update.refs[0])
    .storeRef(prunedBranch(newState))
    .endCell({ exotic: true });
  return beginCell()
    .storeBits(block.bits)
    .storeRef(block.refs[0])
    .storeRef(block.refs[1])
    .storeRef(forgedUpdate)
    .storeRef(extra)
    .endCell();
}
