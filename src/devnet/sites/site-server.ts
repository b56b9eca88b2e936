/**
 * One TON Site on loopback: the server side of our own stack — ADNL-UDP (AdnlNode) → RLDP (RldpNode) → HTTP over
 * RLDP (HttpServer) — answering http.proxy.getCapabilities on ADNL. A v1-only site answers capabilities 0 and
 * ignores every rldp2 message (RldpNode `versions: [1]`), as an old C++ rldp-http-proxy would.
 */
import { AdnlNode, type AdnlAddress } from '../../net/adnl/index.ts';
import { adnlIdToText, type KeyPair } from '../../net/crypto/index.ts';
import {
  answerCapabilitiesQuery,
  capabilitiesOf,
  HttpError,
  HttpServer,
  rldpVersionFor,
  type HttpHandler,
  type HttpServerOptions,
} from '../../net/http/index.ts';
import { RldpNode } from '../../net/rldp/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { startDevnetAdnlServer } from '../adnl-server.ts';

export interface SiteServerOptions {
  name: string;
  handler: HttpHandler;
  keyPair: KeyPair;
  /** 2 = speaks RLDP v1 and v2 and announces RLDP2; 1 = RLDP v1 only. */
  rldpVersion: 1 | 2;
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
  rldpVersion: 1 | 2;
  adnlNode: AdnlNode;
  rldpNode: RldpNode;
  http: HttpServer;
  close(): void;
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const { adnlNode, address } = await startDevnetAdnlServer(options);
  const v1Only = options.rldpVersion === 1;
  // A v1-only node ignores every rldp2 message, as an old C++ rldp-http-proxy would.
  const rldpNode = new RldpNode(adnlNode, { versions: v1Only ? [1] : [1, 2] });
  const http = new HttpServer(rldpNode, options.handler, options.http);
  rldpNode.onQuery = (peer, data, ctx) =>
    http.handleQuery(peer, data, ctx) ?? Promise.reject(new HttpError('protocol', 'not an HTTP query'));
  const ours = capabilitiesOf(!v1Only);
  adnlNode.onQuery = async (peer, query) => {
    const served = answerCapabilitiesQuery(query, ours);
    if (!served) return null;
    // Our own transfers to this client (request-body pulls) use the best version both sides speak.
    rldpNode.setPeerVersion(peer.id, v1Only ? 1 : rldpVersionFor(served.peerCapabilities));
    return served.answer;
  };
  return {
    name: options.name,
    adnlId: adnlNode.id,
    adnl: adnlIdToText(adnlNode.id),
    publicKey: options.keyPair.publicKey,
    keyPair: options.keyPair,
    address,
    rldpVersion: options.rldpVersion,
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
