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
import { AckQueue } from './ack-queue.ts';
import {
  encodeComplete,
  type RldpConfirmMessage,
  type RldpPartMessage,
  type RldpWireMessage,
} from './codec.ts';
import { PacingController } from './congestion.ts';
import { RldpError } from './errors.ts';
import { InboundTransfer, type InboundBudget } from './inbound.ts';
import { RLDP_SYMBOL_SIZE, type RldpLimits, type RldpVersion } from './limits.ts';
import { OutboundTransfer } from './outbound.ts';
import { checkPartDeclaration, decidePartSize, type PartRules } from './part-layout.ts';
import { SendQueue } from './send-queue.ts';
import type { SendCadence } from './tonutils-cadence.ts';

/** Repeated `complete` for symbols of a finished part at most this often. */
const COMPLETE_REPEAT_MS = 5;
/** Parts of one outbound transfer in flight at once (v2; v1 sends one at a time). */
const MAX_ACTIVE_PARTS = 4;

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
  /** What part sizes incoming transfers may use, and the part size of the transfers we send. */
  readonly partRules: PartRules;
  readonly partSize: number;
  /** Another implementation's send cadence for this connection's transfers (default: our paced sender). */
  makeCadence?: () => SendCadence;
  /** When we confirm received symbols (default: C++ rldp2's, ack-queue.ts). */
  readonly ackCadence?: 'cpp' | 'tonutils';
  send(peer: AdnlPeer, data: Uint8Array): void;
  /**
   * Admission of an unsolicited inbound transfer of `connection` against the node-wide count: 'held' (counted; the
   * node may have evicted another peer's transfer to make room), 'transient' (a one-symbol transfer taken beyond
   * the count for the duration of this one symbol), or false (refused). fair-share.ts.
   */
  admitUnsolicited(connection: RldpConnection, oneSymbol: boolean): 'held' | 'transient' | false;
  releaseUnsolicited(connection: RldpConnection): void;
  /** A whole transfer arrived. */
  deliver(connection: RldpConnection, transfer: InboundTransfer, payload: Uint8Array): void;
  /** Run `service` of this connection no later than `at`. */
  wake(connection: RldpConnection, at: number): void;
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

