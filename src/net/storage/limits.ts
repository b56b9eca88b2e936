/**
 * Sizes of TON Storage (DIGEST §10) and the limits that bound what a peer can make us allocate.
 */

/** C++ storage-daemon default piece size (128 KiB); we create bags with it. */
export const DEFAULT_PIECE_SIZE = 128 * 1024;

/** Largest piece size we accept (DIGEST §10.1: piece_size in 1..2^23). */
export const MAX_PIECE_SIZE = 1 << 23;

/** Largest TorrentInfo description in bytes (DIGEST §10.1; C++ CellText max_bytes). */
export const MAX_DESCRIPTION_BYTES = 1024;

/** Most cells a CellText chain may span (C++ CellText max_chain_length). */
export const MAX_TEXT_CHAIN = 16;

/** Largest torrent header we download and parse (it is held whole in memory). */
export const MAX_HEADER_SIZE = 16 << 20;

/** Most files in one bag (tonutils-storage refuses more). */
export const MAX_FILES = 1_000_000;

/** Longest file or directory name in a header. */
export const MAX_NAME_BYTES = 4096;

/**
 * Largest bag (file_size): pieces are addressed by an int32 piece_id and offsets must stay exact in a JS number.
 */
export const MAX_BAG_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Most pieces in a bag we open (piece_id is an int on the wire, but a have-pieces bitmap is pieces/8 bytes per
 * peer, so a forged TorrentInfo with a tiny piece size must not make us allocate hundreds of MB): 2^24 pieces,
 * 2 TiB at the default piece size.
 */
export const MAX_PIECES = 1 << 24;

/** Largest storage.torrentInfo BoC we parse (one cell plus a description chain is well under 4 KiB). */
export const MAX_TORRENT_INFO_BOC = 16 << 10;

/** Largest piece proof BoC we parse (a path of <= 31 inner cells with pruned siblings is ~3 KiB). */
export const MAX_PROOF_BOC = 16 << 10;

/**
 * Bytes of pieces a stream asks for ahead of the one it is delivering (4 MiB: 32 pieces of 128 KiB). It bounds what
 * a stream buffers, not what is on the wire: each peer gets at most SwarmOptions.maxInflightPerPeer requests at a
 * time and the rest wait in the swarm, so a slow piece no longer drains the pipe while the ones after it are done
 * (with 8 ahead and 8 in flight it did). tonutils-storage keeps 16 pieces per core ×2 ahead (storage/download.go
 * DownloadPrefetch) and at most 10 requests per peer (storage/server.go bootstrapPeer: dataQueue).
 */
export const PREFETCH_BYTES = 4 << 20;

/** Pieces a stream asks for ahead: PREFETCH_BYTES of them, at least 2 and at most 64. */
export function defaultPrefetch(pieceSize: number): number {
  return Math.min(64, Math.max(2, Math.floor(PREFETCH_BYTES / pieceSize)));
}

/** max_answer_size of storage.getPiece over RLDP (DIGEST §10.3: 4096 + 2 * piece_size). */
export function pieceMaxAnswer(pieceSize: number): number {
  return 4096 + 2 * pieceSize;
}

/** max_answer_size of storage.getTorrentInfo over RLDP. */
export const TORRENT_INFO_MAX_ANSWER = 64 << 10;

/** have_pieces bytes per storage.updateInit (C++ UPDATE_INIT_BLOCK_SIZE is 6000 bytes). */
export const UPDATE_INIT_BLOCK_BYTES = 6000;

/** Largest incoming storage query we decode (addUpdate with a full updateInit block and TL overhead). */
export const MAX_STORAGE_QUERY = 16 << 10;
