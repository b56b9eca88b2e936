/**
 * Receiving one transfer (DIGEST §7.1–7.3; C++ rldp2 InboundTransfer/RldpReceiver/Ack, rldp v1 RldpTransferReceiver).
 * The transfer's size was checked against its limit before this object exists; here every part is checked again
 * (fec parameters, and data_size against the part size pinned from the first part that decides it: part-layout.ts)
 * before its decoder is allocated, and at most `maxParts` parts are decoded at once. The acknowledgement state
 * follows C++ Ack::on_got_packet: max_seqno is the highest seqno received + 1, bit i of the mask is symbol
 * max_seqno-1-i, count is distinct symbols.
 */
import { RaptorQDecoder, RaptorQError } from '../raptorq/index.ts';
import { partCount, RLDP_SYMBOL_SIZE, type RldpVersion } from './limits.ts';
import {
  checkPartDeclaration,
  checkPinnedPart,
  decidePartSize,
  refused,
  type PartRules,
} from './part-layout.ts';
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
  /** Bytes of every part but the last, and the number of parts: 0 until pinned by the first part that decides it. */
  partSize = 0;
  partsTotal = 0;
  /** Whether we asked for it (an answer to our query). */
  readonly solicited: boolean;
  readonly deadline: number;
  readonly parts = new Map<number, InboundPart>();
  /** Finished parts, 1 byte each; allocated when the part size is pinned (at most maxPartsPerTransfer). */
  #finished: Uint8Array | null = null;
  /** When complete was last sent for each finished part (rate limit for repeats); allocated with #finished. */
  #completeSentAt: Float64Array | null = null;
  finishedCount = 0;
  /** The reassembled transfer (allocated when the first part of a multi-part transfer finishes). */
  buffer: Uint8Array | null = null;
  bytesReceived = 0;
  readonly #maxParts: number;
  readonly #budget: InboundBudget;
  readonly #rules: PartRules;
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
    rules: PartRules,
  ) {
    this.id = id.slice();
    this.key = key;
    this.version = version;
    this.totalSize = totalSize;
    this.solicited = solicited;
    this.deadline = deadline;
    this.#maxParts = maxParts;
    this.#budget = budget;
    this.#rules = rules;
  }

  get done(): boolean {
    return this.partsTotal > 0 && this.finishedCount === this.partsTotal;
  }

  /** When complete was last sent for finished part `part` (-Infinity: never). */
  completeSentAt(part: number): number {
    return this.#completeSentAt?.[part] ?? -Infinity;
  }

  noteCompleteSent(part: number, now: number): void {
    if (this.#completeSentAt && part < this.partsTotal) this.#completeSentAt[part] = now;
  }

  /**
   * Takes one messagePart of this transfer. RldpError('refused') if it contradicts the transfer (its part index,
   * fec parameters, part size or symbol do not fit); 'deferred' while the part size cannot be told from it
   * (decidePartSize); RaptorQError cannot escape.
   */
  receive(m: RldpPartMessage): SymbolResult {
    if (m.totalSize !== this.totalSize) throw refused('total_size changed within the transfer');
    checkPartDeclaration(m, this.totalSize, this.#rules);
    const p = m.part;
    const expected = m.dataSize;
    if (this.partSize === 0) {
      const size = decidePartSize(this.totalSize, p, expected, this.#rules);
      if (size === null) return 'deferred';
      this.#pin(size);
    } else {
      checkPinnedPart(p, expected, this.totalSize, this.partSize);
    }
    if (this.#finished![p]) return 'part-already-done';
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

  /** Fixes the part size (checked against the limits by decidePartSize) and the per-part state it sizes. */
  #pin(size: number): void {
    this.partSize = size;
    this.partsTotal = partCount(this.totalSize, size);
    this.#finished = new Uint8Array(this.partsTotal);
    this.#completeSentAt = new Float64Array(this.partsTotal);
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
      this.buffer.set(data, part.index * this.partSize);
    }
    this.#finished![part.index] = 1;
    this.finishedCount++;
  }

  /** Frees the decoders (transfer finished, timed out or dropped). */
  dispose(): void {
    this.parts.clear();
    if (this.#reserved > 0) this.#budget.release(this.#reserved);
    this.#reserved = 0;
  }
}
