/**
 * RldpNode: RLDP v1 and v2 over one ADNL node's custom messages, both directions (DIGEST §7). It registers for the
 * rldp.* / rldp2.* part, confirm and complete constructors of the versions it speaks on the node's custom-message
 * router (AdnlNode.customRoutes, adnl/router.ts); the others stay with whoever handles them (or nobody: dropped). A
 * transport without a router (in-memory test pipes) has its onCustom slot taken over instead, and every custom
 * message that is not ours passed to the handler that was there before.
 *
 * Queries (DIGEST §7.1): rldp.query with a random query id, max_answer_size and an absolute unix-time timeout goes
 * out as a transfer with a random id; the answer is expected on that id with every bit inverted, and only up to
 * max_answer_size (its size is checked from the first symbol, before anything is allocated). Incoming queries
 * reach the handler registered for them on `queryRoutes` (by TL id or overlay id), else onQuery; the answer goes
 * back on the inverted id, in the RLDP version the query arrived in, refused if it exceeds the asker's
 * max_answer_size, with a deadline of the query's timeout capped at 60 s (C++ RldpIn).
 *
 * Part sizes (DIGEST §7.4): transfers we send are cut into `partSize`-byte parts (2,000,000 unless set); incoming
 * ones are taken in whatever part size their sender declares within our limits (part-layout.ts), or only in
 * C++ rldp2's with `strictInboundParts`.
 *
 * One scheduler (scheduler.ts, a single timer) drives every peer connection: acknowledgement delays, the pacer, loss
 * timers and deadlines. Nothing from the wire can throw out of the ADNL callback: malformed or refused input is counted.
 */
import { MessageRouter, type AdnlPeer, type Registrar } from '../adnl/index.ts';
import { randomBytes } from '../crypto/index.ts';
import { bytesEqual, hexOf, invertId } from './bytes.ts';
import {
  ID_COMPLETE_V1,
  ID_COMPLETE_V2,
  ID_CONFIRM_V1,
  ID_CONFIRM_V2,
  ID_PART_V1,
  ID_PART_V2,
  decodeRldpWire,
  isRldpWireId,
  peekId,
  wireVersion,
} from './codec.ts';
import { RldpConnection, type ConnectionHost, type RldpPeerStats } from './connection.ts';
import { RldpError } from './errors.ts';
import type { InboundTransfer } from './inbound.ts';
import {
  DEFAULT_RLDP_LIMITS,
  RLDP_MAX_PART_SIZE,
  RLDP_PART_SIZE,
  type RldpLimits,
  type RldpVersion,
} from './limits.ts';
import { UnsolicitedSlots } from './fair-share.ts';
import { Scheduler } from './scheduler.ts';
import { TonutilsCadence } from './tonutils-cadence.ts';
import {
  answerOverhead,
  decodeRldpPayload,
  encodeRldpAnswer,
  encodeRldpMessage,
  encodeRldpQuery,
  type RldpPayload,
} from './message.ts';

type CustomHandler = (peer: AdnlPeer, data: Uint8Array) => void;

/** The part of AdnlNode RLDP uses (AdnlNode satisfies it; tests plug in an in-memory pipe). */
export interface RldpAdnlTransport {
  /** The custom-message router RLDP registers on (AdnlNode.customRoutes); without one, onCustom is taken over. */
  readonly customRoutes?: Registrar<CustomHandler>;
  onCustom: CustomHandler | null;
  sendCustom(peer: AdnlPeer, data: Uint8Array): void;
}

/** The wire constructors of each RLDP version (codec.ts). */
const WIRE_IDS: Record<RldpVersion, number[]> = {
  1: [ID_PART_V1, ID_CONFIRM_V1, ID_COMPLETE_V1],
  2: [ID_PART_V2, ID_CONFIRM_V2, ID_COMPLETE_V2],
};

export interface RldpQueryOptions {
  /** Largest answer (its data) we accept; the peer learns it and our receiver enforces it. */
  maxAnswerSize: number;
  /** The query fails with RldpError('timeout') if no answer arrived within this many ms. */
  timeoutMs: number;
  /** RLDP version for this query (default: the peer's, see setPeerVersion). */
  version?: RldpVersion;
}

export interface RldpQueryContext {
  /** The asker's max_answer_size: a larger answer is not sent. */
  maxAnswerSize: number;
  /** Wall-clock ms (Date.now scale) after which the asker no longer waits (its timeout, capped at now + 60 s). */
  deadline: number;
  /** The version the query arrived in (and the answer will use). */
  version: RldpVersion;
}

