/**
 * One storage seeder on loopback: the server side of our own stack — ADNL-UDP (AdnlNode) → RLDP (RldpNode) →
 * StorageServer — seeding the bags it is given, behaving on the wire as its peer profile says (src/devnet/peers;
 * a `tonutils` seeder models tonutils-storage: its first-contact race, 1 MiB RLDP parts, versions following the
 * peer). stop() closes it at once (what a killed seeder looks like to its peers: silence).
 */
import { AdnlNode, type AdnlAddress } from '../../net/adnl/index.ts';
import { adnlIdToText, type KeyPair } from '../../net/crypto/index.ts';
import { RldpNode } from '../../net/rldp/index.ts';
import { StorageServer, type SeededBag } from '../../net/storage/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { startDevnetAdnlServer } from '../adnl-server.ts';
import { peerProfile, rldpOptionsOf, type PeerKind, type PeerProfile } from '../peers/index.ts';

export interface SeederOptions {
  keyPair: KeyPair;
  bags: SeededBag[];
  host?: string;
  port?: number;
  /** Wraps the UDP socket (fault injection). */
  wrapSocket?: (socket: DatagramSocket) => DatagramSocket;
  /** How the seeder behaves on the wire (default: kind `ours`). */
  profile?: PeerProfile;
}

export interface Seeder {
  kind: PeerKind;
  keyPair: KeyPair;
  adnlId: Uint8Array;
  /** 55-character text form of the ADNL id. */
  adnl: string;
  address: AdnlAddress;
  adnlNode: AdnlNode;
  rldpNode: RldpNode;
  server: StorageServer;
  readonly stopped: boolean;
  stop(): void;
}

export async function startSeeder(options: SeederOptions): Promise<Seeder> {
  const profile = options.profile ?? peerProfile('ours');
  const { adnlNode, address } = await startDevnetAdnlServer({ ...options, profile });
  const rldpNode = new RldpNode(adnlNode, rldpOptionsOf(profile));
  const server = new StorageServer({ adnl: adnlNode, rldp: rldpNode, keyPair: options.keyPair });
  for (const bag of options.bags) server.addBag(bag);
  server.routeOn({ adnl: adnlNode.queryRoutes, rldp: rldpNode.queryRoutes });
  let stopped = false;
  return {
    kind: profile.kind,
    keyPair: options.keyPair,
    adnlId: adnlNode.id,
    adnl: adnlIdToText(adnlNode.id),
    address,
    adnlNode,
    rldpNode,
    server,
    get stopped() {
      return stopped;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      server.close();
      rldpNode.close();
      adnlNode.close();
    },
  };
}
