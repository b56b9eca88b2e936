/**
 * Site ADNL id → open connection: the peer's address (a static peer's, else the DHT's), the ADNL peer, and the
 * http.proxy.getCapabilities handshake that picks the RLDP version (early-request.ts: the request that may ride
 * along with it). Connections are kept per ADNL id until a request on them fails; connections being opened are
 * shared by concurrent requests.
 */
import type { AdnlNode, AdnlPeer } from '../adnl/index.ts';
import { adnlId as adnlIdOfKey, adnlIdToText } from '../crypto/index.ts';
import { hexOf, HttpError, queryCapabilities } from '../http/index.ts';
import { connectionVersion } from './early-request.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { RequestLog } from './request-log.ts';
import type { AddressResolver, StaticPeer } from './types.ts';

/** An open connection: the ADNL peer and the RLDP version the handshake chose. */
export interface PeerConnection {
  peer: AdnlPeer;
  version: 1 | 2;
  address: { host: string; port: number };
  /** How it was found, for the log. */
  source: 'dht' | 'static';
}

/** The request sent with the capabilities query (see Gateway.fetch): its response and the RLDP version it went in. */
export interface EarlyRequest {
  response: Promise<unknown>;
  version: 1 | 2;
}
export type SendEarly = (peer: AdnlPeer) => EarlyRequest;

/** What the connector reads from the gateway's options (read at each use, as the options object may change). */
export interface PeerConnectorOptions {
  readonly handshakeTimeoutMs?: number;
  readonly handshakeAttempts?: number;
}

/** The gateway's nodes the connector uses (made on first use, see Gateway.stack). */
export type ConnectorStack = () => Promise<{
  adnl: AdnlNode;
  rldp: { setPeerVersion(peerId: Uint8Array, version: 1 | 2): void };
  dht: AddressResolver | null;
}>;

export class PeerConnector {
  readonly #options: PeerConnectorOptions;
  readonly #ours: bigint;
  readonly #stack: ConnectorStack;
  readonly #now: () => number;
  readonly #staticPeers = new Map<string, StaticPeer>();
  readonly #connections = new Map<string, PeerConnection>();
  readonly #connInflight = new Map<string, Promise<PeerConnection>>();

  /** `ours`: the capabilities we announce (http capabilitiesOf). */
  constructor(options: PeerConnectorOptions, ours: bigint, stack: ConnectorStack, now: () => number) {
    this.#options = options;
    this.#ours = ours;
    this.#stack = stack;
    this.#now = now;
  }

  /** Makes a peer reachable without the DHT (its ADNL id is derived from the key). */
  addPeer(peer: StaticPeer): Uint8Array {
    const id = adnlIdOfKey(peer.publicKey);
    this.#staticPeers.set(hexOf(id), { publicKey: peer.publicKey.slice(), address: { ...peer.address } });
    this.#connections.delete(hexOf(id));
    return id;
  }

  /** Is this ADNL id a static peer (given, not looked up in the DHT)? */
  hasStaticPeer(adnlId: Uint8Array): boolean {
    return this.#staticPeers.has(hexOf(adnlId));
  }

  /** Drops the cached connection of a site (e.g. after it stopped answering); its DHT address stays cached. */
  forget(adnlId: Uint8Array): void {
    this.#connections.delete(hexOf(adnlId));
  }

  /** Forgets every open connection (keeps the static peers). */
  clear(): void {
    this.#connections.clear();
  }

  /** The open connection to the site, else one being opened, else a new one (`sendEarly`: see Gateway.fetch). */
  async connection(
    adnlId: Uint8Array,
    host: string,
    log: RequestLog,
    sendEarly?: SendEarly,
  ): Promise<PeerConnection> {
    const key = hexOf(adnlId);
    const t = this.#now();
    const open = this.#connections.get(key);
    if (open) {
      log.stage('connect', t, `RLDP v${open.version}`, true);
      return open;
    }
    let inflight = this.#connInflight.get(key);
    if (!inflight) {
      inflight = this.#connect(adnlId, host, log, sendEarly).finally(() => this.#connInflight.delete(key));
      this.#connInflight.set(key, inflight);
    } else {
      const conn = await inflight;
      log.stage('connect', t, `RLDP v${conn.version}`);
      return conn;
    }
    return inflight;
  }

  async #connect(
    adnlId: Uint8Array,
    host: string,
    log: RequestLog,
    sendEarly?: SendEarly,
  ): Promise<PeerConnection> {
    const { adnl, rldp, dht } = await this.#stack();
    const text = adnlIdToText(adnlId);
    const fixed = this.#staticPeers.get(hexOf(adnlId));
    let noCache = false;
    for (let attempt = 0; ; attempt++) {
      let publicKey: Uint8Array;
      let address: { host: string; port: number };
      if (fixed) {
        publicKey = fixed.publicKey;
        address = fixed.address;
      } else {
        if (!dht)
          throw new GatewayError(
            'dht',
            host,
            `no DHT configured to find ${text}.adnl (give a global config)`,
          );
        const t = this.#now();
        try {
          const found = await dht.resolveAddress(adnlId, { noCache });
          publicKey = found.publicKey;
          address = found.addresses[0];
        } catch (error) {
          log.failed('dht', t, error);
          throw new GatewayError(
            'dht',
            host,
            `address of ${text}.adnl not found in the DHT: ${messageOf(error)}`,
            {
              cause: error,
            },
          );
        }
        log.stage('dht', t, `${address.host}:${address.port}`);
      }
      const peer = adnl.addPeer(publicKey, address);
      const t = this.#now();
      let version: 1 | 2;
      let by: string;
      try {
        const asked = queryCapabilities(adnl, peer, this.#ours, {
          timeoutMs: this.#options.handshakeTimeoutMs,
          attempts: this.#options.handshakeAttempts,
        });
        const early = attempt === 0 ? sendEarly?.(peer) : undefined; // right behind it, same flush
        ({ version, by } = await connectionVersion(
          asked,
          early?.version === 2 ? early.response : undefined,
          this.#ours,
        ));
      } catch (error) {
        log.failed('handshake', t, error);
        // A cached DHT address may be stale (the site moved): look it up once more, bypassing the cache.
        if (!fixed && attempt === 0 && error instanceof HttpError && error.kind === 'timeout') {
          noCache = true;
          continue;
        }
        throw new GatewayError(
          'handshake',
          host,
          `${text}.adnl did not answer at ${address.host}:${address.port}: ${messageOf(error)}`,
          { cause: error },
        );
      }
      rldp.setPeerVersion(peer.id, version);
      log.stage('handshake', t, by === 'capabilities' ? `RLDP v${version}` : `RLDP v${version} (${by})`);
      const conn: PeerConnection = { peer, version, address, source: fixed ? 'static' : 'dht' };
      this.#connections.set(hexOf(adnlId), conn);
      return conn;
    }
  }
}
