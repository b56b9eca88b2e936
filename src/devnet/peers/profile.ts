/**
 * Peer profiles: how a devnet server (TON Site, storage seeder, DHT node) behaves on the wire, modelled on the
 * implementations that run the TON Sites that exist (issue 13, DIGEST §7.4). One profile holds every behaviour
 * switch of the ADNL, RLDP and HTTP layers; layers.ts turns it into each layer's options.
 *
 * - `ours`: today's devnet (our own stack as a server): RLDP v1 and v2, 2,000,000-byte parts, answers in the version
 *   of the query, RLDP2 announced and the client's version pinned from its capabilities.
 * - `cpp`: ton-blockchain/ton v2026.06 (`rldp-http-proxy` in reverse-proxy mode). rldp1 was removed ("Remove rldp1
 *   (#2403)"), so rldp.* custom messages find no handler and are dropped silently (the node logs "no callbacks for
 *   custom message"): versions [2]. Parts of 2,000,000 bytes (rldp2/OutboundTransfer); its receiver refuses a
 *   part whose fec data_size is not min(2,000,000, remaining) (rldp2 InboundTransfer, since 127d38d0). Acks after
 *   1 ms, repeated with doubling delays up to 7 times (rldp2/RldpReceiver.cpp on_received/on_ack_sent), BBR-like
 *   pacing with a 50 ms initial RTT: what our RLDP engine does by default (src/net/rldp/ack-queue.ts,
 *   congestion.ts).
 * - `tonutils`: xssnick/tonutils-go v1.14 (the server inside tonutils reverse-proxy). RLDP v1 until the peer
 *   speaks v2 (NewClient leaves useV2 unset); one `useV2` flag per peer flipped by every RLDP message received
 *   (adnl/rldp/client.go handleMessage) and used for everything sent, answers included; 1 MiB parts
 *   (`PartSize = 1 << 20`, prepareNextPart), sent as a fast burst of K + K/33 symbols and then a few new repair
 *   symbols per confirm or recovery tick (recoverySender; src/net/rldp/tonutils-cadence.ts); as a receiver it
 *   confirms every 10 symbols or 20 ms (handleMessage; src/net/rldp/ack-queue.ts); root packets encrypted with the identity key; and the first-contact
 *   race: adnl/gateway.go registerClient starts the connection handler (which installs the query handlers) in a new
 *   goroutine while the listener goes on with the first packet, whose queries are then often dropped
 *   (vectors/tonutils-go/rldp-transcript.json `first_contact_race`: 21 of 29 cold fetches from a site).
 */
import type { RldpVersion } from '../../net/rldp/index.ts';

export type PeerKind = 'ours' | 'cpp' | 'tonutils';

export const PEER_KINDS: readonly PeerKind[] = ['ours', 'cpp', 'tonutils'];

/** RLDP part size of C++ (rldp and rldp2) and of our own sender. */
export const CPP_PART_SIZE = 2_000_000;
/** tonutils-go v1.x `rldp.PartSize` (adnl/rldp/client.go at v1.14.1). */
export const TONUTILS_PART_SIZE = 1 << 20;
/**
 * How often tonutils-go loses a new peer's first queries: 21 of 29 cold fetches from a site, 11 of 12 from a
 * storage seeder (rldp-transcript.json `first_contact_race`).
 */
export const TONUTILS_FIRST_CONTACT_DROP_RATE = 0.7;

