/**
 * A PeerProfile (profile.ts) as the options of each layer: ADNL (AdnlNode), RLDP (RldpNode) and HTTP over RLDP
 * (the capabilities answer and the version a server uses for its own transfers to a client). Hosts (site server,
 * storage seeder, DHT node) pass a profile down; nothing below src/devnet knows about kinds.
 */
import type { AdnlNodeOptions } from '../../net/adnl/index.ts';
import { capabilitiesOf, rldpVersionFor } from '../../net/http/index.ts';
import type { RldpNodeOptions, RldpVersion } from '../../net/rldp/index.ts';
import type { PeerProfile } from './profile.ts';

/** ADNL options of a profile (AdnlNode `dropFirstContactQueries`: consulted once per new peer). */
export type ProfileAdnlOptions = Pick<AdnlNodeOptions, 'encryptWithIdentityKey'> & {
  dropFirstContactQueries?: () => boolean;
};

/** RLDP options of a profile. */
export type ProfileRldpOptions = Pick<
  RldpNodeOptions,
  'versions' | 'defaultVersion' | 'followPeerVersion'
> & {
  partSize?: number;
  strictInboundParts?: boolean;
};

export function adnlOptionsOf(profile: PeerProfile, random: () => number = Math.random): ProfileAdnlOptions {
  const rate = profile.adnl.firstContactDropRate;
  return {
    encryptWithIdentityKey: profile.adnl.encryptWithIdentityKey,
    ...(rate > 0 && { dropFirstContactQueries: rate >= 1 ? () => true : () => random() < rate }),
  };
}

export function rldpOptionsOf(profile: PeerProfile): ProfileRldpOptions {
  const r = profile.rldp;
  return {
    versions: [...r.versions],
    defaultVersion: r.defaultVersion,
    followPeerVersion: r.followPeerVersion,
    partSize: r.partSize,
    ...(r.strictInboundParts && { strictInboundParts: true }),
    ...(r.sendCadence !== 'paced' && { sendCadence: r.sendCadence }),
    ...(r.ackCadence !== 'cpp' && { ackCadence: r.ackCadence }),
  };
}

/** Our http.proxy.Capabilities value. */
export function capabilitiesAnswerOf(profile: PeerProfile): bigint {
  return capabilitiesOf(profile.http.announceRldp2);
}

/**
 * The version to pin for a client that announced `peerCapabilities`, or null when the profile does not pin
 * (tonutils-go follows the traffic instead). A peer speaking one version pins that one: a C++ node has only rldp2
 * left, whatever the client announces.
 */
export function pinnedVersionFor(profile: PeerProfile, peerCapabilities: bigint): RldpVersion | null {
  if (!profile.http.pinVersionFromCapabilities) return null;
  const versions = profile.rldp.versions;
  if (versions.length === 1) return versions[0];
  return rldpVersionFor(peerCapabilities);
}
