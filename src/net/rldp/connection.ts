/**
 * RLDP state for one peer (C++ keeps one RldpConnection per local/peer id pair; DIGEST §7.3): the transfers we
 * send and receive, the answers we expect (with their size limits), finished transfers (to repeat `complete` to a
 * sender that missed it), the pacing controller, the peer's RLDP version and statistics.
 *
 * Everything here is synchronous and driven by two entry points: `receive` for each wire message from the peer and
 * `service` when the node's scheduler wakes us (acks due, pacer tokens, loss timers, deadlines). Both return
 * nothing to the wire themselves; they call host.send.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { bytesEqual, hexOf } from './bytes.ts';
import {
  encodeComplete,
  encodeConfirm,
  messagePartSize,
  type RldpConfirmMessage,
  type RldpPartMessage,
  type RldpWireMessage,
} from './codec.ts';
import { PacingController } from './congestion.ts';
import { RldpError } from './errors.ts';
import { InboundTransfer, validatePart, type InboundBudget, type InboundPart } from './inbound.ts';
import { RLDP_SYMBOL_SIZE, type RldpLimits, type RldpVersion } from './limits.ts';
import { OutboundTransfer, type OutboundPart } from './outbound.ts';

/** Receiver's acknowledgement delay (C++ rldp2 RldpSender::Config ack_delay... DIGEST §7.3: 1 ms). */
const ACK_DELAY_MS = 1;
/** Unanswered acks are repeated with doubling delays this many times (C++ RldpReceiver: 7). */
const ACK_RESENDS = 7;
/** Repeated `complete` for symbols of a finished part at most this often. */
const COMPLETE_REPEAT_MS = 5;
/** Parts of one outbound transfer in flight at once (v2; v1 sends one at a time). */
const MAX_ACTIVE_PARTS = 4;
/** Symbols one transfer sends per round-robin turn. */
const QUANTUM = 32;
const PART_MESSAGE_SIZE = messagePartSize(RLDP_SYMBOL_SIZE);

export interface RldpPeerStats {
  /** Payload bytes of transfers received / sent completely. */
  bytesIn: number;
  bytesOut: number;
  /** Repair symbols sent beyond the source symbols (what loss cost us). */
  retransmits: number;
  version: RldpVersion;
  symbolsIn: number;
  symbolsOut: number;
  transfersIn: number;
  transfersOut: number;
  /** Incoming parts refused (limits, bad fec parameters) or malformed. */
  refused: number;
  rttMs: number;
  /** Delivery rate estimate, bytes per second. */
  bandwidth: number;
  lossRate: number;
}

/** What a connection needs from its node. */
export interface ConnectionHost {
  readonly limits: RldpLimits;
  readonly budget: InboundBudget;
  send(peer: AdnlPeer, data: Uint8Array): void;
  /** Admission of an unsolicited inbound transfer against the node-wide count (true = admitted and counted). */
  admitUnsolicited(): boolean;
  releaseUnsolicited(): void;
  /** A whole transfer arrived. */
  deliver(connection: Connection, transfer: InboundTransfer, payload: Uint8Array): void;
  /** Run `service` of this connection no later than `at`. */
  wake(connection: Connection, at: number): void;
}

interface Expected {
  limit: number;
  deadline: number;
}

interface Completed {
  /** Version the transfer came in (null: a transfer we gave up on, answered in whatever version it uses). */
  version: RldpVersion | null;
  at: number;
  lastCompleteAt: number;
}

interface PendingAck {
  transfer: InboundTransfer;
  part: InboundPart;
}

