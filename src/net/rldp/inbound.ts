/**
 * Receiving one transfer (DIGEST §7.1–7.3; C++ rldp2 InboundTransfer/RldpReceiver/Ack, rldp v1 RldpTransferReceiver).
 * The transfer's size was checked against its limit before this object exists; here every part is checked again
 * (index, fec data_size = the part's length, symbol size 768) before its decoder is allocated, and at most
 * `maxParts` parts are decoded at once. The acknowledgement state follows C++ Ack::on_got_packet: max_seqno is
 * the highest seqno received + 1, bit i of the mask is symbol max_seqno-1-i, count is distinct symbols.
 */
import { RaptorQDecoder, RaptorQError } from '../raptorq/index.ts';
import { RldpError } from './errors.ts';
import {
  partCount,
  partLength,
  RLDP_MAX_SEQNO,
  RLDP_PART_SIZE,
  RLDP_SYMBOL_SIZE,
  symbolsCount,
  type RldpVersion,
} from './limits.ts';
import type { RldpPartMessage } from './codec.ts';

/**
 * Memory accounting of part decoders, shared by every inbound transfer of a node. (Transfer buffers are bounded by
 * the admission limits: unsolicited ones by maxIncomingTransfer × maxInboundTotal, answers by our own queries.)
 */
export interface InboundBudget {
  /** Reserves `bytes`; false if that would exceed the node's limit. */
  reserve(bytes: number): boolean;
  release(bytes: number): void;
}

export class InboundPart {
  readonly index: number;
  readonly size: number;
  decoder: RaptorQDecoder;
  /** Highest seqno received + 1 (rldp2.confirm max_seqno; v1 confirms send max_seqno - 1). */
  maxSeqno = 0;
  receivedMask = 0;
  receivedCount = 0;
  /** When the next confirm is due (0 = none pending) and how many were sent since the last new symbol. */
  ackDueAt = 0;
  ackResends = 0;

  constructor(index: number, size: number) {
    this.index = index;
    this.size = size;
    this.decoder = new RaptorQDecoder(size, RLDP_SYMBOL_SIZE, size);
  }

  /** Records symbol `seqno`; true if the part is now decodable. */
  add(seqno: number, data: Uint8Array): boolean {
    const s = seqno + 1;
    if (s > this.maxSeqno) {
      const diff = s - this.maxSeqno;
      this.receivedMask = diff >= 32 ? 0 : this.receivedMask << diff;
      this.maxSeqno = s;
    }
    const offset = this.maxSeqno - s;
    if (offset < 32) this.receivedMask |= 1 << offset;
    const done = this.decoder.addSymbol(seqno, data);
    this.receivedCount = this.decoder.received;
    return done;
  }
}

export type SymbolResult =
  /** Symbol taken (or a duplicate); nothing finished. */
  | 'accepted'
  /** The symbol's part was finished by it: send complete. */
  | 'part-done'
  /** For a part finished earlier: repeat complete. */
  | 'part-already-done'
  /** Not taken now (part beyond the decoding window or memory budget); the sender will repeat it. */
  | 'deferred';

export class InboundTransfer {
  readonly id: Uint8Array;
  readonly key: string;
  readonly version: RldpVersion;
  readonly totalSize: number;
  readonly partsTotal: number;
  /** Our limit for it (bytes) and whether we asked for it (an answer to our query). */
  readonly solicited: boolean;
  readonly deadline: number;
  readonly parts = new Map<number, InboundPart>();
  /** Finished parts: 1 byte each (a transfer has at most a few dozen parts under our size limits). */
  readonly finished: Uint8Array;
  /** When complete was last sent for each finished part (rate limit for repeats). */
  readonly completeSentAt: Float64Array;
  finishedCount = 0;
  /** The reassembled transfer (allocated when the first part of a multi-part transfer finishes). */
  buffer: Uint8Array | null = null;
  bytesReceived = 0;
  readonly #maxParts: number;
  readonly #budget: InboundBudget;
  #reserved = 0;

