/**
 * The storage protocol end to end between our StorageServer (seeder) and StorageClient (downloader) over an
 * in-memory network: sessions (ping, updateInit both ways), torrent info checked against the bag id, pieces
 * verified before use, several seeders in parallel, a seeder that dies or lies, the piece cache, serving by path.
 */
import { describe, expect, it } from 'vitest';
import { adnlId } from '../../../src/net/crypto/index.ts';
import { signOverlayNode } from '../../../src/net/dht/index.ts';
import {
  MemoryPieceCache,
  StorageError,
  bagOverlayId,
  buildTorrentInfo,
  hexOf,
  serveBagFile,
  type StoragePeerFinder,
} from '../../../src/net/storage/index.ts';
import { MemoryNet } from './memory-net.ts';
import { bytes, demoBag, peerOf, readAll, startClient, startSeeder, type Seeder } from './helpers.ts';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

function finderOf(seeders: Seeder[]): StoragePeerFinder & { lookups: number } {
  const f = {
    lookups: 0,
    async findOverlayNodes(overlayId: Uint8Array) {
      f.lookups++;
      const now = Math.floor(Date.now() / 1000);
      return seeders.map((s) => {
        const node = signOverlayNode(s.node.keyPair, overlayId, now);
        return { id: adnlId(s.node.keyPair.publicKey), publicKey: s.node.keyPair.publicKey, node };
      });
    },
    async resolveAddress(id: Uint8Array) {
      const s = seeders.find((x) => hexOf(adnlId(x.node.keyPair.publicKey)) === hexOf(id));
      if (!s) throw new Error('not found');
      return { publicKey: s.node.keyPair.publicKey, addresses: [s.node.address] };
    },
  };
  return f;
}