export type RldpQueryHandler = (
  peer: AdnlPeer,
  data: Uint8Array,
  ctx: RldpQueryContext,
) => Promise<Uint8Array>;

export interface RldpNodeOptions {
  /** Largest unsolicited incoming transfer (queries, messages); default 64 KiB. Shortcut for limits. */
  maxIncomingTransfer?: number;
  limits?: Partial<RldpLimits>;
  /** Version for peers never set or heard from (default 2: current C++ nodes speak only RLDP2). */
  defaultVersion?: RldpVersion;
  /**
   * Versions we speak (default both). A node limited to [1] behaves like an old rldp-http-proxy: RLDP2 messages
   * are ignored as unknown custom messages; [2] is a current C++ node.
   */
  versions?: RldpVersion[];
  /** Monotonic ms for pacing and timers (default performance.now). */
  now?: () => number;
  /** Wall clock ms for the absolute query timeouts on the wire (default Date.now). */
  clock?: () => number;
  /** Random bytes for query and transfer ids (default: the platform CSPRNG). */
  random?: (n: number) => Uint8Array;
  /** Peers whose state is kept while idle (learned version, RTT); least recently used ones are forgotten. */
  maxIdlePeers?: number;
  /**
   * Every RLDP message from a peer (part, confirm or complete) sets the version of everything we send it next,
   * answers included, unless the version was set with setPeerVersion: tonutils-go keeps one `useV2` flag per peer
   * that handleMessage flips on each message (adnl/rldp/client.go), and sends answers with it. Default false:
   * an answer goes in the version its query arrived in, as C++ does.
   */
  followPeerVersion?: boolean;
  /**
   * How our transfers are sent: 'paced' (default: C++ rldp2-like pacing, congestion.ts) or 'tonutils' (a
   * tonutils-go v1.x sender's fast burst and confirm-clocked recovery symbols, tonutils-cadence.ts; devnet peers).
   */
  sendCadence?: 'paced' | 'tonutils';
  /**
   * When we confirm received symbols: 'cpp' (default: 1 ms after new symbols, v2 confirms repeated with backoff, C++
   * rldp2 RldpReceiver) or 'tonutils' (every 10 symbols or 20 ms, each once; ack-queue.ts; devnet peers).
   */
  ackCadence?: 'cpp' | 'tonutils';
  /**
   * Receive like a C++ rldp2 node (RldpConnection::receive_raw_obj): a part's data_size must be exactly
   * min(2,000,000, remaining) and symbol_size 768; parts of other sizes (tonutils-go v1.x's 1 MiB) are refused.
   * Applies to RLDP v1 transfers too (C++'s v1 receiver, RldpTransferReceiverImpl::receive_part, was laxer: any
   * size fitting total_size, in order). Default false: any part size the sender declares, up to
   * RLDP_MAX_PART_SIZE and consistent within the transfer (part-layout.ts).
   */
  strictInboundParts?: boolean;
  /**
   * Bytes per part of the transfers we send (default RLDP_PART_SIZE = 2,000,000, the only size C++ rldp2 receivers
   * take; a tonutils-go v1.x-like peer sends 1 << 20). 1..RLDP_MAX_PART_SIZE.
   */
  partSize?: number;
}

export interface RldpNodeStats {
  /** Incoming wire messages that were malformed / refused (limits, fec parameters) / not for a known transfer. */
  malformed: number;
  refused: number;
  queriesServed: number;
  /** Answers we did not send: too large for the asker, handler failed, or deadline passed. */
  answersDropped: number;
  queriesDropped: number;
  /** Inbound payloads that were not a valid rldp.Message or came unasked. */
  badPayloads: number;
}

interface PendingRldpQuery {
  connection: RldpConnection;
  queryId: Uint8Array;
  transferId: Uint8Array;
  answerId: Uint8Array;
  maxAnswerSize: number;
  timer: ReturnType<typeof setTimeout>;
  resolve: (data: Uint8Array) => void;
  reject: (error: Error) => void;
}

const perf = (globalThis as { performance?: { now(): number } }).performance;

/** Longest query timeout (what setTimeout can wait). */
const MAX_TIMEOUT_MS = 0x7fffffff;

