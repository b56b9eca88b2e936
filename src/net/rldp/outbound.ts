/**
 * Sending one transfer (DIGEST §7.1–7.3; C++ rldp2 OutboundTransfer/RldpSender, rldp v1 RldpTransferSender).
 * The data is cut into parts of the node's part size (2,000,000 bytes unless set: C++ rldp2 receivers take no other,
 * DIGEST §7.4; a tonutils-go v1.x-like devnet peer uses 1 MiB); each part streams RaptorQ symbols with fresh seqnos (a fountain code
 * never repeats a symbol: a lost one is replaced by a new repair symbol) until the receiver says `complete`.
 *
 * Source symbols (seqno < K) are plain chunks of the data, so a part whose K symbols all arrive never builds the
 * RaptorQ encoder; it is built on the first repair symbol.
 *
 * How many symbols to have in flight per part:
 * - v2: the receiver reports max_seqno and received_count, so we know how many it still needs; we keep
 *   need / (1 - loss) symbols in flight (C++ FecHelper/LossSender do the same with a probability bound).
 * - v1: the receiver only reports its highest seqno, so a part gets a growing budget (see wanted).
 * A symbol counts as in flight until a later one is acknowledged or it is older than the loss delay.
 */
import { RaptorQEncoder } from '../raptorq/index.ts';
import { writeMessagePart, type PartHeader } from './codec.ts';
import {
  partCount,
  partLength,
  RLDP_PART_SIZE,
  RLDP_SYMBOL_SIZE,
  symbolsCount,
  type RldpVersion,
} from './limits.ts';

/** Send times of the last RING symbols of a part (for RTT samples and time-based loss). */
const RING = 8192;
const RING_MASK = RING - 1;

export class OutboundPart {
  readonly index: number;
  readonly data: Uint8Array;
  readonly k: number;
  readonly header: PartHeader;
  #encoder: RaptorQEncoder | null = null;
  /** Next new seqno; all below were sent. */
  nextSeqno = 0;
  /** Receiver feedback: highest seqno received + 1 and distinct symbols received (v2). */
  ackedMax = 0;
  received = 0;
  /** First seqno not yet given up on by time. */
  #expired = 0;
  /** Loss counted so far for this part (acknowledged range minus received). */
  #lostSeen = 0;
  readonly #sentAt = new Float64Array(RING);
  done = false;

  constructor(transfer: OutboundTransfer, index: number) {
    this.index = index;
    const offset = index * transfer.partSize;
    const size = partLength(transfer.data.length, index, transfer.partSize);
    this.data = transfer.data.subarray(offset, offset + size);
    this.k = symbolsCount(size);
    this.header = {
      version: transfer.version,
      transferId: transfer.id,
      part: index,
      totalSize: transfer.data.length,
      dataSize: size,
      symbolSize: RLDP_SYMBOL_SIZE,
      symbolsCount: this.k,
    };
  }

  /** Writes the messagePart of the next seqno at out[offset..] and records its send time; true for a repair symbol. */
  writeNext(out: Uint8Array, offset: number, now: number): boolean {
    const seqno = this.nextSeqno++;
    const at = writeMessagePart(out, offset, this.header, seqno);
    if (seqno < this.k) {
      const from = seqno * RLDP_SYMBOL_SIZE;
      const chunk = this.data.subarray(from, from + RLDP_SYMBOL_SIZE);
      out.set(chunk, at);
      if (chunk.length < RLDP_SYMBOL_SIZE) out.fill(0, at + chunk.length, at + RLDP_SYMBOL_SIZE);
    } else {
      this.#encoder ??= new RaptorQEncoder(this.data, RLDP_SYMBOL_SIZE);
      this.#encoder.symbolInto(seqno, out, at);
    }
    this.#sentAt[seqno & RING_MASK] = now;
    return seqno >= this.k;
  }

