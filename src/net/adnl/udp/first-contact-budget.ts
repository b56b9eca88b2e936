/**
 * The budget of unauthenticated first contacts (issue 15 item 1). A datagram to our own ADNL id — not through an
 * established channel — is a "root" packet (DIGEST §4.1): opening it costs an ECDH with whatever sender key it
 * carries before anything in it is authenticated, and a forger can send random keys and bytes at line rate. So,
 * before any crypto, each such datagram takes a token from its source address's bucket and from the node's; over
 * either, it is dropped (a string, a map lookup and some arithmetic).
 *
 * C++ does the same in AdnlLocalId::receive_coro (adnl/adnl-local-id.cpp): a RateLimiter per source IP (port
 * removed) taken before Keyring::decrypt_message, "rate limit exceeded" beyond it; channel datagrams go straight
 * to AdnlChannel::receive (AdnlPeerTableImpl::receive_packet) and are not limited. tonutils-go (adnl/gateway.go
 * Gateway.listen) decodes every root packet (decodePacket → keys.SharedKey) with no limit. We key by host:port,
 * not host: on loopback and behind a NAT many honest parties share one IP (the whole devnet is 127.0.0.1), and a
 * per-IP bucket would let one local process lock all of them out; the node-wide bucket bounds the total whatever
 * the ports. The map of sources is bounded (oldest forgotten first): it holds a bucket per address, never anything
 * for a peer — a peer exists only once its packet has decrypted and its signature verified (node.ts).
 */

/** A token bucket: up to `burst` at once, refilled at `ratePerSecond`. */
class TokenBucket {
  tokens: number;
  at: number;

  constructor(burst: number, now: number) {
    this.tokens = burst;
    this.at = now;
  }

  take(ratePerMs: number, burst: number, now: number): boolean {
    if (now > this.at) {
      this.tokens = Math.min(burst, this.tokens + (now - this.at) * ratePerMs);
      this.at = now;
    }
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

export interface FirstContactBudgetOptions {
  sourceRate: number;
  sourceBurst: number;
  globalRate: number;
  globalBurst: number;
  maxSources: number;
  /** Monotonic milliseconds. */
  now: () => number;
}

/** Why a first contact was refused: its source's budget or the node's. */
export type FirstContactVerdict = 'ok' | 'source' | 'global';

export class FirstContactBudget {
  readonly #o: FirstContactBudgetOptions;
  readonly #global: TokenBucket;
  readonly #sources = new Map<string, TokenBucket>();

  constructor(options: FirstContactBudgetOptions) {
    for (const name of ['sourceRate', 'sourceBurst', 'globalRate', 'globalBurst', 'maxSources'] as const) {
      if (!(options[name] > 0)) throw new RangeError(`first-contact budget ${name} must be > 0`);
    }
    this.#o = options;
    this.#global = new TokenBucket(options.globalBurst, options.now());
  }

  /** Source buckets held now. */
  get sources(): number {
    return this.#sources.size;
  }

  /** Takes a token for one first-contact datagram from `host`:`port`. */
  take(host: string, port: number): FirstContactVerdict {
    const o = this.#o;
    const now = o.now();
    const key = `${host}:${port}`;
    let bucket = this.#sources.get(key);
    if (bucket === undefined) {
      if (this.#sources.size >= o.maxSources)
        this.#sources.delete(this.#sources.keys().next().value as string);
      bucket = new TokenBucket(o.sourceBurst, now);
      this.#sources.set(key, bucket);
    }
    if (!bucket.take(o.sourceRate / 1000, o.sourceBurst, now)) return 'source';
    if (!this.#global.take(o.globalRate / 1000, o.globalBurst, now)) return 'global';
    return 'ok';
  }
}
