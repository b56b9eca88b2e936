/**
 * The overlays of the bags a storage server or client holds, registered on a node's query routers (AdnlNode.queryRoutes
 * for storage.ping / overlay.getRandomPeers, RldpNode.queryRoutes for the rest; adnl/router.ts): a query prefixed with
 * `overlay.query overlay:int256` (overlay.ts) reaches the holder of that overlay, as tonutils-go's ADNLWrapper routes
 * by overlay id (adnl/overlay/manager-adnl.go queryHandler). Another holder of the same overlay on one node is
 * refused by the router (RouterError 'duplicate').
 */
import type { AdnlPeer, Registrar } from '../adnl/index.ts';
import { hexOf } from './bytes.ts';
import type { IncomingRldpContext } from './transport.ts';

export type StorageAdnlQueryHandler = (peer: AdnlPeer, query: Uint8Array) => Promise<Uint8Array | null>;
export type StorageRldpQueryHandler = (
  peer: AdnlPeer,
  data: Uint8Array,
  ctx: IncomingRldpContext,
) => Promise<Uint8Array>;

/** The query routers of one node (AdnlNode.queryRoutes and RldpNode.queryRoutes). */
export interface StorageRouters {
  adnl: Registrar<StorageAdnlQueryHandler>;
  rldp: Registrar<StorageRldpQueryHandler>;
}

/** Registrations by overlay id, kept in step with the bags held. */
export class OverlayRoutes {
  readonly #routers: StorageRouters;
  readonly #adnl: StorageAdnlQueryHandler;
  readonly #rldp: StorageRldpQueryHandler;
  readonly #registered = new Map<string, () => void>();

  constructor(routers: StorageRouters, adnl: StorageAdnlQueryHandler, rldp: StorageRldpQueryHandler) {
    this.#routers = routers;
    this.#adnl = adnl;
    this.#rldp = rldp;
  }

  add(overlayId: Uint8Array): void {
    const key = hexOf(overlayId);
    if (this.#registered.has(key)) return;
    const offAdnl = this.#routers.adnl.register({ overlay: overlayId }, this.#adnl);
    let offRldp: () => void;
    try {
      offRldp = this.#routers.rldp.register({ overlay: overlayId }, this.#rldp);
    } catch (error) {
      offAdnl();
      throw error;
    }
    this.#registered.set(key, () => {
      offAdnl();
      offRldp();
    });
  }

  remove(overlayId: Uint8Array): void {
    const key = hexOf(overlayId);
    this.#registered.get(key)?.();
    this.#registered.delete(key);
  }

  clear(): void {
    for (const off of this.#registered.values()) off();
    this.#registered.clear();
  }
}
