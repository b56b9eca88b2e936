/**
 * TorrentInfo (DIGEST §10.1): one ordinary cell `piece_size:uint32 file_size:uint64 root_hash:bits256
 * header_size:uint64 header_hash:bits256 description:CellText`. The bag id is the representation hash of that
 * cell; storage.getTorrentInfo answers its BoC, and the hash must equal the bag id we asked for.
 */
import { beginCell, type Cell } from '@ton/core';
import { asBuffer, cellFromBoc, cellHash, cellToBoc } from './boc.ts';
import { bytesEqual, fromUtf8, hexOf, utf8 } from './bytes.ts';
import { loadCellText, storeCellText } from './cell-text.ts';
import { StorageError } from './errors.ts';
import { MAX_BAG_SIZE, MAX_PIECE_SIZE, MAX_PIECES, MAX_TORRENT_INFO_BOC } from './limits.ts';

export interface TorrentInfoFields {
  pieceSize: number;
  /** Bytes of the bag stream: header + every file. */
  fileSize: number;
  /** Representation hash of the Merkle tree root over the pieces (DIGEST §10.2). */
  rootHash: Uint8Array;
  headerSize: number;
  /** sha256 of the header bytes. */
  headerHash: Uint8Array;
  /** Raw description bytes (usually UTF-8). */
  description: Uint8Array;
}

export interface TorrentInfo extends TorrentInfoFields {
  /** Representation hash of the TorrentInfo cell. */
  bagId: Uint8Array;
  /** ceil(fileSize / pieceSize). */
  piecesCount: number;
  /** The description as text (null if it is not valid UTF-8). */
  descriptionText: string | null;
  /** BoC of the cell, as served by storage.getTorrentInfo. */
  boc: Uint8Array;
}

function checkFields(f: TorrentInfoFields): number {
  if (!Number.isSafeInteger(f.pieceSize) || f.pieceSize < 1 || f.pieceSize > MAX_PIECE_SIZE) {
    throw new StorageError('limit', `piece size ${f.pieceSize} is outside 1..${MAX_PIECE_SIZE}`);
  }
  if (!Number.isSafeInteger(f.fileSize) || f.fileSize < 0 || f.fileSize > MAX_BAG_SIZE) {
    throw new StorageError('limit', `bag size ${f.fileSize} is not supported`);
  }
  if (!Number.isSafeInteger(f.headerSize) || f.headerSize < 0 || f.headerSize > f.fileSize) {
    throw new StorageError('parse', `header size ${f.headerSize} is above the bag size ${f.fileSize}`);
  }
  if (f.rootHash.length !== 32 || f.headerHash.length !== 32) {
    throw new StorageError('parse', 'root and header hashes must be 32 bytes');
  }
  const pieces = Math.ceil(f.fileSize / f.pieceSize);
  if (pieces > MAX_PIECES) throw new StorageError('limit', `${pieces} pieces is too many`);
  return pieces;
}

function complete(f: TorrentInfoFields, cell: Cell, boc: Uint8Array): TorrentInfo {
  const piecesCount = checkFields(f);
  return { ...f, bagId: cellHash(cell), piecesCount, descriptionText: fromUtf8(f.description), boc };
}

/** The TorrentInfo cell for these fields (throws StorageError on out-of-range values). */
export function buildTorrentInfo(fields: TorrentInfoFields): TorrentInfo {
  checkFields(fields);
  const b = beginCell()
    .storeUint(fields.pieceSize, 32)
    .storeUint(fields.fileSize, 64)
    .storeBuffer(asBuffer(fields.rootHash))
    .storeUint(fields.headerSize, 64)
    .storeBuffer(asBuffer(fields.headerHash));
  storeCellText(b, fields.description);
  const cell = b.endCell();
  return complete({ ...fields, description: fields.description.slice() }, cell, cellToBoc(cell));
}

/** Convenience: description given as text. */
export function torrentInfoFields(
  f: Omit<TorrentInfoFields, 'description'> & { description?: string },
): TorrentInfoFields {
  return { ...f, description: utf8(f.description ?? '') };
}

function readUint64(s: ReturnType<Cell['beginParse']>, what: string): number {
  const v = s.loadUintBig(64);
  if (v > BigInt(MAX_BAG_SIZE)) throw new StorageError('limit', `${what} ${v} is not supported`);
  return Number(v);
}

/** Parses a TorrentInfo cell (not a BoC). */
export function torrentInfoFromCell(cell: Cell, boc?: Uint8Array): TorrentInfo {
  if (cell.isExotic) throw new StorageError('parse', 'torrent info: exotic cell');
  const s = cell.beginParse();
  if (s.remainingBits < 32 + 64 + 256 + 64 + 256)
    throw new StorageError('parse', 'torrent info: cell too short');
  const pieceSize = s.loadUint(32);
  const fileSize = readUint64(s, 'bag size');
  const rootHash = new Uint8Array(s.loadBuffer(32));
  const headerSize = readUint64(s, 'header size');
  const headerHash = new Uint8Array(s.loadBuffer(32));
  const description = loadCellText(s);
  // Trailing bits/refs are not checked (C++ TorrentInfo::unpack does not either): the bag id covers them anyway.
  return complete(
    { pieceSize, fileSize, rootHash, headerSize, headerHash, description },
    cell,
    boc ?? cellToBoc(cell),
  );
}

/**
 * Parses a storage.torrentInfo BoC. With `expectedBagId`, the cell hash must equal it (StorageError('verify')):
 * the peer must not be able to hand us another bag's metadata.
 */
export function parseTorrentInfo(boc: Uint8Array, expectedBagId?: Uint8Array): TorrentInfo {
  const cell = cellFromBoc(boc, MAX_TORRENT_INFO_BOC, 'torrent info');
  if (expectedBagId && !bytesEqual(cellHash(cell), expectedBagId)) {
    throw new StorageError(
      'verify',
      `torrent info hashes to ${hexOf(cellHash(cell))}, not to the bag id ${hexOf(expectedBagId)}`,
    );
  }
  return torrentInfoFromCell(cell, boc.slice());
}

/** Byte length of piece `index` (the last one may be shorter). */
export function pieceLength(info: Pick<TorrentInfo, 'pieceSize' | 'fileSize'>, index: number): number {
  const start = index * info.pieceSize;
  return Math.max(0, Math.min(info.pieceSize, info.fileSize - start));
}
