/**
 * Iterative Kademlia lookup (DIGEST §5.2; ton dht/dht-query.cpp DhtQuery):
 * keep the k nodes closest (XOR) to the target that we know of; repeatedly query the closest not-yet-queried
 * ones, at most `a` at a time, each with its own timeout; merge the nodes they return (each signature checked,
 * invalid ones dropped one by one); stop when a valid value arrives (findValue) or when no queried-able node
 * remains among the k closest. Nodes that time out or answer garbage leave the closest set and are never asked
 * again. A total query cap bounds the work an adversary returning endless "closer" nodes can cause.
 *
 * The transport is injected: `query(node, boxedTlQuery, timeoutMs)` resolves with the boxed answer.
 */
import { DhtError, DhtNotFoundError, DhtTimeoutError } from './errors.ts';
import { compareDistance } from './distance.ts';
import { decodeNodes, decodeValueResult, encodeFindNode, encodeFindValue } from './codec.ts';
import { toHex } from './hex.ts';
import { bytesEqual } from './bytes.ts';
import {
  DEFAULT_A,
  DEFAULT_K,
  DEFAULT_MAX_LOOKUP_QUERIES,
  DEFAULT_QUERY_TIMEOUT_MS,
  MAX_A,
  MAX_K,
  NO_NETWORK_ID,
} from './limits.ts';
import { verifyDhtNode, type DhtNodeInfo, type DhtNodeTl } from './node.ts';
import { isAcceptable, verifyDhtValue, type DhtValueInfo } from './value.ts';

export type DhtQueryFn = (node: DhtNodeInfo, query: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

export interface LookupOptions {
  /** Size of the closest set and the `k` sent in queries (config `k`). */
  k?: number;
  /** Queries in flight at once (config `a`). */
  a?: number;
  /** Per-query timeout. */
  timeoutMs?: number;
  /** Our network id (-1 = none); nodes of another network are dropped. */
  networkId?: number;
  /** Cap on the queries of one lookup. */
  maxQueries?: number;
  /** Current unix time in seconds (value TTL checks). */
  now?: () => number;
  /** Our own id when we are a DHT node ourselves: never queried. */
  selfId?: Uint8Array;
  /** Called with every valid node learned during the lookup (to feed a routing table). */
  onNode?: (node: DhtNodeInfo) => void;
  /** Called with every node that timed out or answered garbage. */
  onFailure?: (node: DhtNodeInfo, error: unknown) => void;
}

export interface LookupStats {
  queries: number;
  failures: number;
}

export interface FindValueResult extends LookupStats {
  value: DhtValueInfo;
  /** The node that answered with it. */
  from: DhtNodeInfo;
}

export interface FindNodesResult extends LookupStats {
  /** Up to k nodes closest to the target among those that answered, closest first. */
  nodes: DhtNodeInfo[];
}

type Step<T> = { nodes: DhtNodeTl[] } | { result: T };

interface Candidate {
  node: DhtNodeInfo;
  state: 'pending' | 'inflight' | 'answered';
}

function clampInt(v: number | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!Number.isInteger(v) || v < min) throw new DhtError(`bad lookup parameter ${v}`);
  return Math.min(v, max);
}

