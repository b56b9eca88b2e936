/**
 * src/net/storage: TON Storage (DIGEST §6, §10) — bags (TorrentInfo, header, Merkle tree and piece proofs), the
 * storage protocol inside a bag's overlay (both ends), peers from the DHT, a multi-peer downloader, a piece cache
 * interface, and serving a bag's files by path. The layer's single entry point.
 */
export { StorageError, type StorageErrorKind } from './errors.ts';
export * from './limits.ts';
export { hexOf } from './bytes.ts';
export {
  buildTorrentInfo,
  parseTorrentInfo,
  pieceLength,
  type TorrentInfo,
  type TorrentInfoFields,
} from './torrent-info.ts';
export {
  buildTorrentHeader,
  checkHeaderFitsInfo,
  parseTorrentHeader,
  type BagFile,
  type TorrentHeader,
} from './header.ts';
export { MerkleTree, leafCellHash, merkleDepth, verifyPieceProof, type PieceProofCheck } from './merkle.ts';
export { bagOverlayId, unwrapOverlayQuery, wrapOverlayQuery } from './overlay.ts';
export {
  OK,
  decodeOk,
  decodeOverlayNodesAnswer,
  decodePieceAnswer,
  decodePong,
  decodeStorageQuery,
  decodeTorrentInfoAnswer,
  encodeAddUpdate,
  encodeGetPiece,
  encodeGetTorrentInfo,
  encodePieceAnswer,
  encodePing,
  type StorageQuery,
  type StorageState,
  type StorageUpdate,
} from './protocol.ts';
export { BagData } from './bag-data.ts';
export { createBag, type BagFileInput, type BuiltBag, type CreateBagOptions } from './create.ts';
export { HavePieces } from './have-pieces.ts';
export { SessionTable, applyUpdate, type StorageSession } from './sessions.ts';
export {
  queryFailureKind,
  type IncomingRldpContext,
  type StorageAdnl,
  type StoragePeerAddress,
  type StoragePeerFinder,
  type StorageRldp,
  type UdpAddress,
} from './transport.ts';
export { MemoryPieceCache, type CachedPiece, type PieceCache, type PieceCacheStats } from './cache.ts';
export {
  StorageServer,
  type SeededBag,
  type StorageServerOptions,
  type StorageServerStats,
} from './server.ts';
export { BagSwarm, type SwarmContext, type SwarmOptions, type SwarmPeerInfo } from './swarm.ts';
export { OpenBag, type BagReadStats } from './bag.ts';
export { StorageClient, type OpenOptions, type StorageClientOptions } from './client.ts';
export { contentTypeOf } from './content-type.ts';
export {
  parseByteRange,
  serveBagFile,
  type BagHeaderList,
  type BagRequest,
  type BagResponse,
  type ServeOptions,
} from './serve.ts';
