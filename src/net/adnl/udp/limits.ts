/**
 * Sizes and limits of ADNL over UDP (DIGEST §4, §12; C++ adnl/adnl-peer.hpp, adnl-network-manager.h).
 */

/** Largest datagram we send (C++ AdnlNetworkManager::get_mtu). */
export const ADNL_MAX_DATAGRAM = 1440;

/**
 * Boxed messages larger than this are sent as adnl.message.part fragments. C++ splits above 1024 + 128; we split
 * above 1024 so that any single message or part, plus the largest root-packet header, fits in one datagram.
 * Receivers do not care where the sender split.
 */
export const ADNL_MAX_UNSPLIT_MESSAGE = 1024;

/** Data bytes per adnl.message.part (C++ Adnl::get_mtu()). */
export const ADNL_PART_SIZE = 1024;

/**
 * Largest message reassembled from parts (and largest query/answer payload): C++
 * AdnlPeerPairImpl::huge_packet_max_size() = Adnl::huge_packet_max_size() (8 KiB) + 128 bytes of header slack.
 */
export const ADNL_MAX_HUGE_MESSAGE = 8192 + 128;

/** Packets with a reinit_date this far (seconds) in the future are dropped (C++ receive_packet_checked). */
export const ADNL_MAX_REINIT_SKEW_S = 60;

/** Seqno duplicate window (C++ recv_seqno_mask_, 64 bits). */
export const ADNL_SEQNO_WINDOW = 64;

/** Valid flag bits of adnl.packetContents on the wire (0x1000 is C++-internal, DIGEST §4.2). */
export const ADNL_PACKET_FLAG_MASK = 0x0fff;

export const PacketFlag = {
  FROM: 0x001,
  FROM_SHORT: 0x002,
  MESSAGE: 0x004,
  MESSAGES: 0x008,
  ADDRESS: 0x010,
  PRIORITY_ADDRESS: 0x020,
  SEQNO: 0x040,
  CONFIRM_SEQNO: 0x080,
  RECV_ADDR_LIST_VERSION: 0x100,
  RECV_PRIORITY_ADDR_LIST_VERSION: 0x200,
  REINIT_DATE: 0x400,
  SIGNATURE: 0x800,
} as const;

/** Tunables of an AdnlNode (all bounds on memory a peer can make us hold). */
export interface AdnlUdpLimits {
  /** Peers kept at most; the least recently active one is forgotten beyond this. */
  maxPeers: number;
  /** Outgoing queries awaiting an answer, over all peers. */
  maxPendingQueries: number;
  /** Incoming queries being answered (onQuery promises), over all peers. */
  maxServingQueries: number;
  /** Message reassemblies in progress, over all peers / per peer. */
  maxReassemblies: number;
  maxReassembliesPerPeer: number;
  /** A reassembly not completed within this time is discarded. */
  reassemblyTimeoutMs: number;
  /** Our own UDP addresses announced in root packets at most. */
  maxAnnouncedAddresses: number;
  /** Channel silent for this long while we send: fall back to signed root packets (lets a restarted peer resync). */
  channelSilenceMs: number;
  /**
   * Query retransmission timeout (rtt.ts) before anything was measured on this node: 250 ms, the period at which
   * tonutils-go's ADNL client resends an unanswered query (DIGEST §4; rldp-transcript.json first_contact_race).
   * A peer never measured starts from the node's estimate over all peers once there is one.
   */
  initialRtoMs: number;
  /** Bounds of the retransmission timeout, and the timer granularity G of RFC 6298. */
  minRtoMs: number;
  maxRtoMs: number;
  rtoGranularityMs: number;
  /**
   * Budget of unauthenticated first contacts: datagrams to our own id (not through a channel), each of which costs
   * an ECDH before anything in it is authenticated (first-contact-budget.ts). A token bucket per source address
   * (host:port) and one for the node; a datagram over either is dropped before any crypto. Rates are per second.
   */
  firstContactSourceRate: number;
  firstContactSourceBurst: number;
  firstContactGlobalRate: number;
  firstContactGlobalBurst: number;
  /** Source addresses whose bucket is kept at most (the oldest is forgotten beyond this). */
  firstContactSources: number;
}

export const DEFAULT_ADNL_UDP_LIMITS: AdnlUdpLimits = {
  maxPeers: 4096,
  maxPendingQueries: 4096,
  maxServingQueries: 1024,
  maxReassemblies: 256,
  maxReassembliesPerPeer: 4,
  reassemblyTimeoutMs: 10_000,
  maxAnnouncedAddresses: 8,
  channelSilenceMs: 10_000,
  initialRtoMs: 250,
  minRtoMs: 50,
  maxRtoMs: 10_000,
  rtoGranularityMs: 10,
  // An honest peer sends a handful of root packets before its channel is up (createChannel with its first
  // queries, their resends) and then few or none; a node in a cold start (a DHT lookup, a site handshake, a swarm
  // of a few dozen seeders) gets a few from each of its peers. C++ allows 75 at once then 3/s per IP
  // (AdnlLocalId::InboundRateLimiter, RateLimiter(75, 0.33), adnl-local-id.h); we are per host:port and more
  // generous per source, and cap the node: at ~130 µs per forged datagram with OpenSSL (`npm run bench --
  // adnl-udp`, forgedFirstContactCpu) 1000/s is ~13% of a core.
  firstContactSourceRate: 50,
  firstContactSourceBurst: 100,
  firstContactGlobalRate: 1000,
  firstContactGlobalBurst: 1000,
  firstContactSources: 4096,
};
