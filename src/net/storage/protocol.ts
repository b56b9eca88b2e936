/**
 * TL messages of the storage protocol (ton_api.tl storage.*, DIGEST §10.3): queries a peer may send us and the
 * answers we expect. Every decoder returns a typed value or throws StorageError('parse' | 'limit').
 */
import { TlError, tlDecode, tlEncode, tlNameOf, type TlCtor, type TlType } from '../tl/index.ts';
import { StorageError } from './errors.ts';
import { MAX_PROOF_BOC, MAX_STORAGE_QUERY, MAX_TORRENT_INFO_BOC } from './limits.ts';

export type StorageState = TlCtor<'storage.state'>;
export type StorageUpdate = TlType<'storage.Update'>;

/** A storage query as it arrives inside an overlay (over ADNL or RLDP). */
export type StorageQuery =
  | TlCtor<'storage.ping'>
  | TlCtor<'storage.addUpdate'>
  | TlCtor<'storage.getTorrentInfo'>
  | TlCtor<'storage.getPiece'>
  | TlCtor<'overlay.getRandomPeers'>;

const QUERY_NAMES = new Set<string>([
  'storage.ping',
  'storage.addUpdate',
  'storage.getTorrentInfo',
  'storage.getPiece',
  'overlay.getRandomPeers',
]);

function parseFailure(what: string, error: unknown): never {
  if (error instanceof TlError)
    throw new StorageError('parse', `${what}: ${error.message}`, { cause: error });
  throw error;
}

/** Decodes the inner query of an overlay query; StorageError('protocol') for a function we do not serve. */
export function decodeStorageQuery(bytes: Uint8Array): StorageQuery {
  if (bytes.length > MAX_STORAGE_QUERY) throw new StorageError('limit', `query of ${bytes.length} bytes`);
  if (bytes.length < 4) throw new StorageError('parse', 'query shorter than a constructor id');
  const name = tlNameOf(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true));
  if (name === undefined || !QUERY_NAMES.has(name)) {
    throw new StorageError('protocol', `not a storage query (${name ?? 'unknown constructor'})`);
  }
  try {
    return tlDecode<StorageQuery>(name, bytes);
  } catch (error) {
    return parseFailure(name, error);
  }
}

export function encodePing(sessionId: bigint): Uint8Array {
  return tlEncode({ _: 'storage.ping', session_id: sessionId });
}

export function encodeAddUpdate(sessionId: bigint, seqno: number, update: StorageUpdate): Uint8Array {
  return tlEncode({ _: 'storage.addUpdate', session_id: sessionId, seqno, update });
}

export function encodeGetTorrentInfo(): Uint8Array {
  return tlEncode({ _: 'storage.getTorrentInfo' });
}

export function encodeGetPiece(index: number): Uint8Array {
  return tlEncode({ _: 'storage.getPiece', piece_id: index });
}

export function encodeGetRandomPeers(nodes: TlCtor<'overlay.node'>[] = []): Uint8Array {
  return tlEncode({ _: 'overlay.getRandomPeers', peers: { _: 'overlay.nodes', nodes } });
}

export const PONG: Uint8Array = tlEncode({ _: 'storage.pong' });
export const OK: Uint8Array = tlEncode({ _: 'storage.ok' });

export function encodeTorrentInfoAnswer(boc: Uint8Array): Uint8Array {
  return tlEncode({ _: 'storage.torrentInfo', data: boc });
}

export function encodePieceAnswer(proof: Uint8Array, data: Uint8Array): Uint8Array {
  return tlEncode({ _: 'storage.piece', proof, data });
}

export function decodePong(bytes: Uint8Array): void {
  try {
    tlDecode('storage.Pong', bytes);
  } catch (error) {
    parseFailure('storage.pong', error);
  }
}

export function decodeOk(bytes: Uint8Array): void {
  try {
    tlDecode('Ok', bytes);
  } catch (error) {
    parseFailure('storage.ok', error);
  }
}

/** storage.torrentInfo → the BoC (empty when the peer has no info yet, as C++ answers). */
export function decodeTorrentInfoAnswer(bytes: Uint8Array): Uint8Array {
  if (bytes.length > MAX_TORRENT_INFO_BOC + 16)
    throw new StorageError('limit', 'torrent info answer too large');
  try {
    return tlDecode('storage.torrentInfo', bytes).data;
  } catch (error) {
    return parseFailure('storage.torrentInfo', error);
  }
}

/** storage.piece, with the data exactly `expectedLength` bytes and the proof within bounds. */
export function decodePieceAnswer(
  bytes: Uint8Array,
  expectedLength: number,
): { proof: Uint8Array; data: Uint8Array } {
  if (bytes.length > expectedLength + MAX_PROOF_BOC + 32) {
    throw new StorageError('limit', `piece answer of ${bytes.length} bytes`);
  }
  let piece: TlCtor<'storage.piece'>;
  try {
    piece = tlDecode('storage.piece', bytes);
  } catch (error) {
    return parseFailure('storage.piece', error);
  }
  if (piece.data.length !== expectedLength) {
    throw new StorageError('verify', `piece of ${piece.data.length} bytes, expected ${expectedLength}`);
  }
  if (piece.proof.length > MAX_PROOF_BOC) throw new StorageError('limit', 'piece proof too large');
  return piece;
}

export function decodeOverlayNodesAnswer(bytes: Uint8Array): TlCtor<'overlay.node'>[] {
  if (bytes.length > 64 << 10) throw new StorageError('limit', 'overlay.nodes answer too large');
  try {
    return tlDecode('overlay.nodes', bytes).nodes;
  } catch (error) {
    return parseFailure('overlay.nodes', error);
  }
}
