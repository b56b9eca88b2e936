/**
 * Creating a bag from files (C++ Torrent::Creator::finalize, tonutils-storage CreateTorrent): header (file table
 * sorted by name, so the same files give the same bag id whatever order they were listed in), pieces of
 * `pieceSize` over header ‖ files, their Merkle tree, and the TorrentInfo cell whose hash is the bag id.
 * Deterministic: no clock, no randomness.
 */
import { sha256 } from '../crypto/index.ts';
import { BagData } from './bag-data.ts';
import { utf8 } from './bytes.ts';
import { StorageError } from './errors.ts';
import { buildTorrentHeader, parseTorrentHeader, type TorrentHeader } from './header.ts';
import { DEFAULT_PIECE_SIZE } from './limits.ts';
import { MerkleTree } from './merkle.ts';
import { buildTorrentInfo, pieceLength, type TorrentInfo } from './torrent-info.ts';

export interface BagFileInput {
  /** Path inside the bag ('/'-separated, no leading '/'). */
  name: string;
  data: Uint8Array;
}

export interface CreateBagOptions {
  /** Default 128 KiB (the C++ daemon's default). */
  pieceSize?: number;
  description?: string;
  /** Top directory name recorded in the header (C++/tonutils record the source directory, e.g. "site/"). */
  dirName?: string;
}

/** A bag held in memory: what a seeder serves. */
export interface BuiltBag {
  info: TorrentInfo;
  header: TorrentHeader;
  headerBytes: Uint8Array;
  tree: MerkleTree;
  /** The files in header order. */
  files: BagFileInput[];
  data: BagData;
  /** Bytes of piece `index`. */
  piece(index: number): Uint8Array;
}

/** Orders names by their UTF-8 bytes (the order is part of the bag id). */
function compareNames(a: string, b: string): number {
  const x = utf8(a);
  const y = utf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

export function createBag(input: BagFileInput[], options: CreateBagOptions = {}): BuiltBag {
  const pieceSize = options.pieceSize ?? DEFAULT_PIECE_SIZE;
  if (!Number.isSafeInteger(pieceSize) || pieceSize < 1) throw new StorageError('limit', 'bad piece size');
  const files = [...input].sort((a, b) => compareNames(a.name, b.name));
  const headerBytes = buildTorrentHeader(
    files.map((f) => ({ name: f.name, size: f.data.length })),
    options.dirName ?? '',
  );
  const header = parseTorrentHeader(headerBytes);
  const data = new BagData([headerBytes, ...files.map((f) => f.data)]);
  const hashes: Uint8Array[] = [];
  for (let at = 0; at < data.size; at += pieceSize) {
    hashes.push(sha256(data.read(at, Math.min(pieceSize, data.size - at))));
  }
  const tree = new MerkleTree(hashes);
  const info = buildTorrentInfo({
    pieceSize,
    fileSize: data.size,
    rootHash: tree.rootHash,
    headerSize: headerBytes.length,
    headerHash: sha256(headerBytes),
    description: utf8(options.description ?? ''),
  });
  return {
    info,
    header,
    headerBytes,
    tree,
    files,
    data,
    piece: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= info.piecesCount) {
        throw new StorageError('not-found', `piece ${index} is outside the bag`);
      }
      return data.read(index * pieceSize, pieceLength(info, index));
    },
  };
}
