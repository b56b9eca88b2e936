/**
 * TON Storage faults (issue 15 item 7), on loopback with devnet seeders (src/devnet/storage/seeder.ts) and the
 * downloader the gateway runs (AdnlNode → RldpNode → StorageClient):
 *
 * - A lying seeder (helpers/storage-peers.ts startLyingSeeder) serves the bag's torrent info and header honestly
 *   and then, for every piece of the file, corrupted bytes, the proof of another piece, a truncated proof, or the
 *   piece of another bag with that bag's valid proof. Beside two honest seeders, the download completes
 *   byte-identical; the liar is dropped at its first lie (its state is `dead`) and gets no request after that
 *   beyond those already on the wire (at most maxInflightPerPeer). As the only seeder, the read fails with a
 *   StorageError('no-peers') whose cause is the verification failure, well within the attempt limits (no hang).
 *   Lying about the header pieces too makes open() fail the same way.
 * - A hostile bag: a bag whose TorrentInfo is genuine (its hash is the bag id asked for) but whose header declares
 *   2^31 files, a 2^30-byte name, a total size beyond the bag, or overlapping / out-of-range file offsets, served
 *   by a devnet seeder: open() refuses it with a typed StorageError, and the bytes it had to hold are the header's
 *   (a few hundred bytes), not anything sized by the declared numbers. A fast-check property does the same over
 *   random header fields (counts and sizes up to 2^32 and 2^53 in a header of a few hundred bytes): a typed error or
 *   a file table that fits the bytes given.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSeeder, type Seeder } from '../../src/devnet/storage/index.ts';
import { generateKeyPair, sha256 } from '../../src/net/crypto/index.ts';
import {
  buildTorrentHeader,
  buildTorrentInfo,
  createBag,
  MerkleTree,
  parseTorrentHeader,
  StorageError,
  type BuiltBag,
  type SeededBag,
} from '../../src/net/storage/index.ts';
import {
  peerOf,
  startLyingSeeder,
  storageDownloader,
  type Downloader,
  type PieceLie,
} from './helpers/storage-peers.ts';
import { noise } from '../unit/noise.ts';

const utf8Bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const read = async (body: ReadableStream<Uint8Array>): Promise<Uint8Array> =>
  new Uint8Array(await new Response(body).arrayBuffer());

const PIECE = 64 * 1024;
/** 40 pieces of file after the header piece. */
const bag = createBag([{ name: 'data.bin', data: noise(40 * PIECE + 1234, 7) }], { pieceSize: PIECE });
const other = createBag([{ name: 'other.bin', data: noise(40 * PIECE + 1234, 8) }], { pieceSize: PIECE });
const fileBytes = bag.files[0].data;

let honest: Seeder[] = [];
const started: { stop(): void }[] = [];
const downloaders: Downloader[] = [];

beforeAll(async () => {
  honest = [
    await startSeeder({ keyPair: generateKeyPair(), bags: [bag] }),
    await startSeeder({ keyPair: generateKeyPair(), bags: [bag] }),
  ];
  started.push(...honest);
});

afterAll(() => {
  for (const d of downloaders) d.close();
  for (const s of started) s.stop();
});

async function downloader(): Promise<Downloader> {
  // Short timeouts only shorten the test; the outcome does not depend on them.
  // No hedging on loopback (stall 4 s): a liar's slower answer is then always the one checked, never one dropped
  // because an honest seeder answered the hedge first (the liar would stay 'ready', its lie never seen).
  const d = await storageDownloader({
    pieceTimeoutMs: 5000,
    connectTimeoutMs: 1000,
    initialStallMs: 4000,
    minStallMs: 4000,
    maxStallMs: 4000,
  });
  downloaders.push(d);
  return d;
}

const LIES: PieceLie[] = ['corrupt-data', 'wrong-proof', 'truncated-proof', 'other-bag'];
const MAX_INFLIGHT = 8; // SwarmOptions.maxInflightPerPeer default