  /** Symbols sent and neither acknowledged-past nor timed out. */
  inFlight(now: number, lossDelay: number): number {
    const next = this.nextSeqno;
    let e = Math.max(this.#expired, this.ackedMax, next - RING);
    const limit = now - lossDelay;
    while (e < next && this.#sentAt[e & RING_MASK] < limit) e++;
    this.#expired = e;
    return next - e;
  }

  /** When the oldest symbol in flight will time out (Infinity if none). */
  nextExpiry(lossDelay: number): number {
    const e = Math.max(this.#expired, this.ackedMax);
    return e < this.nextSeqno ? this.#sentAt[e & RING_MASK] + lossDelay : Infinity;
  }

  /** Symbols this part wants sent now beyond those in flight, given the loss rate. */
  wanted(inFlight: number, lossRate: number): number {
    const p = Math.min(lossRate, 0.5);
    if (this.header.version === 1) return this.#wantedV1(inFlight, p);
    const target = this.received < this.k ? this.k : this.received + 2;
    const need = target - this.received;
    return Math.ceil(need / (1 - p)) - inFlight;
  }

  /** v1 allowance: symbols this part may send in total so far, and the last top-up. */
  #v1Budget = 0;
  #v1Extra = 0;

  /**
   * A v1 receiver never says how many symbols it has, so a part gets a budget: K plus what the known loss rate
   * takes plus 5% (at least one spare: a small request is 1–2 symbols, and before the ADNL channel is up every
   * symbol is a signed root packet costing both ends milliseconds of Ed25519), then, each time everything sent is settled (confirmed past or timed out) without
   * `complete`, a top-up that doubles (10% of K first). This bounds the waste of a stream-until-complete sender
   * (C++ v1 streamed up to 1000 symbols past the confirmed one) while lost symbols are still made up quickly.
   */
  #wantedV1(inFlight: number, lossRate: number): number {
    if (this.#v1Budget === 0) this.#v1Budget = Math.ceil(this.k / (1 - lossRate) + this.k * 0.05);
    if (this.nextSeqno >= this.#v1Budget && inFlight === 0) {
      this.#v1Extra =
        this.#v1Extra === 0 ? Math.max(2, Math.ceil(this.k * 0.1)) : Math.min(this.#v1Extra * 2, this.k);
      this.#v1Budget = this.nextSeqno + this.#v1Extra;
    }
    return this.#v1Budget - this.nextSeqno;
  }

  /** Send time of seqno, or -1 if it was not sent or fell out of the ring. */
  sentAt(seqno: number): number {
    if (seqno < 0 || seqno >= this.nextSeqno || seqno < this.nextSeqno - RING) return -1;
    return this.#sentAt[seqno & RING_MASK];
  }

  /**
   * Applies receiver feedback: `maxSeqno` = highest received + 1, `received` distinct symbols (v2; v1 passes
   * seqno + 1 and 0). Returns the RTT-sample base time (-1 if the highest did not advance), newly delivered
   * symbols, and the newly resolved/lost counts for loss statistics.
   */
  onAck(
    maxSeqno: number,
    received: number,
  ): { sentAt: number; delivered: number; resolved: number; lost: number } {
    const max = Math.min(maxSeqno, this.nextSeqno);
    let sentAt = -1;
    let resolved = 0;
    if (max > this.ackedMax) {
      sentAt = this.sentAt(max - 1);
      resolved = max - this.ackedMax;
      this.ackedMax = max;
    }
    const count = Math.min(received, this.ackedMax);
    let delivered = 0;
    if (count > this.received) {
      delivered = count - this.received;
      this.received = count;
    }
    let lost = 0;
    if (this.header.version === 2) {
      const lostNow = Math.max(0, this.ackedMax - this.received);
      lost = Math.max(0, lostNow - this.#lostSeen);
      this.#lostSeen = Math.max(this.#lostSeen, lostNow);
    }
    return { sentAt, delivered, resolved, lost };
  }
}

export class OutboundTransfer {
  readonly id: Uint8Array;
  readonly key: string;
  readonly version: RldpVersion;
  readonly data: Uint8Array;
  readonly partsTotal: number;
  /** Bytes of every part but the last. */
  readonly partSize: number;
  readonly deadline: number;
  /** Parts being sent, in order; parts before `nextPart` not in here are complete. */
  readonly active: OutboundPart[] = [];
  nextPart = 0;
  completed = 0;
  /** Symbols sent over all parts. */
  symbolsSent = 0;
  readonly #maxActive: number;
  readonly onDone: (error?: Error) => void;

  constructor(
    id: Uint8Array,
    key: string,
    version: RldpVersion,
    data: Uint8Array,
    deadline: number,
    maxActive: number,
    onDone: (error?: Error) => void,
    partSize = RLDP_PART_SIZE,
  ) {
    this.id = id;
    this.key = key;
    this.version = version;
    this.data = data;
    this.partSize = partSize;
    this.partsTotal = partCount(data.length, partSize);
    this.deadline = deadline;
    // The v1 receiver takes only its current part (C++ RldpTransferReceiverImpl): one part at a time.
    this.#maxActive = version === 1 ? 1 : maxActive;
    this.onDone = onDone;
  }

  get done(): boolean {
    return this.completed === this.partsTotal;
  }

  /** Starts the next part if the active ones are all satisfied and the window allows. */
  openNext(): OutboundPart | null {
    if (this.nextPart >= this.partsTotal || this.active.length >= this.#maxActive) return null;
    const part = new OutboundPart(this, this.nextPart++);
    this.active.push(part);
    return part;
  }

  part(index: number): OutboundPart | undefined {
    for (const p of this.active) if (p.index === index) return p;
    return undefined;
  }

  /** The receiver finished part `index`; true if this completed the transfer. */
  completePart(index: number): boolean {
    const i = this.active.findIndex((p) => p.index === index);
    if (i < 0) return false;
    const part = this.active[i];
    part.done = true;
    this.active.splice(i, 1);
    this.completed++;
    return this.done;
  }
}
