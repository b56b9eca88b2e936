/**
 * One TON Site on loopback: the server side of our own stack — ADNL-UDP (AdnlNode) → RLDP (RldpNode) → HTTP over
 * RLDP (HttpServer) — answering http.proxy.getCapabilities on ADNL. A v1-only site answers capabilities 0 and
 * ignores every rldp2 message, as an old C++ rldp-http-proxy or tonutils-go site would.
 */
import { AdnlNode, type AdnlAddress, type AdnlPeer } from '../../net/adnl/index.ts';
import { adnlIdToText, type KeyPair } from '../../net/crypto/index.ts';
import {
  answerCapabilitiesQuery,
  boxedId,
  capabilitiesOf,
  HttpError,
  HttpServer,
  rldpVersionFor,
  type HttpHandler,
  type HttpServerOptions,
} from '../../net/http/index.ts';
import { RldpNode, type RldpTransport } from '../../net/rldp/index.ts';
import { tlId } from '../../net/tl/index.ts';
import type { DatagramSocket } from '../../net/transport/index.ts';
import { openUdpSocket } from '../../node/udp-socket.ts';

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

const RLDP2_IDS = new Set(['rldp2.messagePart', 'rldp2.confirm', 'rldp2.complete'].map((n) => tlId(n)));

/** The ADNL custom-message pipe RLDP runs on; a v1-only site drops rldp2 messages before RLDP sees them. */
function rldpTransport(adnl: AdnlNode, v1Only: boolean): RldpTransport {
  if (!v1Only) return adnl;
  const pipe: RldpTransport = {
    onCustom: null,
    sendCustom: (peer: AdnlPeer, data: Uint8Array) => adnl.sendCustom(peer, data),
  };
  adnl.onCustom = (peer, data) => {
    if (RLDP2_IDS.has(boxedId(data))) return;
    pipe.onCustom?.(peer, data);
  };
  return pipe;
}

export async function startSiteServer(options: SiteServerOptions): Promise<SiteServer> {
  const host = options.host ?? '127.0.0.1';
  const udp = await openUdpSocket({ host, port: options.port ?? 0 });
  const address = { host, port: udp.address().port };
  const socket = options.wrapSocket ? options.wrapSocket(udp) : udp;
  const adnlNode = new AdnlNode({ socket, keyPair: options.keyPair, addresses: [address] });
  const v1Only = options.rldpVersion === 1;
  const rldpNode = new RldpNode(rldpTransport(adnlNode, v1Only), { defaultVersion: options.rldpVersion });
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
