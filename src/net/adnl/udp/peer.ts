/**
 * State of one peer pair (our identity ↔ one remote identity), after C++ AdnlPeerPairImpl (DIGEST §4.2–4.4):
 * seqnos and the duplicate window, the peer's reinit date and address list, and the channel (our channel key,
 * the peer's, the derived keys, inited/ready).
 */
import type { KeyPair } from '../../crypto/index.ts';
import type { AdnlAddress } from './address.ts';
import type { ChannelKeys } from './channel.ts';
import type { RttEstimator } from './rtt.ts';
import { SeqnoWindow } from './seqno-window.ts';

/** A remote ADNL identity as the layers above see it. */
export interface AdnlPeer {
  /** ADNL short id: sha256 of the TL-boxed pub.ed25519 key. */
  readonly id: Uint8Array;
  readonly publicKey: Uint8Array;
  /** Where datagrams go; follows the source address of the peer's latest authenticated packet. */
  address: AdnlAddress;
}

export class PeerState implements AdnlPeer {
  /** Map key of `id`. */
  readonly key: string;
  address: AdnlAddress;
  /** The peer's own announced UDP addresses (latest version received) and that version (0 = none). */
  announced: AdnlAddress[] = [];
  addrListVersion = 0;
  /** The peer's session start as it told us (0 = unknown). */
  reinitDate = 0;
  /** Last seqno we sent, highest received, highest of ours the peer confirmed. */
  outSeqno = 0n;
  readonly inWindow = new SeqnoWindow();
  ackSeqno = 0n;
  /** Our channel key for this peer and when it was made (seconds). */
  readonly channelKey: KeyPair;
  readonly channelDate: number;
  peerChannelKey: Uint8Array | null = null;
  peerChannelDate = 0;
  /** Set once we know the peer's channel key ("inited"); `channelReady` once the peer is known to have ours. */
  channel: ChannelKeys | null = null;
  channelReady = false;
  /** clock() ms of the last accepted packet (0 = never). */
  lastReceivedAt = 0;
  /** Set by the first packet accepted from the peer (first contact is over). */
  heard = false;
  /** Round trips of our queries to the peer (null until measured or backed off). */
  rtt: RttEstimator | null = null;

  constructor(
    readonly id: Uint8Array,
    readonly publicKey: Uint8Array,
    key: string,
    address: AdnlAddress,
    channelKey: KeyPair,
    channelDate: number,
  ) {
    this.key = key;
    this.address = { host: address.host, port: address.port };
    this.channelKey = channelKey;
    this.channelDate = channelDate;
  }
}