export class Connection {
  peer: AdnlPeer;
  readonly key: string;
  version: RldpVersion;
  /** Set by setPeerVersion: incoming traffic no longer changes the version. */
  pinned = false;
  readonly pacing = new PacingController();
  readonly #host: ConnectionHost;
  readonly #outbound = new Map<string, OutboundTransfer>();
  /** Round-robin order of outbound transfers. */
  #order: OutboundTransfer[] = [];
  #rr = 0;
  readonly #inbound = new Map<string, InboundTransfer>();
  #unsolicited = 0;
  readonly #expected = new Map<string, Expected>();
  readonly #completed = new Map<string, Completed>();
  readonly #acks: PendingAck[] = [];
  #appLimited = true;
  #lastKey = '';
  #lastId: Uint8Array | null = null;
  lastActivity = 0;
  readonly stats: Omit<RldpPeerStats, 'version' | 'rttMs' | 'bandwidth' | 'lossRate'> = {
    bytesIn: 0,
    bytesOut: 0,
    retransmits: 0,
    symbolsIn: 0,
    symbolsOut: 0,
    transfersIn: 0,
    transfersOut: 0,
    refused: 0,
  };

  constructor(host: ConnectionHost, peer: AdnlPeer, key: string, version: RldpVersion) {
    this.#host = host;
    this.peer = peer;
    this.key = key;
    this.version = version;
  }

  /** True while anything is in progress (the node keeps idle connections only as a bounded cache). */
  get busy(): boolean {
    return this.#outbound.size > 0 || this.#inbound.size > 0 || this.#expected.size > 0;
  }

  snapshot(): RldpPeerStats {
    const p = this.pacing.snapshot();
    return {
      ...this.stats,
      version: this.version,
      rttMs: p.srttMs,
      bandwidth: Math.round(p.bandwidth * RLDP_SYMBOL_SIZE * 1000),
      lossRate: p.lossRate,
    };
  }

  #keyOf(id: Uint8Array): string {
    if (this.#lastId !== null && bytesEqual(this.#lastId, id)) return this.#lastKey;
    const key = hexOf(id);
    this.#lastId = id.slice();
    this.#lastKey = key;
    return key;
  }

  // ---- sending transfers ----

  /** Starts sending `data` as transfer `id` in `version`; `onDone` runs once: complete, deadline or cancel. */
  send(
    id: Uint8Array,
    data: Uint8Array,
    version: RldpVersion,
    deadline: number,
    onDone: (e?: Error) => void,
  ): void {
    const key = hexOf(id);
    if (this.#outbound.has(key)) {
      onDone(new RldpError('refused', 'a transfer with this id is already being sent'));
      return;
    }
    const t = new OutboundTransfer(id.slice(), key, version, data, deadline, MAX_ACTIVE_PARTS, onDone);
    this.#outbound.set(key, t);
    this.#order.push(t);
    this.#host.wake(this, 0);
  }

  /** Stops sending transfer `id` (an answer arrived, the query timed out); onDone gets `reason`. */
  cancel(id: Uint8Array, reason?: Error): void {
    const t = this.#outbound.get(hexOf(id));
    if (t) this.#finishOutbound(t, reason);
  }

  #finishOutbound(t: OutboundTransfer, error?: Error): void {
    if (this.#outbound.get(t.key) !== t) return;
    this.#outbound.delete(t.key);
    this.#order = this.#order.filter((x) => x !== t);
    if (!error) {
      this.stats.bytesOut += t.data.length;
      this.stats.transfersOut++;
    }
    t.onDone(error);
  }

  // ---- expected answers ----

  /** Accept transfer `id` of up to `limit` bytes until `deadline` (the answer to one of our queries). */
  expect(id: Uint8Array, limit: number, deadline: number): void {
    this.#expected.set(hexOf(id), { limit, deadline });
    this.#host.wake(this, deadline);
  }