export class RldpConnection {
  peer: AdnlPeer;
  readonly key: string;
  version: RldpVersion;
  /** Set by setPeerVersion: incoming traffic no longer changes the version. */
  pinned = false;
  readonly pacing = new PacingController();
  readonly #host: ConnectionHost;
  readonly #sending = new SendQueue();
  readonly #cadence: SendCadence | null;
  readonly #outbound = this.#sending.transfers;
  readonly #inbound = new Map<string, InboundTransfer>();
  #unsolicited = 0;
  /** The one-symbol transfer being taken beyond the node's slots (fair-share.ts), during its symbol only. */
  #transient: InboundTransfer | null = null;
  readonly #expected = new Map<string, Expected>();
  readonly #completed = new Map<string, Completed>();
  readonly #acks: AckQueue;
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
    this.#cadence = host.makeCadence?.() ?? null;
    this.#acks = new AckQueue(host.ackCadence);
  }

  /** Unsolicited inbound transfers being received from this peer. */
  get unsolicitedCount(): number {
    return this.#unsolicited;
  }

  /**
   * Drops the oldest unsolicited transfer being received from this peer (the node needs its slot for a peer holding
   * fewer). Symbols that still come for it are taken as a new transfer, admitted or refused like any other.
   */
  evictOldestUnsolicited(): boolean {
    for (const t of this.#inbound.values()) {
      if (t.solicited) continue;
      this.#dropInbound(t);
      return true;
    }
    return false;
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
    this.#sending.add(
      new OutboundTransfer(
        id.slice(),
        key,
        version,
        data,
        deadline,
        MAX_ACTIVE_PARTS,
        onDone,
        this.#host.partSize,
      ),
    );
    this.#host.wake(this, 0);
  }

  /** Stops sending transfer `id` (an answer arrived, the query timed out); onDone gets `reason`. */
  cancel(id: Uint8Array, reason?: Error): void {
    const t = this.#outbound.get(hexOf(id));
    if (t) this.#finishOutbound(t, reason);
  }

  #finishOutbound(t: OutboundTransfer, error?: Error): void {
    if (!this.#sending.remove(t)) return;
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
      const admitted = this.#admit(key, m, now);
      // A first symbol that cannot tell the part size yet is not taken: nothing is created for it.
      if (admitted === null) return;
      t = admitted;
      if (this.#transient === t) {
        // Taken beyond the node's slots for this symbol only: finished by it, or dropped right after it.
        try {
          this.#receiveSymbol(t, m, now);
        } finally {
          this.#transient = null;
          if (this.#inbound.get(t.key) === t) this.#dropInbound(t);
        }
        return;
      }
    }
    this.#receiveSymbol(t, m, now);
  }

  #receiveSymbol(t: InboundTransfer, m: RldpPartMessage, now: number): void {
    if (t.version !== m.version) throw new RldpError('refused', 'RLDP version changed within a transfer');
    this.stats.symbolsIn++;
    const result = t.receive(m);
    if (result === 'accepted') {
      const due = this.#acks.onSymbol(t, t.parts.get(m.part)!, now);
      // Due now (the tonutils cadence confirms on the very symbol): at once, as tonutils-go does.
      if (due !== null && due <= now) this.#flushAcks(now);
      else if (due !== null) this.#host.wake(this, due);
    } else if (result === 'part-done') {
      t.noteCompleteSent(m.part, now);
      this.#host.send(this.peer, encodeComplete(t.version, t.id, m.part));
      if (t.done) this.#finishInbound(t, now);
    } else if (result === 'part-already-done') {
      if (now - t.completeSentAt(m.part) >= COMPLETE_REPEAT_MS) {
        t.noteCompleteSent(m.part, now);
        this.#host.send(this.peer, encodeComplete(t.version, t.id, m.part));
      }
    }
  }

  /**
   * Size limits and the part's declaration are checked here, before anything is allocated for the transfer
   * (DIGEST §7.1, part-layout.ts). Null: the symbol cannot tell the part size yet and is not taken.
   */
  #admit(key: string, m: RldpPartMessage, now: number): InboundTransfer | null {
    const limits = this.#host.limits;
    const expected = this.#expected.get(key);
    const limit = Math.min(expected ? expected.limit : limits.maxIncomingTransfer, limits.maxTransferSize);
    if (!(m.totalSize >= 1 && m.totalSize <= limit)) {
      throw new RldpError('refused', `transfer of ${m.totalSize} bytes is above the limit of ${limit}`);
    }
    const rules = this.#host.partRules;
    checkPartDeclaration(m, m.totalSize, rules);
    if (decidePartSize(m.totalSize, m.part, m.dataSize, rules) === null) return null;
    let transient = false;
    if (!expected) {
      const slot =
        this.#unsolicited < limits.maxInboundPerPeer &&
        this.#host.admitUnsolicited(this, m.totalSize <= RLDP_SYMBOL_SIZE);
      if (!slot) throw new RldpError('refused', 'too many incoming transfers');
      this.#unsolicited++;
      transient = slot === 'transient';
    }
    const deadline = expected ? expected.deadline : now + limits.inboundTimeoutMs;
    const t: InboundTransfer = new InboundTransfer(
      m.transferId,
      key,
      m.version,
      m.totalSize,
      expected !== undefined,
      deadline,
      limits.maxInboundPartsPerTransfer,
      this.#host.budget,
      rules,
    );
    this.#inbound.set(key, t);
    if (transient) this.#transient = t;
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
      this.#host.releaseUnsolicited(this);
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
    this.#cadence?.onConfirm(t, m, now);
    const part = t.part(m.part);
    if (!part) return;
    // v2 max_seqno is the highest seqno + 1; v1 confirms the highest seqno itself (DIGEST §7.2–7.3).
    const v2 = m.version === 2;
    const ack = part.onAck(v2 ? m.seqno : m.seqno + 1, v2 ? m.receivedCount : 0);
    if (ack.sentAt >= 0) this.pacing.onRttSample(now - ack.sentAt, now);
    // v1 says nothing about what arrived, only how far: progress stands in for deliveries.
    this.pacing.onDelivered(v2 ? ack.delivered : ack.resolved, now, this.#sending.appLimited);
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
    return this.#acks.flush(
      now,
      (t, part) => this.#inbound.get(t.key) === t && t.parts.get(part.index) === part,
      (data) => this.#host.send(this.peer, data),
    );
  }

  #pruneCompleted(now: number): void {
    const retention = this.#host.limits.completedRetentionMs;
    for (const [key, c] of this.#completed) {
      if (now - c.at < retention) break;
      this.#completed.delete(key);
    }
  }

  /** Sends what pacing and the window allow (send-queue.ts); returns when to try again. */
  #pump(now: number): number {
    const emit = (data: Uint8Array): void => this.#host.send(this.peer, data);
    const r = this.#cadence
      ? this.#cadence.pump(this.#outbound.values(), now, emit)
      : this.#sending.pump(now, this.pacing, emit);
    this.stats.symbolsOut += r.sent;
    this.stats.retransmits += r.repairs;
    return r.wake;
  }

  /** Fails everything in progress (node closing). */
  close(error: Error): void {
    for (const t of [...this.#outbound.values()]) this.#finishOutbound(t, error);
    for (const t of [...this.#inbound.values()]) this.#dropInbound(t);
    this.#expected.clear();
    this.#acks.clear();
  }
}
