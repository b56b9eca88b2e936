/**
 * How an incoming transfer is cut into parts (DIGEST §7.1, §7.4): every part but the last has one size, the last
 * is the remainder, and each part's fec.raptorQ data_size says its length. Senders differ in that size — C++
 * (rldp, rldp2) and current tonutils-go cut 2,000,000-byte parts, tonutils-go v1.x 1 MiB (`rldp.PartSize = 1<<20`,
 * adnl/rldp/client.go prepareNextPart) — so the receiver takes the size the sender declares, bounded by
 * RLDP_MAX_PART_SIZE, by the part count limit, by total_size and by the part index. The size is pinned per
 * transfer from the first part that determines it; everything here runs before anything is allocated for a part.
 *
 * What the others do: C++ rldp2 RldpConnection::receive_raw_obj(rldp2_messagePart) drops any part whose data_size
 * is not min(2,000,000, remaining) (`strict` below reproduces that); C++ rldp v1 RldpTransferReceiverImpl::
 * receive_part and rldp2 InboundTransfer::get_part take parts strictly in order at a running offset, of any size
 * that fits total_size; tonutils-go's receiver (handleMessage, createFECDecoder) takes the current part in order,
 * any data_size up to MaxFECDataSize = 2<<20 and total_size, and appends it.
 */
import { RldpError } from './errors.ts';
import {
  partCount,
  partLength,
  RLDP_MAX_PART_SIZE,
  RLDP_MAX_SEQNO,
  RLDP_PART_SIZE,
  RLDP_SYMBOL_SIZE,
  symbolsCount,
} from './limits.ts';
import type { RldpPartMessage } from './codec.ts';

export interface PartRules {
  /**
   * The C++ rldp2 receiver's rule: data_size must be exactly min(2,000,000, remaining) and symbols_count exactly
   * ceil(data_size / 768). Off: any part size up to RLDP_MAX_PART_SIZE, consistent within the transfer.
   */
  strict: boolean;
  /** Most parts one transfer may have (RldpLimits.maxPartsPerTransfer). */
  maxParts: number;
}

/**
 * The checks that need no state of the transfer: fec raptorQ with symbol_size 768, data_size within 1..the part
 * size limit and total_size, symbols_count matching data_size, a whole symbol, a sane seqno, and a part index below
 * the part count limit. RldpError('refused') otherwise. `totalSize` is already within the transfer's limit.
 */
export function checkPartDeclaration(m: RldpPartMessage, totalSize: number, rules: PartRules): void {
  const p = m.part;
  if (!(p >= 0 && p < rules.maxParts)) throw refused(`part ${p} out of range`);
  if (m.fec !== 'raptorQ') throw refused(`fec.${m.fec} is not supported`);
  if (m.symbolSize !== RLDP_SYMBOL_SIZE) throw refused(`symbol_size ${m.symbolSize} is not 768`);
  const d = m.dataSize;
  const max = rules.strict ? RLDP_PART_SIZE : RLDP_MAX_PART_SIZE;
  if (!(d >= 1 && d <= max && d <= totalSize)) {
    throw refused(`fec data_size ${d} (limit ${max}, total_size ${totalSize})`);
  }
  const k = symbolsCount(d);
  // Older tonutils-go senders declared ceil + 1 when data_size is a multiple of the symbol size; current
  // tonutils-go's receiver accepts that (adnl/rldp/client.go createFECDecoder). Our decoder derives K itself.
  const extra = !rules.strict && d % RLDP_SYMBOL_SIZE === 0 && m.symbolsCount === k + 1;
  if (m.symbolsCount !== k && !extra) throw refused(`symbols_count ${m.symbolsCount} is wrong`);
  if (m.data.length !== RLDP_SYMBOL_SIZE) throw refused(`symbol of ${m.data.length} bytes`);
  if (!(m.seqno >= 0 && m.seqno <= RLDP_MAX_SEQNO)) throw refused(`seqno ${m.seqno} out of range`);
}

/**
 * The part size (of every part but the last) that part `part` declaring `dataSize` implies for a transfer of
 * `totalSize` bytes, or null while it cannot be told yet. checkPartDeclaration must have passed.
 *
 * Part 0 always decides: data_size = total_size is a one-part transfer, anything less is the part size. A later
 * part is either a full part (size = data_size, not beyond total_size) or the last one (total_size - part × size =
 * data_size for a size ≥ data_size); if both readings are possible and differ — e.g. part 1 of 1,046,584 bytes in
 * a 2,095,160-byte transfer may be the remainder after a 1 MiB part 0 or a full part of three — the part waits.
 * Waiting is safe with the real senders: C++ rldp2 opens parts in order (OutboundTransfer) and its own receiver
 * creates only the next part in order (InboundTransfer::get_part), C++ rldp v1 and tonutils-go send part n+1 only
 * after `complete` of part n, and ours opens parts in order; so part 0 keeps coming until we complete it, and a
 * symbol dropped meanwhile is replaced by the sender like a lost one (a fountain code never needs a given symbol).
 */
export function decidePartSize(
  totalSize: number,
  part: number,
  dataSize: number,
  rules: PartRules,
): number | null {
  if (rules.strict) {
    if (part >= partCount(totalSize) || dataSize !== partLength(totalSize, part)) {
      throw refused(`fec data_size ${dataSize} is not the part length ${RLDP_PART_SIZE} or its remainder`);
    }
    if (partCount(totalSize) > rules.maxParts) throw refused(`more than ${rules.maxParts} parts`);
    return RLDP_PART_SIZE;
  }
  const d = dataSize;
  if (part === 0) {
    if (d === totalSize) return d;
    if (Math.ceil(totalSize / d) > rules.maxParts)
      throw refused(`${d}-byte parts: more than ${rules.maxParts}`);
    return d;
  }
  // part < maxParts and d ≤ 2^21: the products below are exact.
  const full = (part + 1) * d <= totalSize && Math.ceil(totalSize / d) <= rules.maxParts;
  const rest = totalSize - d;
  const lastSize = rest % part === 0 ? rest / part : 0;
  const last = lastSize >= d && lastSize <= RLDP_MAX_PART_SIZE;
  if (full && last && lastSize !== d) return null;
  if (full) return d;
  if (last) return lastSize;
  throw refused(`part ${part} of ${d} bytes fits no part size of a ${totalSize}-byte transfer`);
}

/** Checks a part against the transfer's pinned part size: index in range, data_size = that part's length. */
export function checkPinnedPart(part: number, dataSize: number, totalSize: number, partSize: number): void {
  if (part >= partCount(totalSize, partSize)) throw refused(`part ${part} out of range`);
  const expected = partLength(totalSize, part, partSize);
  if (dataSize !== expected) throw refused(`fec data_size ${dataSize} is not the part length ${expected}`);
}

export function refused(what: string): RldpError {
  return new RldpError('refused', `RLDP part refused: ${what}`);
}
