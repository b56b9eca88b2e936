/**
 * src/devnet/peers: devnet peers modelled on the real ones (ours, the C++ node, tonutils-go), as profiles that the
 * devnet's servers pass down to the ADNL, RLDP and HTTP layers.
 */
export {
  CPP_PART_SIZE,
  PEER_KINDS,
  TONUTILS_FIRST_CONTACT_DROP_RATE,
  TONUTILS_PART_SIZE,
  isPeerKind,
  parseKindAssignments,
  peerProfile,
  type PeerKind,
  type PeerProfile,
  type PeerProfileOptions,
} from './profile.ts';
export {
  adnlOptionsOf,
  capabilitiesAnswerOf,
  pinnedVersionFor,
  rldpOptionsOf,
  type ProfileAdnlOptions,
  type ProfileRldpOptions,
} from './layers.ts';
