/**
 * What the storage layer needs from the layers below — ADNL queries (ping, getRandomPeers) and RLDP queries
 * (torrent info, pieces, updates), as in tonutils-storage (DIGEST §10.3) — and from the DHT (overlay members
 * with checked signatures, then each member's address). AdnlNode, RldpNode and DhtClient have these shapes;
 * tests plug in doubles.
 */
import type { AdnlPeer } from '../adnl/index.ts';

export interface UdpAddress {
  host: string;
  port: number;
}

export interface StorageAdnl {
  addPeer(publicKey: Uint8Array, address: UdpAddress): AdnlPeer;
  query(
    peer: AdnlPeer,
    query: Uint8Array,
    timeoutMs: number,
    options?: { attempts?: number },
  ): Promise<Uint8Array>;
}

export interface StorageRldp {
  query(
    peer: AdnlPeer,
    data: Uint8Array,
    opts: { maxAnswerSize: number; timeoutMs: number },
  ): Promise<Uint8Array>;
}

/** Context of an incoming RLDP query (RldpNode.onQuery). */
export interface IncomingRldpContext {
  maxAnswerSize: number;
  deadline: number;
}

/** Overlay members from the DHT (signatures already checked, DIGEST §6) and ADNL addresses (DIGEST §5.3). */
export interface StoragePeerFinder {
  findOverlayNodes(
    overlayId: Uint8Array,
    flags?: { noCache?: boolean },
  ): Promise<{ id: Uint8Array; publicKey: Uint8Array }[]>;
  resolveAddress(
    adnlId: Uint8Array,
    flags?: { noCache?: boolean },
  ): Promise<{ publicKey: Uint8Array; addresses: UdpAddress[] }>;
}

/** A seeder given directly (`tonsite fetch --peer KEY@IP:PORT`). */
export interface StoragePeerAddress {
  publicKey: Uint8Array;
  address: UdpAddress;
}

/** Maps a failure of an ADNL/RLDP query to its kind, by the layer's typed error kind (rldp/errors.ts). */
export { queryFailureKind } from '../rldp/index.ts';
