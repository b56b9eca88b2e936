/**
 * Kademlia routing table of a DHT node (C++ dht-bucket: one bucket per shared-prefix length of our id and the
 * node's id). A full bucket keeps its old members and ignores newcomers (long-lived nodes are the reliable
 * ones); a node already present is replaced only by a newer version (C++ DhtNode::update).
 */
import { bucketIndex, compareDistance } from './distance.ts';
import { toHex } from './hex.ts';
import type { DhtNodeInfo } from './node.ts';

export const DEFAULT_BUCKET_SIZE = 10;

export class RoutingTable {
  readonly #self: Uint8Array;
  readonly #bucketSize: number;
  readonly #buckets = new Map<number, Map<string, DhtNodeInfo>>();
  #size = 0;

  constructor(selfId: Uint8Array, bucketSize = DEFAULT_BUCKET_SIZE) {
    this.#self = selfId;
    this.#bucketSize = bucketSize;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds or refreshes a verified node; false if it is us or its bucket is full. */
  add(node: DhtNodeInfo): boolean {
    const index = bucketIndex(this.#self, node.id);
    if (index < 0) return false;
    let bucket = this.#buckets.get(index);
    if (!bucket) {
      bucket = new Map();
      this.#buckets.set(index, bucket);
    }
    const hex = toHex(node.id);
    const old = bucket.get(hex);
    if (old) {
      if (old.version === 0 || node.version > old.version) bucket.set(hex, node);
      return true;
    }
    if (bucket.size >= this.#bucketSize) return false;
    bucket.set(hex, node);
    this.#size++;
    return true;
  }

  remove(id: Uint8Array): void {
    const bucket = this.#buckets.get(bucketIndex(this.#self, id));
    if (bucket?.delete(toHex(id))) this.#size--;
  }

  get(id: Uint8Array): DhtNodeInfo | undefined {
    return this.#buckets.get(bucketIndex(this.#self, id))?.get(toHex(id));
  }

  all(): DhtNodeInfo[] {
    const out: DhtNodeInfo[] = [];
    for (const bucket of this.#buckets.values()) out.push(...bucket.values());
    return out;
  }

  /** The `k` known nodes closest to `target`, closest first. */
  nearest(target: Uint8Array, k: number): DhtNodeInfo[] {
    if (k <= 0) return [];
    return this.all()
      .sort((x, y) => compareDistance(target, x.id, y.id))
      .slice(0, k);
  }

  /**
   * How many known nodes are closer to `target` than we are, counting up to `limit` (C++ DhtMemberImpl::distance:
   * a node stores a value only while fewer than k + 10 known nodes are closer to its key).
   */
  countCloser(target: Uint8Array, limit: number): number {
    let n = 0;
    for (const bucket of this.#buckets.values()) {
      for (const node of bucket.values()) {
        if (compareDistance(target, node.id, this.#self) < 0 && ++n >= limit) return n;
      }
    }
    return n;
  }
}