  constructor(
    id: Uint8Array,
    key: string,
    version: RldpVersion,
    totalSize: number,
    solicited: boolean,
    deadline: number,
    maxParts: number,
    budget: InboundBudget,
  ) {
    this.id = id.slice();
    this.key = key;
    this.version = version;
    this.totalSize = totalSize;
    this.partsTotal = partCount(totalSize);
    this.solicited = solicited;
    this.deadline = deadline;
    this.finished = new Uint8Array(this.partsTotal);
    this.completeSentAt = new Float64Array(this.partsTotal);
    this.#maxParts = maxParts;
    this.#budget = budget;
  }

  get done(): boolean {
    return this.finishedCount === this.partsTotal;
  }

  /**
   * Takes one messagePart of this transfer. RldpError('refused') if it contradicts the transfer (its part index,
   * fec parameters or symbol do not fit); RaptorQError cannot escape.
   */
  receive(m: RldpPartMessage): SymbolResult {
    if (m.totalSize !== this.totalSize) throw refused('total_size changed within the transfer');
    validatePart(m, this.totalSize);
    const p = m.part;
    const expected = m.dataSize;
    if (this.finished[p]) return 'part-already-done';
    let part = this.parts.get(p);
    if (!part) {
      if (this.parts.size >= this.#maxParts) return 'deferred';
      if (!this.#budget.reserve(expected)) return 'deferred';
      this.#reserved += expected;
      part = new InboundPart(p, expected);
      this.parts.set(p, part);
    }
    this.bytesReceived += RLDP_SYMBOL_SIZE;
    let decodable: boolean;
    try {
      decodable = part.add(m.seqno, m.data);
    } catch (error) {
      if (error instanceof RaptorQError) throw refused(error.message);
      throw error;
    }
    if (!decodable) return 'accepted';
    this.#finishPart(part);
    return 'part-done';
  }

  #finishPart(part: InboundPart): void {
    const data = part.decoder.data();
    this.parts.delete(part.index);
    this.#budget.release(part.size);
    this.#reserved -= part.size;
    if (this.partsTotal === 1) {
      this.buffer = data;
    } else {
      // The whole transfer was admitted under its limit (checked before this object existed).
      this.buffer ??= new Uint8Array(this.totalSize);
      this.buffer.set(data, part.index * RLDP_PART_SIZE);
    }
    this.finished[part.index] = 1;
    this.finishedCount++;
  }

  /** Frees the decoders (transfer finished, timed out or dropped). */
  dispose(): void {
    this.parts.clear();
    if (this.#reserved > 0) this.#budget.release(this.#reserved);
    this.#reserved = 0;
  }
}

/**
 * Checks a messagePart against the transfer size it claims (already within our limit): part index in range, fec
 * raptorQ with symbol_size 768, data_size equal to that part's length, matching symbols_count, a whole symbol and
 * a sane seqno. RldpError('refused') otherwise. Nothing is allocated before this passes.
 */
export function validatePart(m: RldpPartMessage, totalSize: number): void {
  const p = m.part;
  if (!(p >= 0 && p < partCount(totalSize))) throw refused(`part ${p} out of range`);
  const expected = partLength(totalSize, p);
  if (m.fec !== 'raptorQ') throw refused(`fec.${m.fec} is not supported`);
  if (m.symbolSize !== RLDP_SYMBOL_SIZE) throw refused(`symbol_size ${m.symbolSize} is not 768`);
  if (m.dataSize !== expected)
    throw refused(`fec data_size ${m.dataSize} is not the part length ${expected}`);
  if (m.symbolsCount !== symbolsCount(expected)) throw refused(`symbols_count ${m.symbolsCount} is wrong`);
  if (m.data.length !== RLDP_SYMBOL_SIZE) throw refused(`symbol of ${m.data.length} bytes`);
  if (!(m.seqno >= 0 && m.seqno <= RLDP_MAX_SEQNO)) throw refused(`seqno ${m.seqno} out of range`);
}

function refused(what: string): RldpError {
  return new RldpError('refused', `RLDP part refused: ${what}`);
}
