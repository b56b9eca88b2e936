/**
 * One TON Site on loopback: the server side of our own stack — ADNL-UDP (AdnlNode) → RLDP (RldpNode) → HTTP over
 * RLDP (HttpServer) — answering http.proxy.getCapabilities on ADNL, behaving on the wire as its peer profile says
 * (src/devnet/peers: ours, cpp, tonutils). A v1-only `ours` site answers capabilities 0 and ignores every rldp2
 * message (RldpNode `versions: [1]`), as an old C++ rldp-http-proxy would; a `cpp` site ignores every rldp.* one.
 */
import { AdnlNode, type AdnlAddress } from '../../net/adnl/index.ts';
import { adnlIdToText, type KeyPair } from '../../net/crypto/index.ts';
import {
  HttpServer,
  routeCapabilities,
  routeHttpServer,
  type HttpHandler,
  type HttpServerOptions,
} from '../../net/http/index.ts';
import { RldpNode } from '../../net/rldp/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { startDevnetAdnlServer } from '../adnl-server.ts';
import {
  capabilitiesAnswerOf,
  peerProfile,
  pinnedVersionFor,
  rldpOptionsOf,
  type PeerKind,
  type PeerProfile,
} from '../peers/index.ts';

export interface SiteServerOptions {
  name: string;
  handler: HttpHandler;
  keyPair: KeyPair;
  /**
   * How the site behaves on the wire (default: kind `ours`, RLDP v1 only when rldpVersion is 1).
   */
  profile?: PeerProfile;
  /** Kind `ours` without a profile: 2 = speaks RLDP v1 and v2 and announces RLDP2 (default); 1 = RLDP v1 only. */
  rldpVersion?: 1 | 2;
  host?: string;
  port?: number;
  /** Wraps the UDP socket (fault injection: FaultySocket). */
  wrapSocket?: (socket: DatagramSocket) => DatagramSocket;
  http?: HttpServerOptions;
}

export interface SiteServer {
  name: string;
  adnlId: Uint8Array;
  /** 55-character .adnl text form. */
  adnl: string;
  publicKey: Uint8Array;
  keyPair: KeyPair;
  address: AdnlAddress;
  kind: PeerKind;
  profile: PeerProfile;
  /** The best version the site speaks (2 when it announces RLDP2). */
  rldpVersion: 1 | 2;
  adnlNode: AdnlNode;
  rldpNode: RldpNode;
  http: HttpServer;
  close(): void;
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const profile = options.profile ?? peerProfile('ours', { rldp1Only: options.rldpVersion === 1 });
  const { adnlNode, address } = await startDevnetAdnlServer({ ...options, profile });
  // Versions not spoken are ignored as unknown custom messages (an old proxy: rldp2.*; C++ 2026.06: rldp.*).
  const rldpNode = new RldpNode(adnlNode, rldpOptionsOf(profile));
  const http = new HttpServer(rldpNode, options.handler, options.http);
  routeHttpServer(rldpNode.queryRoutes, http);
  // Our own transfers to this client (request-body pulls) use the best version both sides speak, unless the
  // profile follows the traffic instead (tonutils-go).
  routeCapabilities(adnlNode.queryRoutes, capabilitiesAnswerOf(profile), (peer, peerCapabilities) => {
    const pinned = pinnedVersionFor(profile, peerCapabilities);
    if (pinned !== null) rldpNode.setPeerVersion(peer.id, pinned);
  });
  return {
    name: options.name,
    adnlId: adnlNode.id,
    adnl: adnlIdToText(adnlNode.id),
    publicKey: options.keyPair.publicKey,
    keyPair: options.keyPair,
    address,
    kind: profile.kind,
    profile,
    rldpVersion: profile.http.announceRldp2 ? 2 : 1,
    adnlNode,
    rldpNode,
    http,
    close() {
      http.close();
      rldpNode.close();
      adnlNode.close();
    },
  };
}
