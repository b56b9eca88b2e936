/** Seeders and downloaders wired over the in-memory network (memory-net.ts). */
import {
  StorageClient,
  StorageServer,
  createBag,
  type BuiltBag,
  type PieceCache,
  type StoragePeerFinder,
  type SwarmOptions,
} from '../../../src/net/storage/index.ts';
import { MemoryNet, type MemoryNode } from './memory-net.ts';

export interface Seeder {
  node: MemoryNode;
  server: StorageServer;
}

export function startSeeder(net: MemoryNet, bags: BuiltBag[]): Seeder {
  const node = net.node();
  const server = new StorageServer({
    adnl: node,
    rldp: node.rldp,
    keyPair: node.keyPair,
    queryTimeoutMs: 500,
  });
  for (const bag of bags) server.addBag(bag);
  node.onAdnlQuery = (peer, q) => server.handleAdnlQuery(peer, q);
  node.onRldpQuery = (peer, q, ctx) => server.handleRldpQuery(peer, q, ctx);
  return { node, server };
}

export interface Leecher {
  node: MemoryNode;
  client: StorageClient;
}

export function startClient(
  net: MemoryNet,
  opts: { cache?: PieceCache | null; finder?: StoragePeerFinder | null; swarm?: SwarmOptions } = {},
): Leecher {
  const node = net.node();
  const client = new StorageClient({
    adnl: node,
    rldp: node.rldp,
    cache: opts.cache,
    finder: opts.finder ?? null,
    swarm: {
      connectTimeoutMs: 200,
      connectAttempts: 1,
      pieceTimeoutMs: 1000,
      initialStallMs: 300,
      ...opts.swarm,
    },
  });
  node.onAdnlQuery = (peer, q) => client.handleAdnlQuery(peer, q);
  node.onRldpQuery = (peer, q, ctx) => client.handleRldpQuery(peer, q, ctx);
  return { node, client };
}

export const peerOf = (s: Seeder) => ({ publicKey: s.node.keyPair.publicKey, address: s.node.address });

/** Deterministic pseudo-random bytes. */
export function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function demoBag(pieceSize = 4096): BuiltBag {
  return createBag(
    [
      { name: 'index.html', data: new TextEncoder().encode('<!doctype html><h1>bag site</h1>') },
      { name: 'css/site.css', data: new TextEncoder().encode('h1 { color: teal }') },
      { name: 'big.bin', data: bytes(100_000, 7) },
      { name: 'docs/index.html', data: new TextEncoder().encode('<p>docs</p>') },
      { name: 'empty.txt', data: new Uint8Array(0) },
    ],
    { pieceSize, description: 'unit test bag', dirName: 'site/' },
  );
}

export async function readAll(body: ReadableStream<Uint8Array> | null): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  return new Uint8Array(await new Response(body).arrayBuffer());
}
