/** ADNL over UDP (DIGEST §4): packets, channels, parts, peers — one AdnlNode for client and server roles. */
export {
  AdnlNode,
  type AdnlCustomHandler,
  type AdnlNodeOptions,
  type AdnlNodeStats,
  type AdnlQueryHandler,
  type AdnlQueryOptions,
} from './node.ts';
export type { AdnlPeer } from './peer.ts';
export { decodeAddressList, encodeAddressList, type AdnlAddress, type AdnlAddressListTl } from './address.ts';
export {
  compareIds,
  deriveChannelKeys,
  openChannelDatagram,
  sealChannelDatagram,
  type ChannelKeys,
} from './channel.ts';
export { openRootDatagram, sealRootDatagram } from './datagram.ts';
export {
  FirstContactBudget,
  type FirstContactBudgetOptions,
  type FirstContactVerdict,
} from './first-contact-budget.ts';
export {
  ADNL_MAX_DATAGRAM,
  ADNL_MAX_HUGE_MESSAGE,
  ADNL_MAX_UNSPLIT_MESSAGE,
  ADNL_PART_SIZE,
  DEFAULT_ADNL_UDP_LIMITS,
  PacketFlag,
  type AdnlUdpLimits,
} from './limits.ts';
export {
  decodePacket,
  encodePacket,
  packetFlags,
  packetMessages,
  packetSenderKey,
  packetSignedBytes,
  signPacket,
  verifyPacketSignature,
  type AdnlMessage,
  type AdnlPacketContents,
  type AdnlPacketFields,
} from './packet.ts';
export { PartReassembler, splitMessage, type AdnlPartMessage, type ReassemblerOptions } from './parts.ts';
export { packetRandoms, pooledRandom, type RandomSource } from './random.ts';
export { RttEstimator, type RtoBounds, type RttFigures } from './rtt.ts';
export { SeqnoWindow } from './seqno-window.ts';
