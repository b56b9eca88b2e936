/**
 * One storage seeder on loopback: the server side of our own stack — ADNL-UDP (AdnlNode) → RLDP (RldpNode) →
 * StorageServer — seeding the bags it is given. stop() closes it at once (what a killed seeder looks like to
 * its peers: silence).
 */
import { AdnlNode, type AdnlAddress } from '../../net/adnl/index.ts';
import { adnlIdToText, type KeyPair } from '../../net/crypto/index.ts';
import { RldpNode } from '../../net/rldp/index.ts';
import { StorageServer, type SeededBag } from '../../net/storage/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { startDevnetAdnlServer } from '../adnl-server.ts';

export interface SeederOptions {
  keyPair: KeyPair;
  bags: SeededBag[];
  host?: string;
  port?: number;
  /** Wraps the UDP socket (fault injection). */
  wrapSocket?: (socket: DatagramSocket) => DatagramSocket;
}

export interface Seeder {
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
  const { adnlNode, address } = await startDevnetAdnlServer(options);
  const rldpNode = new RldpNode(adnlNode);
  const server = new StorageServer({ adnl: adnlNode, rldp: rldpNode, keyPair: options.keyPair });
  for (const bag of options.bags) server.addBag(bag);
  adnlNode.onQuery = (peer, query) => server.handleAdnlQuery(peer, query) ?? Promise.resolve(null);
  rldpNode.onQuery = (peer, data, ctx) =>
    server.handleRldpQuery(peer, data, ctx) ?? Promise.reject(new Error('not a storage query'));
  let stopped = false;
  return {
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