describe('StorageClient ⇄ StorageServer', () => {
  it('opens a bag from a given seeder, runs the session both ways, serves files by path', async () => {
    const net = new MemoryNet();
    const bag = demoBag();
    const seeder = startSeeder(net, [bag]);
    const { client, node } = startClient(net);
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    expect(hexOf(opened.bagId)).toBe(hexOf(bag.info.bagId));
    expect(opened.header.files.map((f) => f.name)).toEqual(bag.files.map((f) => f.name));

    const index = serveBagFile(opened, { method: 'GET', path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers).toContainEqual(['Content-Type', 'text/html; charset=utf-8']);
    expect(text(await readAll(index.body))).toBe('<!doctype html><h1>bag site</h1>');
    const big = serveBagFile(opened, { method: 'GET', path: '/big.bin' });
    expect(Buffer.from(await readAll(big.body)).equals(Buffer.from(bytes(100_000, 7)))).toBe(true);

    // The seeder's updateInit reached us (its have-pieces), and ours reached it.
    await new Promise((r) => setTimeout(r, 50));
    expect(seeder.server.stats.sessions).toBeGreaterThan(0);
    expect(node.rldpQueries).toBeGreaterThan(0);
    expect(opened.swarm.peers[0]).toMatchObject({ state: 'ready', source: 'static' });
    expect(seeder.server.stats.piecesServed).toBe(bag.info.piecesCount);
  });

  it('maps paths, ranges and conditional requests', async () => {
    const net = new MemoryNet();
    const bag = demoBag();
    const seeder = startSeeder(net, [bag]);
    const { client } = startClient(net);
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    const get = (path: string, headers: [string, string][] = [], method = 'GET') =>
      serveBagFile(opened, { method, path, headers });

    expect(text(await readAll(get('/docs/').body))).toBe('<p>docs</p>');
    expect(get('/docs')).toMatchObject({
      status: 301,
      headers: expect.arrayContaining([['Location', '/docs/']]),
    });
    expect(get('/nope.html').status).toBe(404);
    expect(get('/%E0%A4%A').status).toBe(400);
    expect(get('/index.html', [], 'POST').status).toBe(405);
    expect(get('/css/site.css').headers).toContainEqual(['Content-Type', 'text/css; charset=utf-8']);
    const head = get('/big.bin', [], 'HEAD');
    expect([head.status, head.body]).toEqual([200, null]);
    expect(head.headers).toContainEqual(['Content-Length', '100000']);

    const big = bytes(100_000, 7);
    const part = get('/big.bin', [['Range', 'bytes=4090-12300']]);
    expect(part.status).toBe(206);
    expect(part.headers).toContainEqual(['Content-Range', 'bytes 4090-12300/100000']);
    expect(Buffer.from(await readAll(part.body)).equals(Buffer.from(big.subarray(4090, 12301)))).toBe(true);
    const tail = get('/big.bin', [['Range', 'bytes=-10']]);
    expect(Buffer.from(await readAll(tail.body)).equals(Buffer.from(big.subarray(99_990)))).toBe(true);
    expect(get('/big.bin', [['Range', 'bytes=100000-']]).status).toBe(416);
    const etag = part.headers.find(([n]) => n === 'ETag')![1];
    expect(get('/big.bin', [['If-None-Match', etag]]).status).toBe(304);
    const empty = get('/empty.txt');
    expect([empty.status, empty.body]).toEqual([200, null]);
  });

  it('downloads from several seeders found in the DHT; survives one dying halfway', async () => {
    const net = new MemoryNet();
    const bag = demoBag(1024);
    const seeders = [startSeeder(net, [bag]), startSeeder(net, [bag])];
    const finder = finderOf(seeders);
    const { client } = startClient(net, { finder, cache: null, swarm: { maxInflightPerPeer: 2 } });
    const opened = await client.open(bag.info.bagId);
    const res = serveBagFile(opened, { method: 'GET', path: '/big.bin' }, { prefetch: 6 });
    const reader = res.body!.getReader();
    const chunks: Uint8Array[] = [];
    let got = 0;
    for (;;) {
      const r = await reader.read();
      if (r.done) break;
      chunks.push(r.value);
      got += r.value.length;
      if (got > 50_000 && !seeders[0].node.down) seeders[0].node.down = true;
    }
    expect(Buffer.concat(chunks).equals(Buffer.from(bytes(100_000, 7)))).toBe(true);
    expect(seeders[0].server.stats.piecesServed).toBeGreaterThan(0);
    expect(seeders[1].server.stats.piecesServed).toBeGreaterThan(0);
    expect(finder.lookups).toBeGreaterThanOrEqual(1);
  });

  it('a seeder that lies about pieces is dropped; the honest one completes the file', async () => {
    const net = new MemoryNet();
    const bag = demoBag(1024);
    const liar = startSeeder(net, [bag]);
    const honest = startSeeder(net, [bag]);
    liar.node.tamper = (answer) => {
      if (answer.length < 1000) return answer;
      const copy = answer.slice();
      copy[copy.length - 5] ^= 0x40; // inside the piece data
      return copy;
    };
    const { client } = startClient(net, { cache: null });
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(liar), peerOf(honest)] });
    const body = await readAll(serveBagFile(opened, { method: 'GET', path: '/big.bin' }).body);
    expect(Buffer.from(body).equals(Buffer.from(bytes(100_000, 7)))).toBe(true);
    const states = Object.fromEntries(opened.swarm.peers.map((p) => [p.address, p.state]));
    expect(states[`${liar.node.address.host}:${liar.node.address.port}`]).toBe('dead');
    expect(states[`${honest.node.address.host}:${honest.node.address.port}`]).toBe('ready');
  });

  it('refuses a torrent info that is not the bag asked for', async () => {
    const net = new MemoryNet();
    const bag = demoBag();
    const other = buildTorrentInfo({ ...bag.info, description: new TextEncoder().encode('another bag') });
    const seeder = startSeeder(net, [bag]);
    // The seeder answers getTorrentInfo with another bag's info for our overlay.
    seeder.node.tamper = (answer) =>
      answer.length < 400 && answer[0] === 0xee
        ? new Uint8Array([...answer.subarray(0, 4), ...tlBytes(other.boc)])
        : answer;
    const { client } = startClient(net, { cache: null });
    const error = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toBe('no-peers');
  });

  it('with no seeder: no-peers; with the cache: opens and reads with every seeder gone', async () => {
    const net = new MemoryNet();
    const bag = demoBag();
    const cache = new MemoryPieceCache();
    const nobody = startClient(net, { cache: null });
    const e = await nobody.client.open(bag.info.bagId).catch((x: unknown) => x);
    expect(e).toMatchObject({ kind: 'no-peers' });

    const seeder = startSeeder(net, [bag]);
    const first = startClient(net, { cache });
    const a = await first.client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    await readAll(serveBagFile(a, { method: 'GET', path: '/big.bin' }).body);
    await readAll(serveBagFile(a, { method: 'GET', path: '/' }).body);
    seeder.node.down = true;

    const second = startClient(net, { cache });
    const b = await second.client.open(bag.info.bagId);
    expect(text(await readAll(serveBagFile(b, { method: 'GET', path: '/' }).body))).toContain('bag site');
    expect(b.stats.piecesFromPeers).toBe(0);
    expect(second.node.adnlQueries + second.node.rldpQueries).toBe(0);
    expect((await cache.stats()).bags).toBe(1);
  });

  it('a damaged cache entry is not used', async () => {
    const net = new MemoryNet();
    const bag = demoBag();
    const cache = new MemoryPieceCache();
    await cache.putInfo(hexOf(bag.info.bagId), bag.info.boc);
    for (let i = 0; i < bag.info.piecesCount; i++) {
      const data = bag.piece(i).slice();
      if (i === 0) data[3] ^= 1;
      await cache.putPiece(hexOf(bag.info.bagId), i, { data, proof: bag.tree.proof(i) });
    }
    const seeder = startSeeder(net, [bag]);
    const { client } = startClient(net, { cache });
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    expect(opened.stats.piecesFromPeers).toBe(1); // piece 0 (the header) came again from the seeder
    expect(seeder.server.stats.piecesServed).toBe(1);
  });

  it('answers seeders only inside overlays of bags it has open', async () => {
    const net = new MemoryNet();
    const { client, node } = startClient(net);
    expect(client.handleAdnlQuery(node.self, new Uint8Array([1, 2, 3, 4]))).toBeNull();
    const overlay = bagOverlayId(new Uint8Array(32).fill(9));
    const q = new Uint8Array([
      0x43,
      0x84,
      0xfd,
      0xcc,
      ...overlay,
      0x11,
      0xf2,
      0xf3,
      0x44,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
    ]);
    expect(client.handleAdnlQuery(node.self, q)).toBeNull();
  });
});

/** TL `bytes` encoding of `b` (length prefix and padding). */
function tlBytes(b: Uint8Array): number[] {
  const head =
    b.length <= 253 ? [b.length] : [0xfe, b.length & 0xff, (b.length >> 8) & 0xff, (b.length >> 16) & 0xff];
  const out = [...head, ...b];
  while (out.length % 4) out.push(0);
  return out;
}