const unixNow = (): number => Math.floor(Date.now() / 1000);

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DhtTimeoutError(`no answer in ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new DhtError(String(e)));
      },
    );
  });
}

/** The shared engine: `ask(node)` queries one node and yields more nodes or a final result. */
async function iterate<T>(
  target: Uint8Array,
  seeds: DhtNodeInfo[],
  opts: LookupOptions,
  ask: (node: DhtNodeInfo, finished: () => boolean) => Promise<Step<T>>,
): Promise<{ result: T | null; from: DhtNodeInfo | null; answered: DhtNodeInfo[] } & LookupStats> {
  const k = clampInt(opts.k, DEFAULT_K, 1, MAX_K);
  const a = clampInt(opts.a, DEFAULT_A, 1, MAX_A);
  const maxQueries = clampInt(opts.maxQueries, DEFAULT_MAX_LOOKUP_QUERIES, 1, 10_000);
  const networkId = opts.networkId ?? NO_NETWORK_ID;

  const seen = new Set<string>();
  let closest: Candidate[] = []; // sorted by distance to target, length <= k
  let queries = 0;
  let failures = 0;

  const consider = (node: DhtNodeInfo): void => {
    const hex = toHex(node.id);
    if (seen.has(hex)) return;
    if (opts.selfId && bytesEqual(opts.selfId, node.id)) return;
    seen.add(hex);
    opts.onNode?.(node);
    const far = closest[closest.length - 1];
    if (closest.length >= k && compareDistance(target, node.id, far.node.id) >= 0) return;
    let i = closest.length;
    while (i > 0 && compareDistance(target, node.id, closest[i - 1].node.id) < 0) i--;
    closest.splice(i, 0, { node, state: 'pending' });
    if (closest.length > k) closest.pop();
  };

  const merge = (nodes: DhtNodeTl[]): void => {
    for (const raw of nodes) {
      let node: DhtNodeInfo;
      try {
        node = verifyDhtNode(raw, networkId);
      } catch (error) {
        if (error instanceof DhtError) continue; // C++ DhtNodesList drops bad nodes one by one
        throw error;
      }
      consider(node);
    }
  };

  for (const seed of seeds) consider(seed);

  return new Promise((resolve, reject) => {
    let active = 0;
    let done = false;
    const finish = (result: T | null, from: DhtNodeInfo | null): void => {
      if (done) return;
      done = true;
      const answered = closest.filter((c) => c.state === 'answered').map((c) => c.node);
      resolve({ result, from, answered, queries, failures });
    };
    const pump = (): void => {
      if (done) return;
      try {
        while (active < a && queries < maxQueries) {
          const next = closest.find((c) => c.state === 'pending');
          if (!next) break;
          next.state = 'inflight';
          active++;
          queries++;
          ask(next.node, () => done).then(
            (step) => {
              active--;
              if (done) return;
              if ('result' in step) {
                next.state = 'answered';
                finish(step.result, next.node);
                return;
              }
              next.state = 'answered';
              merge(step.nodes);
              pump();
            },
            (error: unknown) => {
              active--;
              failures++;
              opts.onFailure?.(next.node, error);
              closest = closest.filter((c) => c !== next); // a dead or lying node leaves the closest set
              pump();
            },
          );
        }
        if (active === 0) finish(null, null);
      } catch (error) {
        done = true;
        reject(error);
      }
    };
    pump();
  });
}

/** Iterative dht.findValue for `keyId`; DhtNotFoundError if no node returns a valid, acceptable value. */
export async function findValue(
  keyId: Uint8Array,
  seeds: DhtNodeInfo[],
  query: DhtQueryFn,
  opts: LookupOptions = {},
): Promise<FindValueResult> {
  const k = clampInt(opts.k, DEFAULT_K, 1, MAX_K);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const now = opts.now ?? unixNow;
  const out = await iterate<DhtValueInfo>(keyId, seeds, opts, async (node, finished) => {
    const bytes = await withTimeout(query(node, encodeFindValue(keyId, k), timeoutMs), timeoutMs);
    if (finished()) return { nodes: [] }; // a late answer after the lookup ended: not worth verifying
    const answer = decodeValueResult(bytes);
    if (answer.kind === 'notFound') return { nodes: answer.nodes };
    const info = verifyDhtValue(answer.value, now());
    if (!bytesEqual(info.keyId, keyId)) throw new DhtError('value for another key');
    if (isAcceptable(info, now())) return { result: info };
    // C++ DhtQueryFindValue: a stale overlay list is not an answer; ask the same node for closer nodes.
    return {
      nodes: decodeNodes(await withTimeout(query(node, encodeFindNode(keyId, k), timeoutMs), timeoutMs)),
    };
  });
  if (out.result === null || out.from === null) {
    throw new DhtNotFoundError(
      `DHT key ${toHex(keyId)} not found (${out.queries} queries, ${out.failures} failed)`,
    );
  }
  return { value: out.result, from: out.from, queries: out.queries, failures: out.failures };
}

/** Iterative dht.findNode: the k nodes closest to `keyId` that answered us. */
export async function findNodes(
  keyId: Uint8Array,
  seeds: DhtNodeInfo[],
  query: DhtQueryFn,
  opts: LookupOptions = {},
): Promise<FindNodesResult> {
  const k = clampInt(opts.k, DEFAULT_K, 1, MAX_K);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
  const out = await iterate<never>(keyId, seeds, opts, async (node) => ({
    nodes: decodeNodes(await withTimeout(query(node, encodeFindNode(keyId, k), timeoutMs), timeoutMs)),
  }));
  return { nodes: out.answered, queries: out.queries, failures: out.failures };
}