describe('a seeder serving wrong pieces or wrong proofs', () => {
  it.each(LIES)(
    '%s: dropped, and the download finishes byte-identical from the honest seeders',
    async (lie) => {
      const liar = await startLyingSeeder(bag, lie, other);
      started.push(liar);
      const d = await downloader();
      // The liar alone opens the bag (its header pieces are honest); the honest seeders join as the file streams,
      // still connecting when the first pieces are asked, so the liar is asked first whatever the timing.
      const opened = await d.client.open(bag.info.bagId, { peers: [peerOf(liar)] });
      opened.swarm.addStaticPeers(honest.map(peerOf));
      const file = opened.file('data.bin')!;
      const start = opened.fileStart(file);
      const got = await read(opened.stream(start, start + file.size));
      expect(got.length).toBe(fileBytes.length);
      expect(hex(got)).toBe(hex(fileBytes));

      expect(liar.lies).toBeGreaterThan(0);
      // Dropped at its first lie: nothing asked after that beyond what was already on the wire.
      expect(liar.lies).toBeLessThanOrEqual(MAX_INFLIGHT);
      const liarId = Buffer.from(liar.adnlId).toString('hex');
      const info = opened.swarm.peers.find((p) => p.adnlId === liarId)!;
      expect(info.state).toBe('dead');
      const served = honest.reduce((n, s) => n + s.server.stats.piecesServed, 0);
      expect(served).toBeGreaterThanOrEqual(opened.info.piecesCount - 1);
    },
  );

  it.each(LIES)('%s as the only seeder: a typed StorageError, no hang', async (lie) => {
    const liar = await startLyingSeeder(bag, lie, other);
    started.push(liar);
    const d = await downloader();
    const opened = await d.client.open(bag.info.bagId, { peers: [peerOf(liar)] });
    const file = opened.file('data.bin')!;
    const start = opened.fileStart(file);
    const error = await read(opened.stream(start, start + file.size)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toBe('no-peers');
    const cause = (error as StorageError).cause;
    expect(cause).toBeInstanceOf(StorageError);
    expect(['verify', 'parse']).toContain((cause as StorageError).kind);
    expect(liar.lies).toBeLessThanOrEqual(MAX_INFLIGHT);
  });

  it('a liar stays dropped for the bag: a later read does not revive it', async () => {
    const liar = await startLyingSeeder(bag, 'corrupt-data', other);
    started.push(liar);
    // Revival after 1 ms: a peer dropped for timeouts would be tried again at the next discovery.
    const d = await storageDownloader({ pieceTimeoutMs: 5000, connectTimeoutMs: 1000, reviveAfterMs: 1 });
    downloaders.push(d);
    const opened = await d.client.open(bag.info.bagId, { peers: [peerOf(liar)] });
    const file = opened.file('data.bin')!;
    const start = opened.fileStart(file);
    await expect(read(opened.stream(start, start + file.size))).rejects.toThrow(StorageError);
    // Answers to the requests that were on the wire when it was dropped may still arrive: let them.
    await new Promise((r) => setTimeout(r, 300));
    const lies = liar.lies;
    expect(lies).toBeGreaterThan(0);
    expect(lies).toBeLessThanOrEqual(MAX_INFLIGHT);
    const again = await read(opened.stream(start, start + file.size)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(again).toBeInstanceOf(StorageError);
    expect((again as StorageError).kind).toBe('no-peers');
    expect(liar.lies).toBe(lies);
  });

  it('a liar about the header pieces too: open() fails with a typed StorageError', async () => {
    const liar = await startLyingSeeder(bag, 'corrupt-data', other, 0);
    started.push(liar);
    const d = await downloader();
    const error = await d.client.open(bag.info.bagId, { peers: [peerOf(liar)] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).kind).toBe('no-peers');
    expect(liar.lies).toBeGreaterThan(0);
  });
});

// ---- hostile headers ----

const FIXED = 32;
const MAGIC = 0x9128aab7;
const FEC_NONE = 0xc82a1964;

/** A header with any field values (little-endian, as C++ TorrentHeader::store), names and offsets as given. */
function rawHeader(h: {
  count: number;
  totName: number;
  names: Uint8Array;
  nameEnds: number[];
  dataEnds: number[];
  dirName?: Uint8Array;
}): Uint8Array {
  const dir = h.dirName ?? new Uint8Array(0);
  const out = new Uint8Array(FIXED + dir.length + 16 * h.nameEnds.length + h.names.length);
  const v = new DataView(out.buffer);
  const u64 = (at: number, x: number): void => {
    v.setUint32(at, x % 2 ** 32, true);
    v.setUint32(at + 4, Math.floor(x / 2 ** 32), true);
  };
  v.setUint32(0, MAGIC, true);
  v.setUint32(4, h.count, true);
  u64(8, h.totName);
  u64(16, 0);
  v.setUint32(24, FEC_NONE, true);
  v.setUint32(28, dir.length, true);
  out.set(dir, FIXED);
  let at = FIXED + dir.length;
  for (const e of h.nameEnds) u64((at += 8) - 8, e);
  for (const e of h.dataEnds) u64((at += 8) - 8, e);
  out.set(h.names, at);
  return out;
}

/**
 * A bag whose TorrentInfo is genuine for `header` (its hash is the bag id; header_hash, root hash over the real
 * pieces) and whose data area is `dataSize` bytes of zeros, or `fileSize` declared outright.
 */
function hostileBag(header: Uint8Array, dataSize: number): SeededBag & { info: BuiltBag['info'] } {
  const pieceSize = 4096;
  const stream = new Uint8Array(header.length + dataSize);
  stream.set(header);
  const tree = MerkleTree.fromData(stream, pieceSize);
  const info = buildTorrentInfo({
    pieceSize,
    fileSize: stream.length,
    rootHash: tree.rootHash,
    headerSize: header.length,
    headerHash: sha256(header),
    description: utf8Bytes('hostile header'),
  });
  return {
    info,
    tree,
    piece: (i) => stream.subarray(i * pieceSize, Math.min(stream.length, (i + 1) * pieceSize)),
  };
}

const names = utf8Bytes('a.txtb.txt');
const HOSTILE: [string, Uint8Array, number][] = [
  [
    '2^31 files',
    rawHeader({ count: 2 ** 31, totName: 5, names: names.subarray(0, 5), nameEnds: [5], dataEnds: [10] }),
    10,
  ],
  [
    'a name of 2^30 bytes',
    rawHeader({
      count: 1,
      totName: 2 ** 30,
      names: names.subarray(0, 5),
      nameEnds: [2 ** 30],
      dataEnds: [10],
    }),
    10,
  ],
  [
    'a total size of 2^52 bytes, far beyond the bag',
    rawHeader({ count: 1, totName: 5, names: names.subarray(0, 5), nameEnds: [5], dataEnds: [2 ** 52] }),
    10,
  ],
  [
    'a file ending beyond the bag',
    rawHeader({ count: 2, totName: 10, names, nameEnds: [5, 10], dataEnds: [10, 5000] }),
    20,
  ],
  [
    'overlapping files (offsets going back)',
    rawHeader({ count: 2, totName: 10, names, nameEnds: [5, 10], dataEnds: [20, 10] }),
    20,
  ],
  [
    'a name offset beyond the names',
    rawHeader({ count: 2, totName: 10, names, nameEnds: [5, 2 ** 40], dataEnds: [10, 20] }),
    20,
  ],
  [
    'a dir name of 2^31 bytes',
    (() => {
      const h = rawHeader({
        count: 1,
        totName: 5,
        names: names.subarray(0, 5),
        nameEnds: [5],
        dataEnds: [10],
      });
      new DataView(h.buffer).setUint32(28, 2 ** 31, true);
      return h;
    })(),
    10,
  ],
];

describe('a bag header declaring absurd counts or sizes', () => {
  it.each(HOSTILE)('%s: open() refuses it with a typed error', async (_what, header, dataSize) => {
    expect(header.length).toBeLessThan(200);
    const hostile = hostileBag(header, dataSize);
    const seeder = await startSeeder({ keyPair: generateKeyPair(), bags: [hostile] });
    started.push(seeder);
    const d = await downloader();
    const before = process.memoryUsage().arrayBuffers;
    const error = await d.client.open(hostile.info.bagId, { peers: [peerOf(seeder)] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect(['parse', 'limit', 'verify']).toContain((error as StorageError).kind);
    // Only the header's own bytes were fetched: nothing sized by the declared numbers.
    expect(seeder.server.stats.bytesServed).toBe(Math.min(hostile.info.fileSize, 4096));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 << 20);
  });

  it('the honest counterpart of those headers opens (the harness is sound)', async () => {
    const header = buildTorrentHeader([
      { name: 'a.txt', size: 10 },
      { name: 'b.txt', size: 10 },
    ]);
    const hostile = hostileBag(header, 20);
    const seeder = await startSeeder({ keyPair: generateKeyPair(), bags: [hostile] });
    started.push(seeder);
    const d = await downloader();
    const opened = await d.client.open(hostile.info.bagId, { peers: [peerOf(seeder)] });
    expect(opened.header.files.map((f) => [f.name, f.size])).toEqual([
      ['a.txt', 10],
      ['b.txt', 10],
    ]);
  });
});

describe('random header fields', () => {
  const u64 = fc.oneof(
    fc.integer({ min: 0, max: 64 }),
    fc.integer({ min: 0, max: 2 ** 32 }),
    fc.constantFrom(2 ** 30, 2 ** 31, 2 ** 32 - 1, 2 ** 52, Number.MAX_SAFE_INTEGER),
  );
  it('a typed error, or a file table that fits the bytes given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 8 }), fc.constantFrom(2 ** 20, 2 ** 31, 2 ** 32 - 1)),
        u64,
        fc.array(u64, { maxLength: 8 }),
        fc.array(u64, { maxLength: 8 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 ** 32 - 1 })),
        (count, totName, nameEnds, dataEnds, nameBytes, dirLen) => {
          const n = Math.min(nameEnds.length, dataEnds.length);
          const header = rawHeader({
            count,
            totName,
            names: nameBytes,
            nameEnds: nameEnds.slice(0, n),
            dataEnds: dataEnds.slice(0, n),
          });
          new DataView(header.buffer).setUint32(28, dirLen, true);
          let parsed;
          try {
            parsed = parseTorrentHeader(header);
          } catch (error) {
            expect(error).toBeInstanceOf(StorageError);
            expect(['parse', 'limit']).toContain((error as StorageError).kind);
            return;
          }
          expect(parsed.files.length).toBeLessThanOrEqual((header.length - FIXED) / 16);
          let end = 0;
          for (const f of parsed.files) {
            expect(f.offset).toBe(end);
            expect(f.size).toBeGreaterThanOrEqual(0);
            end = f.offset + f.size;
          }
          expect(parsed.dataSize).toBe(end);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
