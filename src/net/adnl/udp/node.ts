/**
 * AdnlNode: one local ADNL identity over one DatagramSocket (DIGEST §4). The same code serves both roles — a client
 * that adds peers and queries them, and a server (devnet DHT nodes, RLDP sites) that answers whoever writes to it.
 *
 * Sending: messages for a peer are queued and flushed in a microtask, packed several per datagram while it stays
 * within ADNL_MAX_DATAGRAM (1440); messages above ADNL_MAX_UNSPLIT_MESSAGE are cut into adnl.message.part.
 * Until the channel is ready, packets are "root" packets: signed, with our full key, address list and reinit
 * dates, encrypted to the peer's identity key, and they carry createChannel (or confirmChannel once we know the
 * peer's channel key). Once ready, packets go through the channel (seqno/confirm_seqno and messages only).
 *
 * Receiving follows C++ AdnlPeerPairImpl::receive_packet_checked: reinit-date rules, the 64-seqno duplicate window,
 * confirm_seqno not above what we sent, then delivery of each message. Every malformed or unauthenticated datagram
 * is dropped and counted in `stats.dropped`; nothing from the wire can throw out of the socket callback.
 * A datagram to our own id (a root packet: first contacts) costs an ECDH before anything is authenticated, so it
 * first takes a token from its source's and the node's first-contact budget (first-contact-budget.ts) and is
 * dropped before any crypto beyond them; no peer, channel or map entry exists for a sender until its packet
 * has decrypted and its signature verified.
 *
 * Queries are resent only if the caller allows it (`attempts` > 1; its budget is `attempts` × `timeoutMs`): the
 * same adnl.message.query (same query_id) goes out again whenever the peer's retransmission timeout passes
 * (rtt.ts: RFC 6298 SRTT/RTTVAR per peer, Karn's rule, ×2 backoff; a peer never measured starts from the node's
 * estimate over all peers), and at once when the first packet from a peer arrives while a query sent to it is
 * unanswered — a tonutils-go server drops the queries of a new peer's first packet when it wins the race against
 * the goroutine installing the peer's handlers (tonutils-go v1.14.1 adnl/gateway.go registerClient: the connection
 * handler runs in `go func()`; rldp-transcript.json first_contact_race), while it still answers later packets.
 * The first answer wins; servers may thus see a query twice.
 *
 * Randomness, clock and channel keys are injectable so runs can be replayed byte for byte (random.ts).
 */
import {
  CryptoError,
  adnlId,
  keyPairFromSeed,
  nobleAsymmetric,
  noblePrimitives,
  randomBytes,
  type AsymmetricPrimitives,
  type KeyPair,
  type SymmetricPrimitives,
} from '../../crypto/index.ts';
import { TlError, tlDecode, tlEncode, type TlConstructors } from '../../tl/index.ts';
import { isValidPort, parseIpv4, type DatagramSocket } from '../../transport/index.ts';
import { AdnlError } from '../errors.ts';
import { MessageRouter } from '../router.ts';
import { decodeAddressList, encodeAddressList, type AdnlAddress, type AdnlAddressListTl } from './address.ts';
import { bytesEqual, keyOf } from './bytes.ts';
import {
  CHANNEL_HEADER_BYTES,
  deriveChannelKeys,
  openChannelDatagram,
  sealChannelDatagramInPlace,
} from './channel.ts';
import { openRootDatagram, sealRootDatagram } from './datagram.ts';
import { FirstContactBudget } from './first-contact-budget.ts';
import {
  ADNL_MAX_DATAGRAM,
  ADNL_MAX_HUGE_MESSAGE,
  ADNL_MAX_REINIT_SKEW_S,
  ADNL_MAX_UNSPLIT_MESSAGE,
  DEFAULT_ADNL_UDP_LIMITS,
  type AdnlUdpLimits,
} from './limits.ts';
import {
  decodeChannelPacket,
  decodePacket,
  encodeChannelPacket,
  encodeCustomMessage,
  encodePacket,
  packetMessages,
  packetSenderKey,
  signPacket,
  verifyPacketSignature,
  type AdnlMessage,
  type AdnlPacketContents,
  type AdnlPacketFields,
} from './packet.ts';
import { PartReassembler, splitMessage } from './parts.ts';
import { PeerState, type AdnlPeer } from './peer.ts';
import { packetRandoms, pooledRandom, type RandomSource } from './random.ts';
import { RttEstimator, type RtoBounds, type RttFigures } from './rtt.ts';

/** Serves an incoming ADNL query: its answer, or null for none. */
export type AdnlQueryHandler = (peer: AdnlPeer, query: Uint8Array) => Promise<Uint8Array | null>;
/** Takes an incoming adnl.message.custom. */
export type AdnlCustomHandler = (peer: AdnlPeer, data: Uint8Array) => void;