  /**
   * Forget an expected or half-received transfer (its query timed out or was cancelled). Symbols that still come
   * for it are answered with `complete`, so the sender stops instead of sending until its deadline.
   */
  forget(id: Uint8Array, now: number): void {
    const key = hexOf(id);
    const expected = this.#expected.delete(key);
    const t = this.#inbound.get(key);
    if (t) this.#dropInbound(t);
    if ((expected || t) && !this.#completed.has(key)) this.#remember(key, null, now);
  }

  // ---- receiving ----

  /** One wire message from the peer. RldpError('refused') for a part we will not take (the node counts it). */
  receive(m: RldpWireMessage, now: number): void {
    this.lastActivity = now;
    if (m.kind === 'part') this.#receivePart(m, now);
    else if (m.kind === 'confirm') this.#receiveConfirm(m, now);
    else {
      const t = this.#outbound.get(this.#keyOf(m.transferId));
      if (!t || t.version !== m.version) return;
      if (t.completePart(m.part)) this.#finishOutbound(t);
      this.#host.wake(this, this.#pump(now));
    }
  }

  #receivePart(m: RldpPartMessage, now: number): void {
    const key = this.#keyOf(m.transferId);
    let t = this.#inbound.get(key);
    if (!t) {
      const done = this.#completed.get(key);
      if (done) {
        // The sender missed our complete: repeat it (rate-limited; C++ answers every such symbol).
        if ((done.version ?? m.version) === m.version && now - done.lastCompleteAt >= COMPLETE_REPEAT_MS) {
          done.lastCompleteAt = now;
          this.#host.send(this.peer, encodeComplete(m.version, m.transferId, m.part));
        }
        return;
      }
      t = this.#admit(key, m, now);
    }
    if (t.version !== m.version) throw new RldpError('refused', 'RLDP version changed within a transfer');
    this.stats.symbolsIn++;
    const result = t.receive(m);
    if (result === 'accepted') {
      const part = t.parts.get(m.part)!;
      part.ackResends = 0;
      if (part.ackDueAt === 0) {
        part.ackDueAt = now + ACK_DELAY_MS;
        this.#acks.push({ transfer: t, part });
        this.#host.wake(this, part.ackDueAt);
      } else if (part.ackDueAt > now + ACK_DELAY_MS) {
        // A new symbol during ack backoff: acknowledge soon again (C++ RldpReceiver::on_received).
        part.ackDueAt = now + ACK_DELAY_MS;
        this.#host.wake(this, part.ackDueAt);
      }
    } else if (result === 'part-done') {
      t.completeSentAt[m.part] = now;
      this.#host.send(this.peer, encodeComplete(t.version, t.id, m.part));
      if (t.done) this.#finishInbound(t, now);
    } else if (result === 'part-already-done') {
      if (now - t.completeSentAt[m.part] >= COMPLETE_REPEAT_MS) {
        t.completeSentAt[m.part] = now;
        this.#host.send(this.peer, encodeComplete(t.version, t.id, m.part));
      }
    }
  }