export class RldpNode {
  /** Incoming queries by TL id / overlay id (adnl/router.ts): http.request, storage overlays, … */
  readonly queryRoutes = new MessageRouter<RldpQueryHandler>();
  /** Fallback for queries no handler in `queryRoutes` claims (none: the query is dropped unanswered). */
  onQuery: RldpQueryHandler | null = null;
  /** One-way rldp.message payloads. */
  onMessage: ((peer: AdnlPeer, data: Uint8Array) => void) | null = null;
  readonly counters: RldpNodeStats = {
    malformed: 0,
    refused: 0,
    queriesServed: 0,
    answersDropped: 0,
    queriesDropped: 0,
    badPayloads: 0,
  };
  readonly limits: RldpLimits;
  readonly #transport: RldpAdnlTransport;
  /** Takes our registrations off the transport's router, or hands its onCustom slot back. */
  readonly #detach: () => void;
  /** The handler that was in the transport's onCustom slot (transports without a router only). */
  readonly #previousOnCustom: CustomHandler | null;
  readonly #now: () => number;
  readonly #clock: () => number;
  readonly #random: (n: number) => Uint8Array;
  readonly #defaultVersion: RldpVersion;
  readonly #versions: Set<RldpVersion>;
  readonly #maxIdlePeers: number;
  readonly #followPeerVersion: boolean;
  /** Peer connections, least recently used first. */
  readonly #connections = new Map<string, RldpConnection>();
  /** The connection #connection() returned last (the most recently used one). */
  #lastConnection: RldpConnection | null = null;
  readonly #pending = new Map<string, PendingRldpQuery>();
  #serving = 0;
  #inboundBytes = 0;
  #decodersCreated = 0;
  #closed = false;
  readonly #scheduler: Scheduler<RldpConnection>;
  /** Node-wide slots of unsolicited inbound transfers, shared fairly between peers (fair-share.ts). */
  readonly #slots: UnsolicitedSlots;
  readonly #host: ConnectionHost;