export interface AdnlNodeOptions {
  socket: DatagramSocket;
  keyPair: KeyPair;
  /** Our UDP addresses, announced in root packets (servers). Clients leave it empty. */
  addresses?: AdnlAddress[];
  /** Wall clock in ms (default Date.now). */
  clock?: () => number;
  /** Random bytes (default: the platform CSPRNG). */
  random?: RandomSource;
  /** Makes our channel key for each new peer (default: from `random`). */
  generateChannelKey?: () => KeyPair;
  /**
   * Encrypt root packets with our identity key instead of a fresh ephemeral key per packet (what tonutils-go does;
   * C++ uses ephemeral keys). Default false.
   */
  encryptWithIdentityKey?: boolean;
  /** Our session start in seconds (default: clock() at construction). */
  reinitDate?: number;
  /** Accept packets from identities never added with addPeer (servers: yes; default true). */
  acceptUnknownPeers?: boolean;
  limits?: Partial<AdnlUdpLimits>;
  /**
   * SHA-256 and AES-CTR for channel datagrams (default: noble). Node hosts pass OpenSSL's
   * (src/node/native-crypto.ts); the bytes on the wire are the same.
   */
  crypto?: SymmetricPrimitives;
  /**
   * X25519 and Ed25519 for root packets, channel keys and signatures (default: noble). Node hosts pass OpenSSL's
   * with imported keys cached (src/node/native-crypto.ts nativeAsymmetric); the bytes on the wire are the same.
   */
  asymmetric?: AsymmetricPrimitives;
  /** Monotonic milliseconds for query round trips (default performance.now). */
  now?: () => number;
  /**
   * Reproduces tonutils-go's first-contact race on the serving side (devnet peers). Consulted once per new peer:
   * on the first packet accepted from a peer we have never heard from and have no channel with. When it returns
   * true, that packet's queries and custom messages are dropped silently while the rest of it (createChannel,
   * address list, ...) is processed — what tonutils-go v1.14.1 does when the packet is handled before the
   * goroutine its adnl/gateway.go registerClient starts has installed the peer's query and custom handlers.
   */
  dropFirstContactQueries?: () => boolean;
}

export interface AdnlQueryOptions {
  /**
   * The caller's budget in sends: the query fails after `attempts` × `timeoutMs` (default 1 = sent once, never
   * resent). With more, it is resent when the peer's retransmission timeout passes (backing off ×2, never waiting
   * longer than `timeoutMs`) and when the peer's first packet arrives while it is unanswered, until that budget
   * is spent.
   */
  attempts?: number;
}

export interface AdnlNodeStats {
  datagramsIn: number;
  datagramsOut: number;
  packetsAccepted: number;
  /** Queries resent because their retransmission timeout passed / because the peer's first packet arrived. */
  queryResends: number;
  firstContactResends: number;
  /**
   * Root datagrams (first contacts) dropped before any crypto because their source or the node was over its
   * first-contact budget (also in `dropped` by which budget).
   */
  firstContactsRefused: number;
  /** Dropped incoming datagrams/packets/messages by reason. */
  dropped: Record<string, number>;
}

interface OutItem {
  message: AdnlMessage;
  size: number;
  /** Its boxed bytes (size = encoded.length), when already encoded; channel packets reuse them. */
  encoded?: Uint8Array;
}

/** A queued message, with its boxed bytes when they were made on the spot (custom messages: RLDP symbols). */
interface OutMessage {
  message: AdnlMessage;
  encoded?: Uint8Array;
}

interface PendingUdpQuery {
  peerKey: string;
  peer: AdnlPeer;
  message: AdnlMessage;
  /** Resends allowed (attempts > 1); none waits longer than `maxWaitMs` (the caller's timeoutMs). */
  retransmit: boolean;
  maxWaitMs: number;
  /** The caller's budget (attempts × timeoutMs) and how much of it the timers have used. */
  budgetMs: number;
  spentMs: number;
  /** The running timer's length and when it was set (now()). */
  waitMs: number;
  armedAt: number;
  /** now() at the first send; `resent` once sent again (its answer then gives no RTT sample). */
  sentAt: number;
  resent: boolean;
  timer: ReturnType<typeof setTimeout>;
  resolve: (answer: Uint8Array) => void;
  reject: (error: Error) => void;
}

type MessageCtor<N extends keyof TlConstructors> = TlConstructors[N];

/** Worst-case bytes around the messages of a channel datagram: ids, digest, TL header/tail, rand1/rand2 at 15. */
const CHANNEL_OVERHEAD = 32 + 32 + 4 + 16 + 4 + 8 + 8 + 16;
/** Same for a root datagram without address list: + ephemeral key, from, versions, reinit dates, signature. */
const ROOT_OVERHEAD = 32 + 32 + 32 + 4 + 16 + 4 + 36 + 8 + 8 + 4 + 4 + 8 + 68 + 16;

export class AdnlNode {
  /** Our ADNL short id. */
  readonly id: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Our session start (seconds), sent as reinit_date. */
  readonly reinitDate: number;
  /** Incoming queries by TL id / overlay id (router.ts); a null answer sends none. */
  readonly queryRoutes = new MessageRouter<AdnlQueryHandler>();
  /** Incoming custom messages by TL id / overlay id (router.ts): RLDP registers its rldp.* and rldp2.* here. */
  readonly customRoutes = new MessageRouter<AdnlCustomHandler>();
  /** Fallback for queries no handler in `queryRoutes` claims (no answer when null or when it answers null). */
  onQuery: AdnlQueryHandler | null = null;
  /** Fallback for custom messages no handler in `customRoutes` claims (dropped when null). */
  onCustom: AdnlCustomHandler | null = null;
  readonly stats: AdnlNodeStats = {
    datagramsIn: 0,
    datagramsOut: 0,
    packetsAccepted: 0,
    queryResends: 0,
    firstContactResends: 0,
    firstContactsRefused: 0,
    dropped: {},
  };

