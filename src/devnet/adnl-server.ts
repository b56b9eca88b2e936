/**
 * The ADNL-UDP end of a devnet server (site, seeder, DHT node): a UDP socket bound on `host` (loopback by
 * default), optionally wrapped (fault injection in tests), and an AdnlNode announcing that address. Crypto is
 * OpenSSL's, as a real TON node (C++) uses native crypto; the bytes on the wire are the same as with noble.
 * The peer profile's ADNL behaviour (src/devnet/peers) is applied here.
 */
import { AdnlNode, type AdnlAddress } from '../net/adnl/index.ts';
import type { KeyPair } from '../net/crypto/index.ts';
import type { DatagramSocket } from '../net/transport/index.ts';
import { nativeAsymmetric, nativePrimitives } from '../node/native-crypto.ts';
import { openUdpSocket } from '../node/udp-socket.ts';
import { adnlOptionsOf, peerProfile, type PeerProfile } from './peers/index.ts';

export interface DevnetAdnlServerOptions {
  keyPair: KeyPair;
  host?: string;
  /** 0 or absent: any free port. */
  port?: number;
  wrapSocket?: (socket: DatagramSocket) => DatagramSocket;
  /** How the server behaves on the wire (default: kind `ours`). */
  profile?: PeerProfile;
}

export async function startDevnetAdnlServer(
  options: DevnetAdnlServerOptions,
): Promise<{ adnlNode: AdnlNode; address: AdnlAddress }> {
  const host = options.host ?? '127.0.0.1';
  const udp = await openUdpSocket({ host, port: options.port ?? 0 });
  const address = { host, port: udp.address().port };
  const socket = options.wrapSocket ? options.wrapSocket(udp) : udp;
  const adnlNode = new AdnlNode({
    socket,
    keyPair: options.keyPair,
    addresses: [address],
    crypto: nativePrimitives,
    asymmetric: nativeAsymmetric,
    ...adnlOptionsOf(options.profile ?? peerProfile('ours')),
  });
  return { adnlNode, address };
}
