/**
 * TON Storage codecs against the tonutils-storage vector: the bag id from the torrent-info BoC, the header's file
 * table, the overlay id, the query bytes, the Merkle root over the listed piece hashes and the three piece
 * proofs — and a flipped bit anywhere in a piece or a proof is rejected.
 */
import { describe, expect, it } from 'vitest';
import {
  MerkleTree,
  StorageError,
  bagOverlayId,
  buildTorrentHeader,
  buildTorrentInfo,
  checkHeaderFitsInfo,
  encodeGetPiece,
  encodeGetTorrentInfo,
  parseTorrentHeader,
  parseTorrentInfo,
  verifyPieceProof,
  wrapOverlayQuery,
} from '../../../src/net/storage/index.ts';
import { sha256 } from '../../../src/net/crypto/index.ts';
import { hex, toHex, vector } from './vector.ts';

const info = parseTorrentInfo(hex(vector.torrent_info_boc_hex), hex(vector.bag_id));

describe('storage-bag.json (tonutils-storage)', () => {
  it('bag id = hash of the torrent-info cell; fields as listed', () => {
    expect(toHex(info.bagId)).toBe(vector.bag_id);
    const f = vector.torrent_info_fields;
    expect(info.pieceSize).toBe(f.piece_size);
    expect(info.fileSize).toBe(f.file_size);
    expect(info.headerSize).toBe(f.header_size);
    expect(toHex(info.rootHash)).toBe(f.root_hash);
    expect(toHex(info.headerHash)).toBe(f.header_hash);
    expect(info.descriptionText).toBe(f.description);
    expect(info.piecesCount).toBe(vector.pieces_num);
  });

  it('rebuilding the torrent info from its fields gives the same cell (same bag id)', () => {
    const rebuilt = buildTorrentInfo(info);
    expect(toHex(rebuilt.bagId)).toBe(vector.bag_id);
  });

  it('a torrent info for another bag id is refused', () => {
    const other = hex(vector.bag_id);
    other[0] ^= 1;
    expect(() => parseTorrentInfo(hex(vector.torrent_info_boc_hex), other)).toThrow(StorageError);
  });

  it('the header parses to the listed files and fits the torrent info', () => {
    const bytes = hex(vector.header_tl_hex);
    expect(toHex(sha256(bytes))).toBe(vector.header_sha256);
    expect(toHex(sha256(bytes))).toBe(toHex(info.headerHash));
    const header = parseTorrentHeader(bytes);
    expect(header.dirName).toBe('site/');
    expect(header.files.map((f) => [f.name, f.size])).toEqual([
      ['20mb.bin', 20 * 1024 * 1024],
      ['2mb.bin', 2 * 1024 * 1024],
      ['index.html', header.files[2].size],
      ['style.css', header.files[3].size],
    ]);
    expect(header.files[2].size).toBeGreaterThan(0);
    checkHeaderFitsInfo(header, info);
    // Our builder writes the same bytes for the same file table.
    expect(toHex(buildTorrentHeader(header.files, header.dirName))).toBe(vector.header_tl_hex);
  });

  it('the header is the start of piece 0', () => {
    const piece0 = hex(vector.pieces_full['0'].data_hex);
    expect(toHex(piece0.subarray(0, info.headerSize))).toBe(vector.header_tl_hex);
  });

  it('overlay id and the overlay-wrapped queries', () => {
    const overlay = bagOverlayId(info.bagId);
    expect(toHex(overlay)).toBe(vector.overlay_id);
    expect(toHex(encodeGetPiece(0))).toBe(vector.get_piece_0_query_tl_hex);
    expect(toHex(encodeGetTorrentInfo())).toBe(vector.get_torrent_info_query_tl_hex);
    expect(toHex(wrapOverlayQuery(overlay, encodeGetPiece(0)))).toBe(vector.overlay_query_get_piece_0_tl_hex);
  });

  it('the Merkle root over the listed piece hashes is the root hash', () => {
    const tree = new MerkleTree(vector.piece_data_sha256.map(hex));
    expect(tree.depth).toBe(8);
    expect(toHex(tree.rootHash)).toBe(vector.torrent_info_fields.root_hash);
  });

  for (const [index, piece] of Object.entries(vector.pieces_full)) {
    const check = () => ({
      proof: hex(piece.proof_boc_hex),
      rootHash: info.rootHash,
      index: Number(index),
      piecesCount: info.piecesCount,
      data: hex(piece.data_hex),
    });

    it(`piece ${index}: the proof verifies; a flipped bit in the data or the proof is rejected`, () => {
      expect(check().data.length).toBe(piece.data_len);
      expect(toHex(sha256(check().data))).toBe(vector.piece_data_sha256[Number(index)]);
      verifyPieceProof(check());
      // Another index with the same proof fails.
      expect(() => verifyPieceProof({ ...check(), index: (Number(index) + 2) % info.piecesCount })).toThrow(
        StorageError,
      );
      const data = check().data;
      for (const bit of [0, 7, data.length * 4 + 3, data.length * 8 - 1]) {
        const c = check();
        c.data[bit >> 3] ^= 1 << (bit & 7);
        expect(() => verifyPieceProof(c), `data bit ${bit}`).toThrow(StorageError);
      }
      const proofBits = check().proof.length * 8;
      for (let bit = 0; bit < proofBits; bit += 13) {
        const c = check();
        c.proof[bit >> 3] ^= 1 << (bit & 7);
        expect(() => verifyPieceProof(c), `proof bit ${bit}`).toThrow(StorageError);
      }
    });

    it(`piece ${index}: our own tree builds a proof that verifies`, () => {
      const tree = new MerkleTree(vector.piece_data_sha256.map(hex));
      verifyPieceProof({ ...check(), proof: tree.proof(Number(index)) });
    });
  }
});