  /** Size limits are checked here, before anything is allocated for the transfer (DIGEST §7.1). */
  #admit(key: string, m: RldpPartMessage, now: number): InboundTransfer {
    const limits = this.#host.limits;
    const expected = this.#expected.get(key);
    const limit = Math.min(expected ? expected.limit : limits.maxIncomingTransfer, limits.maxTransferSize);
    if (!(m.totalSize >= 1 && m.totalSize <= limit)) {
      throw new RldpError('refused', `transfer of ${m.totalSize} bytes is above the limit of ${limit}`);
    }
    validatePart(m, m.totalSize);
    if (!expected) {
      if (this.#unsolicited >= limits.maxInboundPerPeer || !this.#host.admitUnsolicited()) {
        throw new RldpError('refused', 'too many incoming transfers');
      }
      this.#unsolicited++;
    }
    const deadline = expected ? expected.deadline : now + limits.inboundTimeoutMs;
    const t = new InboundTransfer(
      m.transferId,
      key,
      m.version,
      m.totalSize,
      expected !== undefined,
      deadline,
      limits.maxInboundPartsPerTransfer,
      this.#host.budget,
    );
    this.#inbound.set(key, t);
    if (!this.pinned) this.version = m.version;
    this.#host.wake(this, deadline);
    return t;
  }

  #finishInbound(t: InboundTransfer, now: number): void {
    this.#dropInbound(t);
    this.#expected.delete(t.key);
    this.#remember(t.key, t.version, now);
    this.stats.bytesIn += t.totalSize;
    this.stats.transfersIn++;
    const payload = t.buffer!;
    t.buffer = null;
    this.#host.deliver(this, t, payload);
  }

  #dropInbound(t: InboundTransfer): void {
    if (this.#inbound.get(t.key) !== t) return;
    this.#inbound.delete(t.key);
    t.dispose();
    if (!t.solicited) {
      this.#unsolicited--;
      this.#host.releaseUnsolicited();
    }
  }

  #remember(key: string, version: RldpVersion | null, now: number): void {
    const limits = this.#host.limits;
    this.#completed.set(key, { version, at: now, lastCompleteAt: version === null ? -Infinity : now });
    if (this.#completed.size > limits.maxCompletedRemembered) {
      const oldest = this.#completed.keys().next().value as string;
      this.#completed.delete(oldest);
    }
  }

  #receiveConfirm(m: RldpConfirmMessage, now: number): void {
    const t = this.#outbound.get(this.#keyOf(m.transferId));
    if (!t || t.version !== m.version) return;
    const part = t.part(m.part);
    if (!part) return;
    // v2 max_seqno is the highest seqno + 1; v1 confirms the highest seqno itself (DIGEST §7.2–7.3).
    const v2 = m.version === 2;
    const ack = part.onAck(v2 ? m.seqno : m.seqno + 1, v2 ? m.receivedCount : 0);
    if (ack.sentAt >= 0) this.pacing.onRttSample(now - ack.sentAt, now);
    // v1 says nothing about what arrived, only how far: progress stands in for deliveries.
    this.pacing.onDelivered(v2 ? ack.delivered : ack.resolved, now, this.#appLimited);
    if (v2) this.pacing.onResolved(ack.resolved, ack.lost);
    this.#host.wake(this, this.#pump(now));
  }

  // ---- timers ----

  /** Acks due, deadlines, and sending; returns when to be called again (Infinity: nothing pending). */
  service(now: number): number {
    let wake = Infinity;
    for (const t of [...this.#outbound.values()]) {
      if (t.deadline <= now)
        this.#finishOutbound(t, new RldpError('timeout', 'RLDP transfer deadline passed'));
      else wake = Math.min(wake, t.deadline);
    }
    for (const t of [...this.#inbound.values()]) {
      if (t.deadline <= now) this.#dropInbound(t);
      else wake = Math.min(wake, t.deadline);
    }
    for (const [key, e] of this.#expected) {
      if (e.deadline <= now) this.#expected.delete(key);
      else wake = Math.min(wake, e.deadline);
    }
    wake = Math.min(wake, this.#flushAcks(now));
    wake = Math.min(wake, this.#pump(now));
    this.#pruneCompleted(now);
    return wake;
  }

  #flushAcks(now: number): number {
    let wake = Infinity;
    const acks = this.#acks;
    let kept = 0;
    for (let i = 0; i < acks.length; i++) {
      const a = acks[i];
      const { transfer: t, part } = a;
      if (this.#inbound.get(t.key) !== t || t.parts.get(part.index) !== part || part.ackDueAt === 0) {
        part.ackDueAt = 0;
        continue;
      }
      if (part.ackDueAt <= now) {
        if (t.version === 2) {
          this.#host.send(
            this.peer,
            encodeConfirm(2, t.id, part.index, part.maxSeqno, part.receivedMask, part.receivedCount),
          );
        } else {
          this.#host.send(this.peer, encodeConfirm(1, t.id, part.index, part.maxSeqno - 1));
        }
        part.ackResends++;
        if (t.version === 2 && part.ackResends <= ACK_RESENDS) {
          part.ackDueAt = now + ACK_DELAY_MS * 2 ** part.ackResends;
        } else {
          part.ackDueAt = 0;
          continue;
        }
      }
      wake = Math.min(wake, part.ackDueAt);
      acks[kept++] = a;
    }
    acks.length = kept;
    return wake;
  }

  #pruneCompleted(now: number): void {
    const retention = this.#host.limits.completedRetentionMs;
    for (const [key, c] of this.#completed) {
      if (now - c.at < retention) break;
      this.#completed.delete(key);
    }
  }

  /**
   * Sends what pacing and the window allow, round-robin over transfers; returns when to try again.
   * Symbols of one call share one buffer (no per-symbol allocation); ADNL packs and encrypts them on its flush.
   */
  #pump(now: number): number {
    if (this.#order.length === 0) {
      this.#appLimited = true;
      return Infinity;
    }
    const pacing = this.pacing;
    const lossDelay = pacing.lossDelay();
    const lossRate = pacing.lossRate;
    let inFlight = 0;
    let nextExpiry = Infinity;
    for (const t of this.#order) {
      for (const p of t.active) {
        inFlight += p.inFlight(now, lossDelay);
        nextExpiry = Math.min(nextExpiry, p.nextExpiry(lossDelay));
      }
    }
    pacing.onInFlight(inFlight, now);
    const tokens = pacing.available(now);
    let allowance = Math.min(tokens, pacing.cwnd() - inFlight);
    if (allowance <= 0) {
      this.#appLimited = false;
      return Math.min(nextExpiry, tokens < 1 ? now + pacing.waitForToken() : Infinity);
    }
    const start = allowance;
    let slab: Uint8Array | null = null;
    let used = 0;
    const order = this.#order;
    let idle = 0;
    // Visit transfers round-robin until the allowance is spent or a full lap sends nothing.
    while (allowance > 0 && idle < order.length) {
      const t = order[this.#rr % order.length];
      this.#rr = (this.#rr + 1) % order.length;
      let quantum = Math.min(QUANTUM, allowance);
      let sentHere = 0;
      while (quantum > 0) {
        const part = this.#partWanting(t, now, lossDelay, lossRate);
        if (!part) break;
        const n = Math.min(quantum, part.want);
        if (slab === null || used + n > slab.length / PART_MESSAGE_SIZE) {
          this.#flushSlab(slab, used);
          slab = new Uint8Array(Math.max(n, Math.min(allowance, 256)) * PART_MESSAGE_SIZE);
          used = 0;
        }
        for (let i = 0; i < n; i++) {
          if (part.part.writeNext(slab, used * PART_MESSAGE_SIZE, now)) this.stats.retransmits++;
          used++;
        }
        t.symbolsSent += n;
        quantum -= n;
        allowance -= n;
        sentHere += n;
      }
      idle = sentHere > 0 ? 0 : idle + 1;
    }
    this.#flushSlab(slab, used);
    const sent = start - allowance;
    pacing.spend(sent);
    this.stats.symbolsOut += sent;
    // Spent everything: the pacer or window limits us; otherwise we ran out of symbols to send.
    this.#appLimited = allowance > 0;
    for (const t of this.#order)
      for (const p of t.active) nextExpiry = Math.min(nextExpiry, p.nextExpiry(lossDelay));
    if (allowance > 0) return nextExpiry;
    return Math.min(nextExpiry, now + Math.max(pacing.waitForToken(), 0.25));
  }

  /** The first active part of `t` that wants symbols (opening the next part if all are satisfied). */
  #partWanting(
    t: OutboundTransfer,
    now: number,
    lossDelay: number,
    lossRate: number,
  ): { part: OutboundPart; want: number } | null {
    for (const p of t.active) {
      const want = t.version === 2 ? p.wanted(p.inFlight(now, lossDelay), lossRate) : Infinity;
      if (want > 0) return { part: p, want };
    }
    const opened = t.openNext();
    if (!opened) return null;
    return { part: opened, want: t.version === 2 ? opened.wanted(0, lossRate) : Infinity };
  }

  #flushSlab(slab: Uint8Array | null, used: number): void {
    if (!slab) return;
    for (let i = 0; i < used; i++) {
      this.#host.send(this.peer, slab.subarray(i * PART_MESSAGE_SIZE, (i + 1) * PART_MESSAGE_SIZE));
    }
  }

  /** Fails everything in progress (node closing). */
  close(error: Error): void {
    for (const t of [...this.#outbound.values()]) this.#finishOutbound(t, error);
    for (const t of [...this.#inbound.values()]) this.#dropInbound(t);
    this.#expected.clear();
    this.#acks.length = 0;
  }
}
