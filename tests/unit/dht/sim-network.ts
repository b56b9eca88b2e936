/** An in-memory network of our own DhtServer handlers, with nodes that can time out or lie. */
import { keyPairFromSeed, type KeyPair } from '../../../src/net/crypto/index.ts';
import { DhtServer, type DhtNodeInfo, type DhtQueryFn } from '../../../src/net/dht/index.ts';

export const toHexForTests = (b: Uint8Array): string => Buffer.from(b).toString('hex');

export type Behaviour = 'honest' | 'silent' | 'garbage' | 'reject';

export interface SimNode {
  keyPair: KeyPair;
  server: DhtServer;
  info: DhtNodeInfo;
  behaviour: Behaviour;
  queries: number;
}

export interface SimNetwork {
  nodes: SimNode[];
  byId: Map<string, SimNode>;
  query: DhtQueryFn;
  /** Nodes in id order of distance to `target`, closest first. */
  closestTo(target: Uint8Array, n: number): SimNode[];
}

export function seededKeyPair(i: number, salt = 0): KeyPair {
  const seed = new Uint8Array(32);
  new DataView(seed.buffer).setUint32(0, i, true);
  new DataView(seed.buffer).setUint32(4, salt, true);
  seed[31] = 0x5a;
  return keyPairFromSeed(seed);
}

/** `count` servers on fake addresses 10.0.x.y; each knows every other one (as far as its buckets hold). */
export function makeSimNetwork(count: number, opts: { now?: () => number; salt?: number } = {}): SimNetwork {
  const nodes: SimNode[] = [];
  for (let i = 0; i < count; i++) {
    const keyPair = seededKeyPair(i, opts.salt);
    const server = new DhtServer({
      keyPair,
      addresses: [{ host: `10.0.${i >> 8}.${i & 255}`, port: 3000 + i }],
      now: opts.now,
    });
    nodes.push({ keyPair, server, info: server.info, behaviour: 'honest', queries: 0 });
  }
  for (const a of nodes) for (const b of nodes) if (a !== b) a.server.addNode(b.info);
  const byId = new Map(nodes.map((n) => [toHexForTests(n.info.id), n]));
  const query: DhtQueryFn = (node, bytes) => {
    const sim = byId.get(toHexForTests(node.id));
    if (!sim) return Promise.reject(new Error('no such node'));
    sim.queries++;
    switch (sim.behaviour) {
      case 'silent':
        return new Promise<Uint8Array>(() => {}); // never answers: the lookup's timeout must fire
      case 'garbage':
        return Promise.resolve(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
      case 'reject':
        return Promise.reject(new Error('unreachable'));
      default: {
        const answer = sim.server.handle(bytes);
        return answer ? Promise.resolve(answer) : Promise.reject(new Error('no answer'));
      }
    }
  };
  const closestTo = (target: Uint8Array, n: number): SimNode[] =>
    [...nodes]
      .sort((x, y) => {
        for (let i = 0; i < 32; i++) {
          const d = (x.info.id[i] ^ target[i]) - (y.info.id[i] ^ target[i]);
          if (d !== 0) return d;
        }
        return 0;
      })
      .slice(0, n);
  return { nodes, byId, query, closestTo };
}