  readonly #socket: DatagramSocket;
  readonly #keyPair: KeyPair;
  readonly #clock: () => number;
  readonly #now: () => number;
  readonly #dropFirstContact: (() => boolean) | null;
  readonly #rto: RtoBounds;
  /** Round trips over all peers: the first-contact estimate for a peer never measured. */
  readonly #allRtt: RttEstimator;
  readonly #random: RandomSource;
  readonly #generateChannelKey: () => KeyPair;
  readonly #identityEncryption: boolean;
  readonly #acceptUnknown: boolean;
  readonly #limits: AdnlUdpLimits;
  readonly #crypto: SymmetricPrimitives;
  readonly #asymmetric: AsymmetricPrimitives;
  /** Unauthenticated first contacts (root datagrams) allowed per source and for the node. */
  readonly #firstContacts: FirstContactBudget;
  readonly #addressList: AdnlAddressListTl;
  readonly #addressListSize: number;
  readonly #idKey: string;
  /** Peers in least-recently-active-first order. */
  readonly #peers = new Map<string, PeerState>();
  readonly #channels = new Map<string, PeerState>();
  /** The last peer in #peers' LRU order (so a packet from it needs no reorder). */
  #mostRecent: PeerState | null = null;
  /** The peer whose channel the last channel datagram came through (bulk transfers: the same one again). */
  #lastChannel: PeerState | null = null;
  readonly #queries = new Map<string, PendingUdpQuery>();
  readonly #outbox = new Map<PeerState, OutMessage[]>();
  readonly #parts: PartReassembler;
  #flushScheduled = false;
  #serving = 0;
  #closed = false;