  constructor(transport: RldpAdnlTransport, options: RldpNodeOptions = {}) {
    const limits = { ...DEFAULT_RLDP_LIMITS, ...options.limits };
    if (options.maxIncomingTransfer !== undefined) limits.maxIncomingTransfer = options.maxIncomingTransfer;
    for (const [name, value] of Object.entries(limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`RLDP limit ${name} must be > 0`);
    }
    this.limits = limits;
    this.#slots = new UnsolicitedSlots(limits.maxInboundTotal);
    this.#transport = transport;
    this.#now = options.now ?? (perf ? () => perf.now() : Date.now);
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? randomBytes;
    const versions = options.versions ?? [1, 2];
    if (versions.length === 0 || versions.some((v) => v !== 1 && v !== 2)) {
      throw new RangeError('RLDP versions must be a non-empty list of 1 and/or 2');
    }
    this.#versions = new Set(versions);
    this.#defaultVersion = options.defaultVersion ?? (this.#versions.has(2) ? 2 : 1);
    if (!this.#versions.has(this.#defaultVersion))
      throw new RangeError('defaultVersion is not among versions');
    this.#maxIdlePeers = options.maxIdlePeers ?? 4096;
    this.#followPeerVersion = options.followPeerVersion ?? false;
    const partSize = options.partSize ?? RLDP_PART_SIZE;
    if (!Number.isSafeInteger(partSize) || partSize < 1 || partSize > RLDP_MAX_PART_SIZE) {
      throw new RangeError(`RLDP partSize must be within 1..${RLDP_MAX_PART_SIZE}`);
    }
    this.#host = {
      limits,
      partRules: { strict: options.strictInboundParts ?? false, maxParts: limits.maxPartsPerTransfer },
      partSize,
      ...(options.sendCadence === 'tonutils' && { makeCadence: () => new TonutilsCadence() }),
      ...(options.ackCadence && { ackCadence: options.ackCadence }),
      budget: {
        reserve: (bytes) => {
          if (this.#inboundBytes + bytes > limits.maxInboundBytes) return false;
          this.#inboundBytes += bytes;
          this.#decodersCreated++; // the caller creates the part's decoder now (inbound.ts)
          return true;
        },
        release: (bytes) => {
          this.#inboundBytes -= bytes;
        },
      },
      send: (peer, data) => this.#sendRaw(peer, data),
      admitUnsolicited: (connection, oneSymbol) => this.#slots.admit(connection, oneSymbol),
      releaseUnsolicited: (connection) => this.#slots.release(connection),
      deliver: (connection, transfer, payload) => this.#deliver(connection, transfer, payload),
      wake: (connection, at) => this.#scheduler.wake(connection, at),
    };
    this.#scheduler = new Scheduler<RldpConnection>(this.#now, () => this.counters.refused++);
    const own: CustomHandler = (peer, data) => this.#onCustom(peer, data);
    if (transport.customRoutes) {
      this.#previousOnCustom = null;
      const ids = [...this.#versions].flatMap((v) => WIRE_IDS[v]).map((tlId) => ({ tlId }));
      this.#detach = transport.customRoutes.register(ids, own);
    } else {
      this.#previousOnCustom = transport.onCustom;
      transport.onCustom = own;
      this.#detach = () => {
        if (transport.onCustom === own) transport.onCustom = this.#previousOnCustom;
      };
    }
  }

  // ---- versions and statistics ----

  /** Use `version` for this peer from now on (chosen from http.proxy.getCapabilities); incoming traffic no longer changes it. */
  setPeerVersion(peerId: Uint8Array, version: RldpVersion): void {
    if (!this.#versions.has(version)) throw new RangeError(`RLDP version ${version} is not spoken here`);
    const c = this.#connections.get(hexOf(peerId));
    if (c) {
      c.version = version;
      c.pinned = true;
    } else {
      this.#pinned.set(hexOf(peerId), version);
    }
  }

  /** Versions set for peers we have no connection with yet. */
  readonly #pinned = new Map<string, RldpVersion>();

  /** The version our next transfer to this peer uses: as set, else as last heard from it, else the default. */
  peerVersion(peerId: Uint8Array): RldpVersion {
    const key = hexOf(peerId);
    return this.#connections.get(key)?.version ?? this.#pinned.get(key) ?? this.#defaultVersion;
  }

  /** Per-peer figures, or the sum over all peers (version: the default) without peerId. */
  stats(peerId?: Uint8Array): RldpPeerStats {
    if (peerId) {
      const c = this.#connections.get(hexOf(peerId));
      if (c) return c.snapshot();
    }
    const sum: RldpPeerStats = {
      bytesIn: 0,
      bytesOut: 0,
      retransmits: 0,
      version: peerId ? this.peerVersion(peerId) : this.#defaultVersion,
      symbolsIn: 0,
      symbolsOut: 0,
      transfersIn: 0,
      transfersOut: 0,
      refused: 0,
      rttMs: 0,
      bandwidth: 0,
      lossRate: 0,
    };
    if (peerId) return sum;
    for (const c of this.#connections.values()) {
      const s = c.stats;
      sum.bytesIn += s.bytesIn;
      sum.bytesOut += s.bytesOut;
      sum.retransmits += s.retransmits;
      sum.symbolsIn += s.symbolsIn;
      sum.symbolsOut += s.symbolsOut;
      sum.transfersIn += s.transfersIn;
      sum.transfersOut += s.transfersOut;
      sum.refused += s.refused;
    }
    return sum;
  }

  /** What the node holds right now (memory bounds, for tests and diagnostics). */
  usage(): {
    decoderBytes: number;
    unsolicitedTransfers: number;
    /** Unsolicited transfers dropped to give their slot to a peer holding fewer (fair-share.ts). */
    evictedTransfers: number;
    /** One-symbol unsolicited transfers taken beyond maxInboundTotal for their symbol only (fair-share.ts). */
    transientTransfers: number;
    /** Part decoders created since the node started (what hostile declarations could make us spend CPU on). */
    decodersCreated: number;
    pendingQueries: number;
    servingQueries: number;
  } {
    return {
      decoderBytes: this.#inboundBytes,
      decodersCreated: this.#decodersCreated,
      unsolicitedTransfers: this.#slots.used,
      evictedTransfers: this.#slots.evictions,
      transientTransfers: this.#slots.transients,
      pendingQueries: this.#pending.size,
      servingQueries: this.#serving,
    };
  }

  // ---- queries ----

  /**
   * Sends `data` (a boxed TL query) as rldp.query and resolves with the answer's data. RldpError kinds: 'timeout',
   * 'closed', 'overloaded' (too many pending), 'too-large' (maxAnswerSize above our maxTransferSize limit),
   * 'malformed' (the peer answered with something that is not our answer).
   */
  query(peer: AdnlPeer, data: Uint8Array, options: RldpQueryOptions): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new RldpError('closed', 'RLDP node closed'));
    const { maxAnswerSize, timeoutMs } = options;
    if (!Number.isSafeInteger(maxAnswerSize) || maxAnswerSize < 0) {
      return Promise.reject(new RangeError('maxAnswerSize must be a non-negative integer'));
    }
    if (!(timeoutMs > 0 && timeoutMs <= MAX_TIMEOUT_MS)) {
      return Promise.reject(new RangeError(`timeoutMs must be within 1..${MAX_TIMEOUT_MS}`));
    }
    const limit = maxAnswerSize + answerOverhead(maxAnswerSize);
    if (limit > this.limits.maxTransferSize) {
      return Promise.reject(
        new RldpError(
          'too-large',
          `maxAnswerSize ${maxAnswerSize} is above the limit ${this.limits.maxTransferSize}`,
        ),
      );
    }
    if (this.#pending.size >= this.limits.maxPendingQueries) {
      return Promise.reject(new RldpError('overloaded', 'too many RLDP queries pending'));
    }
    const connection = this.#connection(peer);
    const version = options.version ?? connection.version;
    if (!this.#versions.has(version))
      return Promise.reject(new RangeError(`RLDP version ${version} is not spoken here`));
    const queryId = this.#random(32);
    const transferId = this.#random(32);
    const answerId = invertId(transferId);
    const now = this.#now();
    const deadline = now + timeoutMs;
    // Absolute unix time; C++ sends (deadline as unix seconds) + 1.
    const timeout = Math.floor((this.#clock() + timeoutMs) / 1000) + 1;
    const payload = encodeRldpQuery(queryId, maxAnswerSize, timeout, data);
    const key = hexOf(answerId);
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: PendingRldpQuery = {
        connection,
        queryId,
        transferId,
        answerId,
        maxAnswerSize,
        timer: setTimeout(() => {
          this.#settle(key, new RldpError('timeout', `RLDP query timed out after ${timeoutMs} ms`));
        }, timeoutMs),
        resolve,
        reject,
      };
      this.#pending.set(key, pending);
      connection.expect(answerId, limit, deadline);
      connection.send(transferId, payload, version, deadline, () => {});
    });
  }

  /** Sends a one-way rldp.message (delivered to the peer's onMessage). */
  sendMessage(
    peer: AdnlPeer,
    data: Uint8Array,
    options: { timeoutMs?: number; version?: RldpVersion } = {},
  ): void {
    if (this.#closed) throw new RldpError('closed', 'RLDP node closed');
    const connection = this.#connection(peer);
    const version = options.version ?? connection.version;
    if (!this.#versions.has(version)) throw new RangeError(`RLDP version ${version} is not spoken here`);
    const payload = encodeRldpMessage(this.#random(32), data);
    const deadline = this.#now() + (options.timeoutMs ?? 10_000);
    connection.send(this.#random(32), payload, version, deadline, () => {});
  }

  /** Stops everything: pending queries fail with RldpError('closed'); the ADNL registrations are removed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const error = new RldpError('closed', 'RLDP node closed');
    for (const key of [...this.#pending.keys()]) this.#settle(key, error);
    for (const c of this.#connections.values()) c.close(error);
    this.#connections.clear();
    this.#scheduler.stop();
    this.#detach();
  }

  #settle(key: string, result: Error | Uint8Array): void {
    const q = this.#pending.get(key);
    if (!q) return;
    this.#pending.delete(key);
    clearTimeout(q.timer);
    q.connection.cancel(q.transferId);
    q.connection.forget(q.answerId, this.#now());
    if (result instanceof Uint8Array) q.resolve(result);
    else q.reject(result);
  }

  // ---- connections and scheduling ----

  #connection(peer: AdnlPeer): RldpConnection {
    // Every symbol of a transfer asks for the same peer: the most recent connection needs no lookup or reorder.
    const last = this.#lastConnection;
    if (last !== null && last.peer === peer && this.#connections.get(last.key) === last) return last;
    const key = hexOf(peer.id);
    let c = this.#connections.get(key);
    if (c) {
      this.#lastConnection = c;
      c.peer = peer;
      this.#connections.delete(key);
      this.#connections.set(key, c);
      return c;
    }
    c = new RldpConnection(this.#host, peer, key, this.#pinned.get(key) ?? this.#defaultVersion);
    if (this.#pinned.has(key)) {
      c.pinned = true;
      this.#pinned.delete(key);
    }
    this.#connections.set(key, c);
    this.#lastConnection = c;
    if (this.#connections.size > this.#maxIdlePeers) {
      for (const [k, old] of this.#connections) {
        if (this.#connections.size <= this.#maxIdlePeers) break;
        if (!old.busy && old !== c) {
          this.#connections.delete(k);
          this.#scheduler.forget(old);
        }
      }
    }
    return c;
  }

  // ---- wire ----

  #sendRaw(peer: AdnlPeer, data: Uint8Array): void {
    try {
      this.#transport.sendCustom(peer, data);
    } catch {
      // Only an oversize message gets here, which our encoders never make; ADNL drops like the network would.
    }
  }

  #onCustom(peer: AdnlPeer, data: Uint8Array): void {
    if (this.#closed) return;
    const id = peekId(data);
    if (!isRldpWireId(id) || !this.#versions.has(wireVersion(id))) {
      this.#previousOnCustom?.(peer, data);
      return;
    }
    let connection: RldpConnection | undefined;
    try {
      const m = decodeRldpWire(data);
      if (m === null) return;
      connection = this.#connection(peer);
      if (this.#followPeerVersion && !connection.pinned) connection.version = m.version;
      connection.receive(m, this.#now());
    } catch (error) {
      if (error instanceof RldpError) {
        if (error.kind === 'malformed') this.counters.malformed++;
        else this.counters.refused++;
        if (connection) connection.stats.refused++;
      } else {
        this.counters.refused++;
      }
    }
  }

  #deliver(connection: RldpConnection, transfer: InboundTransfer, bytes: Uint8Array): void {
    let payload: RldpPayload;
    try {
      payload = decodeRldpPayload(bytes);
    } catch {
      this.counters.badPayloads++;
      return;
    }
    const key = transfer.key;
    if (payload.kind === 'answer') {
      const q = this.#pending.get(key);
      if (!q || q.connection !== connection) {
        this.counters.badPayloads++;
        return;
      }
      if (!bytesEqual(payload.queryId, q.queryId)) {
        this.#settle(key, new RldpError('malformed', 'RLDP answer carries another query id'));
        return;
      }
      if (payload.data.length > q.maxAnswerSize) {
        this.#settle(key, new RldpError('too-large', 'RLDP answer is larger than maxAnswerSize'));
        return;
      }
      this.#settle(key, payload.data);
      return;
    }
    if (transfer.solicited) {
      // We expected an answer on this id and got something else.
      const q = this.#pending.get(key);
      if (q)
        this.#settle(
          key,
          new RldpError('malformed', `RLDP peer sent rldp.${payload.kind} instead of an answer`),
        );
      return;
    }
    if (payload.kind === 'message') {
      try {
        this.onMessage?.(connection.peer, payload.data);
      } catch {
        // the handler's problem
      }
      return;
    }
    this.#serve(connection, transfer, payload);
  }

  #serve(
    connection: RldpConnection,
    transfer: InboundTransfer,
    q: Extract<RldpPayload, { kind: 'query' }>,
  ): void {
    const handler = this.queryRoutes.route(q.data) ?? this.onQuery;
    if (!handler || this.#serving >= this.limits.maxServingQueries) {
      this.counters.queriesDropped++;
      return;
    }
    const wallNow = this.#clock();
    const deadline = Math.min(q.timeout * 1000, wallNow + this.limits.maxAnswerTimeoutMs);
    if (deadline <= wallNow) {
      this.counters.queriesDropped++;
      return;
    }
    const maxAnswerSize = Math.max(0, q.maxAnswerSize);
    const version = transfer.version;
    const answerId = invertId(transfer.id);
    const queryId = q.queryId.slice();
    this.#serving++;
    let answer: Promise<Uint8Array>;
    try {
      answer = Promise.resolve(handler(connection.peer, q.data, { maxAnswerSize, deadline, version }));
    } catch (error) {
      answer = Promise.reject(error);
    }
    answer
      .then((data) => {
        if (this.#closed) return;
        if (!(data instanceof Uint8Array) || data.length > maxAnswerSize) {
          this.counters.answersDropped++;
          return;
        }
        const left = deadline - this.#clock();
        if (left <= 0) {
          this.counters.answersDropped++;
          return;
        }
        this.counters.queriesServed++;
        const payload = encodeRldpAnswer(queryId, data);
        // In the version the query arrived in (DIGEST §7.4), or the peer's latest one when following it.
        const answerVersion = this.#followPeerVersion ? connection.version : version;
        connection.send(answerId, payload, answerVersion, this.#now() + left, () => {});
      })
      .catch(() => {
        this.counters.answersDropped++;
      })
      .finally(() => {
        this.#serving--;
      });
  }
}
