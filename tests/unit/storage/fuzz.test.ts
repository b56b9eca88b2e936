/**
 * Property tests of every storage decoder: random and mutated torrent-info BoCs, headers, piece proofs, storage
 * queries and answers, have-pieces blocks may only produce a result or a StorageError — never another exception,
 * a hang or a huge allocation. Plus round-trips of what we build.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HavePieces,
  MerkleTree,
  StorageError,
  buildTorrentHeader,
  buildTorrentInfo,
  decodeOverlayNodesAnswer,
  decodePieceAnswer,
  decodeStorageQuery,
  decodeTorrentInfoAnswer,
  encodeAddUpdate,
  encodeGetPiece,
  encodePieceAnswer,
  encodePing,
  parseTorrentHeader,
  parseTorrentInfo,
  verifyPieceProof,
} from '../../../src/net/storage/index.ts';
import { hex, vector } from './vector.ts';

function onlyStorageErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!(error instanceof StorageError)) throw error;
  }
}

/** `base` with a few random byte edits (flip, set, insert, delete, truncate). */
const mutated = (base: Uint8Array) =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate'),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((edits) => {
      let b = Array.from(base);
      for (const [op, pos, v] of edits) {
        const i = b.length === 0 ? 0 : pos % b.length;
        if (op === 'flip') b[i] ^= 1 << (v & 7);
        else if (op === 'set') b[i] = v;
        else if (op === 'insert') b.splice(i, 0, v);
        else if (op === 'delete') b.splice(i, 1);
        else b = b.slice(0, i);
      }
      return new Uint8Array(b);
    });

const infoBoc = hex(vector.torrent_info_boc_hex);
const headerBytes = hex(vector.header_tl_hex);
const info = parseTorrentInfo(infoBoc);
const piece176 = vector.pieces_full['176'];
const proof176 = hex(piece176.proof_boc_hex);
const data176 = hex(piece176.data_hex);

const fileName = fc
  .array(
    fc.stringMatching(/^[a-z0-9_.-]{1,8}$/).filter((s) => s !== '.' && s !== '..'),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join('/'));

describe('storage decoders never throw anything but StorageError', () => {
  it('torrent info: random bytes and mutated BoCs', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(infoBoc)), (bytes) => {
        onlyStorageErrors(() => parseTorrentInfo(bytes));
        onlyStorageErrors(() => parseTorrentInfo(bytes, info.bagId));
      }),
      { numRuns: 400 },
    );
  });

  it('torrent header: random bytes and mutated headers', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(headerBytes)), (bytes) => {
        onlyStorageErrors(() => parseTorrentHeader(bytes));
      }),
      { numRuns: 600 },
    );
  });

  it('a header claiming huge counts is refused before allocating', () => {
    const b = headerBytes.slice();
    new DataView(b.buffer).setUint32(4, 0xffffffff, true); // files_count
    expect(() => parseTorrentHeader(b)).toThrow(StorageError);
    const c = headerBytes.slice();
    new DataView(c.buffer).setUint32(12, 0x7fffffff, true); // tot_name_size high word
    expect(() => parseTorrentHeader(c)).toThrow(StorageError);
  });

  it('piece proofs: random bytes and mutated proofs never verify', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 500 }), mutated(proof176)), (proof) => {
        let ok = false;
        onlyStorageErrors(() => {
          verifyPieceProof({
            proof,
            rootHash: info.rootHash,
            index: 176,
            piecesCount: info.piecesCount,
            data: data176,
          });
          ok = true;
        });
        // Only the untouched proof (or an edit @ton/core and our header check both ignore) may pass.
        if (ok) expect(Buffer.from(proof).equals(Buffer.from(proof176))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('storage queries and answers: random and mutated bytes', () => {
    const samples = [
      encodePing(123n),
      encodeGetPiece(5),
      encodeAddUpdate(1n, 2, {
        _: 'storage.updateInit',
        have_pieces: new Uint8Array(20).fill(0xff),
        have_pieces_offset: 0,
        state: { _: 'storage.state', will_upload: true, want_download: false },
      }),
      encodePieceAnswer(proof176, data176),
    ];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), ...samples.map(mutated)), (bytes) => {
        onlyStorageErrors(() => decodeStorageQuery(bytes));
        onlyStorageErrors(() => decodePieceAnswer(bytes, 532));
        onlyStorageErrors(() => decodeTorrentInfoAnswer(bytes));
        onlyStorageErrors(() => decodeOverlayNodesAnswer(bytes));
      }),
      { numRuns: 400 },
    );
  });

  it('have-pieces blocks at any offset', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.uint8Array({ maxLength: 800 }),
        fc.integer(),
        (n, bits, off) => {
          const have = new HavePieces(n);
          onlyStorageErrors(() => have.addBlock(bits, off));
          expect(have.count).toBeLessThanOrEqual(n);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('round trips', () => {
  it('headers we build parse back to the same file table', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name: fileName, size: fc.nat({ max: 1e9 }) }), {
          minLength: 1,
          maxLength: 8,
          selector: (f) => f.name,
        }),
        fc.constantFrom('', 'site/', 'a/b/'),
        (files, dir) => {
          let bytes: Uint8Array;
          try {
            bytes = buildTorrentHeader(files, dir);
          } catch (error) {
            // e.g. "a" and "a/b" both listed: a file named like a directory
            expect(error).toBeInstanceOf(StorageError);
            return;
          }
          const h = parseTorrentHeader(bytes);
          expect(h.files.map((f) => [f.name, f.size])).toEqual(files.map((f) => [f.name, f.size]));
          expect(h.dirName).toBe(dir);
          expect(h.size).toBe(bytes.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('torrent infos we build parse back, descriptions up to 1024 bytes across cells', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1024 }),
        fc.integer({ min: 1, max: 1 << 23 }),
        fc.nat({ max: 2 ** 24 }),
        (description, pieceSize, fileSize) => {
          const built = buildTorrentInfo({
            pieceSize,
            fileSize,
            rootHash: new Uint8Array(32).fill(1),
            headerSize: Math.min(fileSize, 1000),
            headerHash: new Uint8Array(32).fill(2),
            description,
          });
          const back = parseTorrentInfo(built.boc, built.bagId);
          expect(Buffer.from(back.description).equals(Buffer.from(description))).toBe(true);
          expect([back.pieceSize, back.fileSize]).toEqual([pieceSize, fileSize]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('proofs of trees of 1..33 pieces verify, and not for another index', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]) {
      const data = Array.from({ length: n }, (_, i) => new Uint8Array([i, n, 7]));
      const tree = MerkleTree.fromData(new Uint8Array(data.flatMap((d) => [...d])), 3);
      for (let i = 0; i < n; i++) {
        const proof = tree.proof(i);
        verifyPieceProof({ proof, rootHash: tree.rootHash, index: i, piecesCount: n, data: data[i] });
        if (n > 1) {
          expect(() =>
            verifyPieceProof({
              proof,
              rootHash: tree.rootHash,
              index: (i + 1) % n,
              piecesCount: n,
              data: data[i],
            }),
          ).toThrow(StorageError);
        }
      }
    }
  });
});