export interface PeerProfile {
  kind: PeerKind;
  adnl: {
    /** Root packets encrypted with our identity key instead of a fresh ephemeral one (tonutils-go). */
    encryptWithIdentityKey: boolean;
    /** Chance (0..1) that the queries and custom messages of a new peer's first packet are dropped silently. */
    firstContactDropRate: number;
  };
  rldp: {
    versions: RldpVersion[];
    /** Version of our transfers to a peer we know nothing about. */
    defaultVersion: RldpVersion;
    /** Bytes per part we send. */
    partSize: number;
    /** Refuse inbound parts whose data_size is not min(2,000,000, remaining) (C++ rldp2 receiver). */
    strictInboundParts: boolean;
    /** Every message from a peer sets the version we send it next, answers included (tonutils-go useV2). */
    followPeerVersion: boolean;
    /** Our paced sender (C++ rldp2-like), or tonutils-go v1.x's burst + confirm-clocked recovery symbols. */
    sendCadence: 'paced' | 'tonutils';
    /** C++ rldp2's confirms (1 ms, repeated), or tonutils-go's (every 10 symbols or 20 ms, once). */
    ackCadence: 'cpp' | 'tonutils';
  };
  http: {
    /** Our http.proxy.getCapabilities answer carries the RLDP2 bit. */
    announceRldp2: boolean;
    /** The asker's capabilities fix the version of our own transfers to it (C++ and ours; tonutils-go: no). */
    pinVersionFromCapabilities: boolean;
  };
}

export interface PeerProfileOptions {
  /** `ours` only: speak RLDP v1 only (an old rldp-http-proxy: RLDP2 ignored, capabilities 0). */
  rldp1Only?: boolean;
  /** Overrides the kind's first-contact drop rate (tests: 0 = never, 1 = always). */
  firstContactDropRate?: number;
}

export function isPeerKind(text: string): text is PeerKind {
  return (PEER_KINDS as readonly string[]).includes(text);
}

export function peerProfile(kind: PeerKind, options: PeerProfileOptions = {}): PeerProfile {
  if (options.rldp1Only && kind !== 'ours') throw new RangeError(`a ${kind} peer cannot be RLDP v1 only`);
  const drop = options.firstContactDropRate;
  if (drop !== undefined && !(drop >= 0 && drop <= 1)) {
    throw new RangeError('firstContactDropRate must be within 0..1');
  }
  switch (kind) {
    case 'ours': {
      const v1Only = options.rldp1Only === true;
      return {
        kind,
        adnl: { encryptWithIdentityKey: false, firstContactDropRate: drop ?? 0 },
        rldp: {
          versions: v1Only ? [1] : [1, 2],
          defaultVersion: v1Only ? 1 : 2,
          partSize: CPP_PART_SIZE,
          strictInboundParts: false,
          followPeerVersion: false,
          sendCadence: 'paced',
          ackCadence: 'cpp',
        },
        http: { announceRldp2: !v1Only, pinVersionFromCapabilities: true },
      };
    }
    case 'cpp':
      return {
        kind,
        adnl: { encryptWithIdentityKey: false, firstContactDropRate: drop ?? 0 },
        rldp: {
          versions: [2],
          defaultVersion: 2,
          partSize: CPP_PART_SIZE,
          strictInboundParts: true,
          followPeerVersion: false,
          sendCadence: 'paced',
          ackCadence: 'cpp',
        },
        http: { announceRldp2: true, pinVersionFromCapabilities: true },
      };
    case 'tonutils':
      return {
        kind,
        adnl: {
          encryptWithIdentityKey: true,
          firstContactDropRate: drop ?? TONUTILS_FIRST_CONTACT_DROP_RATE,
        },
        rldp: {
          versions: [1, 2],
          defaultVersion: 1,
          partSize: TONUTILS_PART_SIZE,
          strictInboundParts: false,
          followPeerVersion: true,
          sendCadence: 'tonutils',
          ackCadence: 'tonutils',
        },
        // The reverse-proxy site answered capabilities = 1 (rldp-transcript.json `rldp_version`).
        http: { announceRldp2: true, pinVersionFromCapabilities: false },
      };
  }
}

/** Parses `NAME=KIND[,NAME=KIND...]` (the --site-kind option of `tonsite devnet` and `tonsite demo`). */
export function parseKindAssignments(text: string): Record<string, PeerKind> {
  const out: Record<string, PeerKind> = {};
  for (const item of text.split(',')) {
    const m = /^\s*([a-z0-9-]{1,64})=([a-z]+)\s*$/.exec(item);
    if (!m || !isPeerKind(m[2])) {
      throw new RangeError(`expected NAME=KIND with KIND one of ${PEER_KINDS.join(', ')}, got "${item}"`);
    }
    out[m[1]] = m[2];
  }
  return out;
}