  constructor(options: AdnlNodeOptions) {
    this.#socket = options.socket;
    this.#keyPair = options.keyPair;
    this.publicKey = options.keyPair.publicKey;
    this.id = adnlId(this.publicKey);
    this.#idKey = keyOf(this.id);
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? pooledRandom(randomBytes);
    const random = this.#random;
    this.#generateChannelKey = options.generateChannelKey ?? (() => keyPairFromSeed(random(32)));
    this.#identityEncryption = options.encryptWithIdentityKey ?? false;
    this.#acceptUnknown = options.acceptUnknownPeers ?? true;
    this.#crypto = options.crypto ?? noblePrimitives;
    this.#asymmetric = options.asymmetric ?? nobleAsymmetric;
    this.#limits = { ...DEFAULT_ADNL_UDP_LIMITS, ...options.limits };
    for (const [name, value] of Object.entries(this.#limits)) {
      if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`ADNL limit ${name} must be > 0`);
    }
    const l = this.#limits;
    if (l.minRtoMs > l.maxRtoMs) throw new RangeError('ADNL limit minRtoMs must be <= maxRtoMs');
    this.#rto = {
      initialRtoMs: l.initialRtoMs,
      minRtoMs: l.minRtoMs,
      maxRtoMs: l.maxRtoMs,
      granularityMs: l.rtoGranularityMs,
    };
    this.#allRtt = new RttEstimator(this.#rto);
    this.#now = options.now ?? (globalThis.performance ? () => globalThis.performance.now() : Date.now);
    this.#dropFirstContact = options.dropFirstContactQueries ?? null;
    this.#firstContacts = new FirstContactBudget({
      sourceRate: l.firstContactSourceRate,
      sourceBurst: l.firstContactSourceBurst,
      globalRate: l.firstContactGlobalRate,
      globalBurst: l.firstContactGlobalBurst,
      maxSources: l.firstContactSources,
      now: this.#now,
    });
    this.reinitDate = options.reinitDate ?? this.#nowSeconds();
    const addresses = (options.addresses ?? []).slice(0, this.#limits.maxAnnouncedAddresses);
    this.#addressList = encodeAddressList(addresses, this.reinitDate, this.reinitDate);
    this.#addressListSize = 4 + 12 * addresses.length + 16;
    this.#parts = new PartReassembler({
      maxReassemblies: this.#limits.maxReassemblies,
      maxPerPeer: this.#limits.maxReassembliesPerPeer,
      timeoutMs: this.#limits.reassemblyTimeoutMs,
      now: this.#clock,
    });
    this.#socket.onMessage = (data, host, port) => this.#onDatagram(data, host, port);
  }

  /** Peers currently known. */
  get peerCount(): number {
    return this.#peers.size;
  }

  /** Registers a peer we want to talk to (idempotent per id; a new address replaces the old). */
  addPeer(publicKey: Uint8Array, address: AdnlAddress): AdnlPeer {
    if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) {
      throw new AdnlError('protocol', 'peer public key must be 32 bytes');
    }
    if (parseIpv4(address?.host) === null || !isValidPort(address?.port)) {
      throw new AdnlError(
        'protocol',
        `peer address must be IPv4:port, got ${String(address?.host)}:${address?.port}`,
      );
    }
    const id = adnlId(publicKey);
    const existing = this.#peers.get(keyOf(id));
    if (existing) {
      existing.address = { host: address.host, port: address.port };
      return existing;
    }
    return this.#createPeer(id, publicKey, address);
  }

  /** The peer with ADNL id `id`, if known. */
  getPeer(id: Uint8Array): AdnlPeer | undefined {
    return this.#peers.get(keyOf(id));
  }

  /** True once datagrams to `peer` go through the channel. */
  isChannelReady(peer: AdnlPeer): boolean {
    return this.#peers.get(keyOf(peer.id))?.channelReady ?? false;
  }

  /** The peer's announced UDP addresses (from its address list; empty if it sent none). */
  announcedAddresses(peer: AdnlPeer): AdnlAddress[] {
    return this.#peers.get(keyOf(peer.id))?.announced.slice() ?? [];
  }

  /** Round-trip figures of our queries to `peer` (null until one was answered without a resend or timed out). */
  rttOf(peer: AdnlPeer): RttFigures | null {
    return this.#peers.get(keyOf(peer.id))?.rtt?.figures() ?? null;
  }

  /** The retransmission timeout a query to `peer` would start with now (ms). */
  retransmitTimeoutOf(peer: AdnlPeer): number {
    const state = this.#peers.get(keyOf(peer.id));
    return state ? this.#rtoOf(state) : this.#firstContactRto();
  }

  /**
   * Sends `query` (boxed TL) and resolves with the answer bytes. AdnlError kinds: 'timeout' (no answer after
   * `attempts` × `timeoutMs`), 'closed', 'overloaded' (too many queries pending), 'protocol' (query too large).
   */
  query(
    peer: AdnlPeer,
    query: Uint8Array,
    timeoutMs: number,
    options: AdnlQueryOptions = {},
  ): Promise<Uint8Array> {
    if (this.#closed) return Promise.reject(new AdnlError('closed', 'ADNL node closed'));
    if (this.#queries.size >= this.#limits.maxPendingQueries) {
      return Promise.reject(new AdnlError('overloaded', 'too many ADNL queries pending'));
    }
    if (query.length > ADNL_MAX_HUGE_MESSAGE - 64) {
      return Promise.reject(new AdnlError('protocol', `query of ${query.length} bytes is too large`));
    }
    const attempts = options.attempts ?? 1;
    if (!Number.isInteger(attempts) || attempts < 1 || !(timeoutMs > 0)) {
      return Promise.reject(new AdnlError('protocol', 'bad query timeout/attempts'));
    }
    const state = this.#stateOf(peer);
    const queryId = this.#random(32);
    const message: MessageCtor<'adnl.message.query'> = {
      _: 'adnl.message.query',
      query_id: queryId,
      query: query.slice(), // sent in a microtask (and maybe resent): the caller may reuse its buffer
    };
    const key = keyOf(queryId);
    const retransmit = attempts > 1;
    const now = this.#now();
    return new Promise<Uint8Array>((resolve, reject) => {
      const pending: PendingUdpQuery = {
        peerKey: state.key,
        peer,
        message,
        retransmit,
        maxWaitMs: timeoutMs,
        budgetMs: timeoutMs * attempts,
        spentMs: 0,
        waitMs: 0,
        armedAt: now,
        sentAt: now,
        resent: false,
        timer: undefined as unknown as ReturnType<typeof setTimeout>,
        resolve,
        reject,
      };
      this.#arm(key, pending, retransmit ? Math.min(timeoutMs, this.#rtoOf(state)) : timeoutMs);
      this.#queries.set(key, pending);
      this.#enqueue(state, message);
    });
  }

  /** Sends adnl.message.custom (one-way; RLDP rides on it). AdnlError('protocol') if larger than 8 KiB + 128. */
  sendCustom(peer: AdnlPeer, data: Uint8Array): void {
    if (this.#closed) return;
    if (data.length > ADNL_MAX_HUGE_MESSAGE - 16) {
      throw new AdnlError('protocol', `custom message of ${data.length} bytes is too large`);
    }
    // Encoded now (a copy: the caller may reuse its buffer) rather than copied now and encoded at the flush.
    const { message, encoded } = encodeCustomMessage(data);
    this.#enqueue(this.#stateOf(peer), message, encoded);
  }

  /** Stops everything: pending queries fail with AdnlError('closed'); the socket is closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const q of this.#queries.values()) {
      clearTimeout(q.timer);
      q.reject(new AdnlError('closed', 'ADNL node closed'));
    }
    this.#queries.clear();
    this.#outbox.clear();
    this.#parts.clear();
    this.#channels.clear();
    this.#peers.clear();
    this.#socket.onMessage = null;
    this.#socket.close();
  }

  // ---- peers ----

  #nowSeconds(): number {
    return Math.floor(this.#clock() / 1000);
  }

  #createPeer(id: Uint8Array, publicKey: Uint8Array, address: AdnlAddress): PeerState {
    while (this.#peers.size >= this.#limits.maxPeers) {
      const oldest = this.#peers.values().next().value as PeerState;
      this.#forgetPeer(oldest);
    }
    const peer = new PeerState(
      id,
      publicKey.slice(),
      keyOf(id),
      address,
      this.#generateChannelKey(),
      this.#nowSeconds(),
    );
    this.#peers.set(peer.key, peer);
    this.#mostRecent = peer;
    return peer;
  }

  #forgetPeer(peer: PeerState): void {
    if (this.#mostRecent === peer) this.#mostRecent = null;
    if (this.#lastChannel === peer) this.#lastChannel = null;
    this.#peers.delete(peer.key);
    if (peer.channel) this.#channels.delete(keyOf(peer.channel.inId));
    this.#outbox.delete(peer);
    this.#parts.dropPeer(peer.key);
  }

  /** The live state of `peer` (re-created if it was forgotten meanwhile). */
  #stateOf(peer: AdnlPeer): PeerState {
    // The peers we hand out are our PeerState objects: their key is known (no key string per message).
    if (peer instanceof PeerState && this.#peers.get(peer.key) === peer) return peer;
    const state = this.#peers.get(keyOf(peer.id));
    if (state) return state;
    return this.#createPeer(adnlId(peer.publicKey), peer.publicKey, peer.address);
  }

  /** The first-contact estimate: the RTO over all peers once anything was measured, else the initial one. */
  #firstContactRto(): number {
    return this.#allRtt.samples > 0 ? this.#allRtt.rto : this.#rto.initialRtoMs;
  }

  #rtoOf(peer: PeerState): number {
    return peer.rtt?.rto ?? this.#firstContactRto();
  }

  #touch(peer: PeerState): void {
    if (this.#mostRecent === peer) return; // already last in the LRU order
    this.#peers.delete(peer.key);
    this.#peers.set(peer.key, peer);
    this.#mostRecent = peer;
  }

  // ---- sending ----

  #enqueue(peer: PeerState, message: AdnlMessage, encoded?: Uint8Array): void {
    const item: OutMessage = encoded ? { message, encoded } : { message };
    const queue = this.#outbox.get(peer);
    if (queue) queue.push(item);
    else this.#outbox.set(peer, [item]);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    const batches = [...this.#outbox];
    this.#outbox.clear();
    for (const [peer, messages] of batches) {
      try {
        this.#sendMessages(peer, messages);
      } catch (error) {
        // Only a message that cannot be encoded gets here (caller bug); the other peers still get theirs.
        this.#drop(error instanceof AdnlError ? 'send-encode' : 'send-internal');
      }
    }
  }

  /** Encodes, splits and packs `messages` into as few datagrams as fit (DIGEST §4.3 packing rule). */
  #sendMessages(peer: PeerState, messages: OutMessage[]): void {
    const items: OutItem[] = [];
    for (const { message, encoded } of messages) {
      const bytes = encoded ?? tlEncode(message);
      if (bytes.length <= ADNL_MAX_UNSPLIT_MESSAGE)
        items.push({ message, size: bytes.length, encoded: bytes });
      else
        for (const part of splitMessage(bytes)) {
          const encoded = tlEncode(part);
          items.push({ message: part, size: encoded.length, encoded });
        }
    }
    let first = true;
    let i = 0;
    while (i < items.length) {
      const viaChannel = this.#useChannel(peer);
      let withAddress = !viaChannel;
      let size = viaChannel ? CHANNEL_OVERHEAD : ROOT_OVERHEAD + this.#addressListSize;
      const batch: OutItem[] = [];
      const control = viaChannel ? null : this.#controlMessage(peer);
      if (control) {
        const fitsWithNext = size + control.size + 4 + items[i].size <= ADNL_MAX_DATAGRAM;
        if (fitsWithNext) batch.push(control);
        else if (first) {
          // The channel handshake must not starve behind large messages: send it on its own.
          this.#sendPacket(peer, [control], false, true);
          first = false;
          continue;
        }
      }
      for (const item of batch) size += item.size;
      while (i < items.length) {
        const extra = items[i].size + (batch.length === 1 ? 4 : 0);
        if (size + extra > ADNL_MAX_DATAGRAM && batch.length > 0) break;
        if (size + extra > ADNL_MAX_DATAGRAM && withAddress) {
          // A single large message: drop the (optional) address list from this packet to make room.
          withAddress = false;
          size -= this.#addressListSize;
        }
        batch.push(items[i++]);
        size += extra;
      }
      this.#sendPacket(peer, batch, viaChannel, withAddress);
      first = false;
    }
  }

  #useChannel(peer: PeerState): boolean {
    if (!peer.channelReady || !peer.channel) return false;
    // A long-silent channel may be gone on the other side (peer restarted): fall back to signed root packets,
    // which carry our reinit date and let the peer resynchronize (C++ try_reinit).
    return peer.lastReceivedAt === 0 || this.#clock() - peer.lastReceivedAt <= this.#limits.channelSilenceMs;
  }

  /** createChannel until we know the peer's channel key, then confirmChannel until the channel is ready. */
  #controlMessage(peer: PeerState): OutItem | null {
    if (!peer.channel) {
      const m: MessageCtor<'adnl.message.createChannel'> = {
        _: 'adnl.message.createChannel',
        key: peer.channelKey.publicKey,
        date: peer.channelDate,
      };
      return { message: m, size: 40 };
    }
    if (!peer.channelReady) {
      const m: MessageCtor<'adnl.message.confirmChannel'> = {
        _: 'adnl.message.confirmChannel',
        key: peer.channelKey.publicKey,
        peer_key: peer.peerChannelKey as Uint8Array,
        date: peer.channelDate,
      };
      return { message: m, size: 72 };
    }
    return null;
  }

  #sendPacket(peer: PeerState, items: OutItem[], viaChannel: boolean, withAddress: boolean): void {
    peer.outSeqno += 1n;
    const { rand1, rand2 } = packetRandoms(this.#random);
    if (viaChannel) {
      // The common case (every RLDP symbol): the messages' bytes from #sendMessages go in as they are.
      const encoded = items.map((b) => b.encoded ?? tlEncode(b.message));
      const datagram = sealChannelDatagramInPlace(
        peer.channel!,
        encodeChannelPacket(
          rand1,
          rand2,
          peer.outSeqno,
          peer.inWindow.highest,
          encoded,
          CHANNEL_HEADER_BYTES,
        ),
        this.#crypto,
      );
      this.stats.datagramsOut++;
      this.#socket.send(datagram, peer.address.host, peer.address.port);
      return;
    }
    const messages = items.map((b) => b.message);
    const fields: AdnlPacketFields = {
      rand1,
      rand2,
      seqno: peer.outSeqno,
      confirm_seqno: peer.inWindow.highest,
    };
    if (messages.length === 1) fields.message = messages[0];
    else fields.messages = messages;
    fields.from = { _: 'pub.ed25519', key: this.publicKey };
    if (withAddress) fields.address = this.#addressList;
    if (peer.addrListVersion !== 0) fields.recv_addr_list_version = peer.addrListVersion;
    fields.recv_priority_addr_list_version = 0;
    fields.reinit_date = this.reinitDate;
    fields.dst_reinit_date = peer.reinitDate;
    const plaintext = encodePacket(signPacket(fields, this.#keyPair.secretKey, this.#asymmetric));
    const ephemeral = this.#identityEncryption ? this.#keyPair : keyPairFromSeed(this.#random(32));
    const datagram = sealRootDatagram(
      peer.publicKey,
      peer.id,
      plaintext,
      ephemeral,
      this.#crypto,
      this.#asymmetric,
    );
    this.stats.datagramsOut++;
    this.#socket.send(datagram, peer.address.host, peer.address.port);
  }

  // ---- receiving ----

  #drop(reason: string): void {
    this.stats.dropped[reason] = (this.stats.dropped[reason] ?? 0) + 1;
  }

  #onDatagram(data: Uint8Array, host: string, port: number): void {
    if (this.#closed) return;
    this.stats.datagramsIn++;
    try {
      this.#receiveDatagram(data, { host, port });
    } catch (error) {
      if (error instanceof AdnlError || error instanceof CryptoError || error instanceof TlError) {
        this.#drop(error instanceof CryptoError ? 'decrypt' : 'malformed');
      } else {
        // Never let one datagram take the node down; counted so tests can assert it stays 0.
        this.#drop('internal');
      }
    }
  }

  #receiveDatagram(data: Uint8Array, source: AdnlAddress): void {
    if (data.length < 64 + 8) return this.#drop('short');
    const head = data.subarray(0, 32);
    let peer = this.#lastChannel;
    if (peer === null || peer.channel === null || !bytesEqual(peer.channel.inId, head)) {
      const dst = keyOf(head);
      if (dst === this.#idKey) {
        // A first contact (or a peer without a channel yet): its ECDH is paid before anything is authenticated,
        // so it must fit the budget first (first-contact-budget.ts; C++ AdnlLocalId::receive_coro).
        const verdict = this.#firstContacts.take(source.host, source.port);
        if (verdict !== 'ok') {
          this.stats.firstContactsRefused++;
          return this.#drop(
            verdict === 'source' ? 'first-contact-source-budget' : 'first-contact-global-budget',
          );
        }
        return this.#receiveRoot(data, source);
      }
      peer = this.#channels.get(dst) ?? null;
      if (!peer) return this.#drop('unknown-destination');
      this.#lastChannel = peer;
    }
    const packet = decodeChannelPacket(openChannelDatagram(peer.channel!, data, this.#crypto));
    // Channel packets need no sender fields; if present they must name the channel's peer.
    if (packet.from_short !== undefined && !bytesEqual(packet.from_short.id, peer.id))
      return this.#drop('sender');
    const fromKey = packetSenderKey(packet);
    if (fromKey !== undefined && !bytesEqual(fromKey, peer.publicKey)) return this.#drop('sender');
    // A packet through the channel proves the peer has our channel key (C++ receive_packet_from_channel).
    peer.channelReady = true;
    this.#receivePacket(peer, packet, source);
  }

  #receiveRoot(data: Uint8Array, source: AdnlAddress): void {
    const packet = decodePacket(
      openRootDatagram(this.#keyPair.secretKey, data, this.#crypto, this.#asymmetric),
    );
    let peer: PeerState | undefined;
    const fromKey = packetSenderKey(packet);
    if (fromKey !== undefined) {
      const id = adnlId(fromKey);
      if (packet.from_short !== undefined && !bytesEqual(packet.from_short.id, id))
        return this.#drop('sender');
      peer = this.#peers.get(keyOf(id));
      if (!peer) {
        if (!this.#acceptUnknown) return this.#drop('unknown-peer');
        // Nothing is kept for a peer before its packet has decrypted and its signature verified.
        if (!verifyPacketSignature(packet, fromKey, this.#asymmetric)) return this.#drop('signature');
        peer = this.#createPeer(id, fromKey, source);
        return this.#receivePacket(peer, packet, source);
      }
    } else if (packet.from_short !== undefined) {
      peer = this.#peers.get(keyOf(packet.from_short.id));
      if (!peer) return this.#drop('unknown-peer');
    } else {
      return this.#drop('sender');
    }
    if (!verifyPacketSignature(packet, peer.publicKey, this.#asymmetric)) return this.#drop('signature');
    this.#receivePacket(peer, packet, source);
  }

  /** C++ AdnlPeerPairImpl::receive_packet_checked (DIGEST §4.2). */
  #receivePacket(peer: PeerState, packet: AdnlPacketContents, source: AdnlAddress): void {
    const reinit = packet.reinit_date ?? 0;
    const dstReinit = packet.dst_reinit_date ?? 0;
    if (dstReinit > this.reinitDate) return this.#drop('dst-reinit-new');
    if (reinit > this.#nowSeconds() + ADNL_MAX_REINIT_SKEW_S) return this.#drop('reinit-future');
    if (reinit > peer.reinitDate) this.#reinitPeer(peer, reinit);
    if (reinit > 0 && reinit < peer.reinitDate) return this.#drop('reinit-old');
    if (dstReinit > 0 && dstReinit < this.reinitDate) {
      // The peer talks to an older session of ours: learn its address, answer with a nop (our root packets carry
      // our current reinit date) and drop the rest.
      this.#learnAddresses(peer, packet, source);
      this.#enqueue(peer, { _: 'adnl.message.nop' });
      return this.#drop('dst-reinit-old');
    }
    const seqno = packet.seqno ?? 0n;
    const confirm = packet.confirm_seqno ?? 0n;
    if (seqno < 0n || confirm < 0n) return this.#drop('seqno');
    if (seqno > 0n && peer.inWindow.seen(seqno)) return this.#drop('duplicate');
    if (confirm > peer.outSeqno) return this.#drop('confirm-ahead');

    if (seqno > 0n) peer.inWindow.add(seqno);
    if (confirm > peer.ackSeqno) peer.ackSeqno = confirm;
    this.#learnAddresses(peer, packet, source);
    peer.lastReceivedAt = this.#clock();
    this.#touch(peer);
    this.stats.packetsAccepted++;
    const firstContact = !peer.heard;
    peer.heard = true;
    const dropQueries =
      firstContact && !peer.channelReady && this.#dropFirstContact !== null && this.#dropFirstContact();
    for (const message of packetMessages(packet)) this.#deliver(peer, message, 0, dropQueries);
    // Whatever this packet answered is settled by now; what is still pending may have been lost to the race.
    if (firstContact) this.#resendOnFirstContact(peer);
  }

  #learnAddresses(peer: PeerState, packet: AdnlPacketContents, source: AdnlAddress): void {
    // The authenticated packet's source is where the peer is reachable now (NATs, the relay).
    peer.address = source;
    const list = packet.address;
    if (list !== undefined && list.version > peer.addrListVersion) {
      peer.addrListVersion = list.version;
      peer.announced = decodeAddressList(list);
    }
  }

  /** C++ AdnlPeerPairImpl::reinit: a newer session of the peer resets seqnos, channel and reassembly. */
  #reinitPeer(peer: PeerState, date: number): void {
    if (peer.reinitDate === 0) {
      peer.reinitDate = date;
      return;
    }
    if (date <= peer.reinitDate) return;
    if (peer.channel) this.#channels.delete(keyOf(peer.channel.inId));
    peer.channel = null;
    peer.channelReady = false;
    peer.peerChannelKey = null;
    peer.peerChannelDate = 0;
    peer.outSeqno = 0n;
    peer.ackSeqno = 0n;
    peer.inWindow.reset();
    peer.addrListVersion = 0;
    this.#parts.dropPeer(peer.key);
    peer.reinitDate = date;
  }

  /** `dropQueries`: the first-contact race reproduced (dropFirstContactQueries): queries and customs are lost. */
  #deliver(peer: PeerState, message: AdnlMessage, depth: number, dropQueries: boolean): void {
    switch (message._) {
      case 'adnl.message.createChannel':
        this.#createChannel(peer, message.key, message.date);
        return;
      case 'adnl.message.confirmChannel':
        if (!bytesEqual(message.peer_key, peer.channelKey.publicKey))
          return this.#drop('confirm-channel-key');
        this.#createChannel(peer, message.key, message.date);
        if (peer.channel && peer.peerChannelKey && bytesEqual(peer.peerChannelKey, message.key)) {
          peer.channelReady = true;
        }
        return;
      case 'adnl.message.query':
        if (dropQueries) return this.#drop('first-contact');
        this.#serveQuery(peer, message.query_id, message.query);
        return;
      case 'adnl.message.answer':
        this.#answer(peer, message.query_id, message.answer);
        return;
      case 'adnl.message.custom':
        if (dropQueries) return this.#drop('first-contact');
        this.#custom(peer, message.data);
        return;
      case 'adnl.message.nop':
        return;
      case 'adnl.message.reinit':
        this.#reinitPeer(peer, message.date);
        return;
      case 'adnl.message.part': {
        if (depth > 0) return this.#drop('nested-part');
        let whole: Uint8Array | null;
        try {
          whole = this.#parts.add(peer.key, message);
        } catch (error) {
          if (!(error instanceof AdnlError)) throw error;
          return this.#drop('part');
        }
        if (whole === null) return;
        let inner: AdnlMessage;
        try {
          inner = tlDecode('adnl.Message', whole);
        } catch (error) {
          if (!(error instanceof TlError)) throw error;
          return this.#drop('part-message');
        }
        this.#deliver(peer, inner, depth + 1, dropQueries);
        return;
      }
      default:
        this.#drop('message-kind');
    }
  }

  /** C++ AdnlPeerPairImpl::create_channel. */
  #createChannel(peer: PeerState, key: Uint8Array, date: number): void {
    if (peer.channel && peer.peerChannelKey && bytesEqual(peer.peerChannelKey, key)) return;
    if (peer.channel && date >>> 0 <= peer.peerChannelDate >>> 0) return;
    let keys;
    try {
      keys = deriveChannelKeys(peer.channelKey.secretKey, key, this.id, peer.id, this.#asymmetric);
    } catch (error) {
      if (!(error instanceof CryptoError)) throw error;
      return this.#drop('channel-key');
    }
    if (peer.channel) this.#channels.delete(keyOf(peer.channel.inId));
    peer.channelReady = false;
    peer.peerChannelKey = key.slice();
    peer.peerChannelDate = date;
    peer.channel = keys;
    this.#channels.set(keyOf(keys.inId), peer);
  }

  #custom(peer: AdnlPeer, data: Uint8Array): void {
    const handler = this.customRoutes.route(data) ?? this.onCustom;
    if (handler) this.#callUser(() => handler(peer, data));
  }

  #serveQuery(peer: PeerState, queryId: Uint8Array, query: Uint8Array): void {
    const handler = this.queryRoutes.route(query) ?? this.onQuery;
    if (!handler) return this.#drop('query-unhandled');
    if (this.#serving >= this.#limits.maxServingQueries) return this.#drop('query-overload');
    this.#serving++;
    let answered: Promise<Uint8Array | null>;
    try {
      answered = Promise.resolve(handler(peer, query));
    } catch {
      answered = Promise.resolve(null);
    }
    answered
      .then((answer) => {
        if (answer === null || this.#closed) return;
        if (answer.length > ADNL_MAX_HUGE_MESSAGE - 64) return this.#drop('answer-too-large');
        this.#enqueue(this.#stateOf(peer), { _: 'adnl.message.answer', query_id: queryId, answer });
      })
      .catch(() => this.#drop('query-handler'))
      .finally(() => this.#serving--);
  }

  #answer(peer: PeerState, queryId: Uint8Array, answer: Uint8Array): void {
    const key = keyOf(queryId);
    const pending = this.#queries.get(key);
    if (!pending || pending.peerKey !== peer.key) return this.#drop('answer-unknown');
    this.#queries.delete(key);
    clearTimeout(pending.timer);
    if (!pending.resent) {
      // Karn's rule: only a query sent once tells which send the answer belongs to.
      const ms = this.#now() - pending.sentAt;
      (peer.rtt ??= new RttEstimator(this.#rto, this.#rtoOf(peer))).sample(ms);
      this.#allRtt.sample(ms);
    }
    pending.resolve(answer);
  }

  /** (Re)starts the query's timer for `waitMs`, within what is left of its budget. */
  #arm(key: string, pending: PendingUdpQuery, waitMs: number): void {
    pending.waitMs = Math.max(0, Math.min(waitMs, pending.budgetMs - pending.spentMs));
    pending.armedAt = this.#now();
    pending.timer = setTimeout(() => this.#queryTimeout(key), pending.waitMs);
  }

  #queryTimeout(key: string): void {
    const pending = this.#queries.get(key);
    if (!pending) return;
    pending.spentMs += pending.waitMs;
    const left = pending.budgetMs - pending.spentMs;
    if (pending.retransmit && left > 0 && !this.#closed) {
      const peer = this.#stateOf(pending.peer);
      if (left < Math.min(this.#rto.minRtoMs, pending.maxWaitMs)) {
        // Too little left for an answer to a new send to matter: wait out the budget for the sends made.
        this.#arm(key, pending, left);
        return;
      }
      // RFC 6298 §5.5: back the peer's RTO off, once per timeout round (other queries to it may expire too).
      const rtt = (peer.rtt ??= new RttEstimator(this.#rto, this.#rtoOf(peer)));
      if (rtt.rto <= pending.waitMs) rtt.backoff();
      pending.resent = true;
      this.stats.queryResends++;
      const next = Math.max(rtt.rto, Math.min(this.#rto.maxRtoMs, pending.waitMs * 2));
      this.#arm(key, pending, Math.min(pending.maxWaitMs, next));
      this.#enqueue(peer, pending.message);
      return;
    }
    this.#queries.delete(key);
    pending.reject(new AdnlError('timeout', `ADNL query timed out after ${pending.budgetMs} ms`));
  }

  /**
   * The peer's first packet arrived: a query sent to it before and still unanswered was most likely dropped by
   * the first-contact race (see the file comment), not lost on the path: send it again now rather than after
   * its timeout.
   */
  #resendOnFirstContact(peer: PeerState): void {
    if (this.#queries.size === 0 || this.#closed) return;
    const now = this.#now();
    for (const [key, pending] of this.#queries) {
      if (pending.peerKey !== peer.key || !pending.retransmit) continue;
      if (pending.budgetMs - pending.spentMs <= 0) continue;
      clearTimeout(pending.timer);
      pending.spentMs += Math.min(pending.waitMs, Math.max(0, now - pending.armedAt));
      pending.resent = true;
      this.stats.firstContactResends++;
      this.#arm(key, pending, Math.min(pending.maxWaitMs, this.#rtoOf(peer)));
      this.#enqueue(peer, pending.message);
    }
  }

  #callUser(fn: () => void): void {
    try {
      fn();
    } catch {
      this.#drop('custom-handler');
    }
  }
}
