/**
 * Peers for the storage and RLDP fault tests (issue 15 item 7), all on loopback UDP with our own stack:
 *
 * - storageDownloader(): what the gateway runs to download bags — AdnlNode → RldpNode → StorageClient — answering
 *   the seeders' storage.ping / addUpdate like the gateway does, with only the seeders it is given (no DHT).
 * - startLyingSeeder(): a devnet seeder (src/devnet/storage/seeder.ts) whose storage.piece answers are rewritten
 *   on the way out: corrupted bytes, a proof of another piece, a truncated proof, or the piece of another bag. Its
 *   torrent info and header pieces stay honest unless `lieAbout: 'all'`, so a downloader opens the bag with it and
 *   meets the lie on the file's pieces.
 * - rawAdnlPeer(): an ADNL identity with its own socket and nothing above ADNL, which sends whatever custom messages
 *   a test crafts (RLDP parts) to one target.
 */
import { AdnlNode, type AdnlPeer } from '../../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../../src/net/crypto/index.ts';
import { RldpNode, type RldpQueryContext } from '../../../src/net/rldp/index.ts';
import {
  bagOverlayId,
  decodePieceAnswer,
  decodeStorageQuery,
  encodeGetPiece,
  encodePieceAnswer,
  encodeGetTorrentInfo,
  pieceLength,
  StorageClient,
  unwrapOverlayQuery,
  wrapOverlayQuery,
  type BuiltBag,
  type StoragePeerAddress,
  type SwarmOptions,
} from '../../../src/net/storage/index.ts';
import { startSeeder, type Seeder } from '../../../src/devnet/storage/index.ts';
import { nativeAsymmetric, nativePrimitives } from '../../../src/node/native-crypto.ts';
import { openUdpSocket } from '../../../src/node/udp-socket.ts';

export interface Downloader {
  client: StorageClient;
  adnl: AdnlNode;
  rldp: RldpNode;
  close(): void;
}

export async function storageDownloader(swarm: SwarmOptions = {}): Promise<Downloader> {
  const socket = await openUdpSocket({ host: '127.0.0.1' });
  const adnl = new AdnlNode({ socket, keyPair: generateKeyPair() });
  const rldp = new RldpNode(adnl);
  const client = new StorageClient({ adnl, rldp, finder: null, cache: null, swarm });
  adnl.onQuery = (peer, query) => client.handleAdnlQuery(peer, query) ?? Promise.resolve(null);
  rldp.onQuery = (peer, data, ctx) =>
    client.handleRldpQuery(peer, data, ctx) ?? Promise.reject(new Error('not a storage query'));
  return {
    client,
    adnl,
    rldp,
    close() {
      client.close();
      rldp.close();
      adnl.close();
    },
  };
}

export function peerOf(seeder: Seeder): StoragePeerAddress {
  return { publicKey: seeder.keyPair.publicKey, address: seeder.address };
}

/** What a lying seeder does to the storage.piece answers of the bag it lies about. */
export type PieceLie =
  /** The right proof with the piece's bytes flipped (same length). */
  | 'corrupt-data'
  /** The right bytes with the proof of another piece of the same bag. */
  | 'wrong-proof'
  /** The right bytes with the proof cut in half (not a BoC any more). */
  | 'truncated-proof'
  /** The piece with the same index of another bag, with that bag's valid proof. */
  | 'other-bag';

export interface LyingSeeder extends Seeder {
  /** storage.piece answers that were rewritten. */
  readonly lies: number;
}

/**
 * A devnet seeder of `bag` (and of `other`, used for 'other-bag') that lies in its storage.piece answers for
 * pieces at or after `fromPiece` (default: the first piece after the header, so the bag still opens with it).
 */
export async function startLyingSeeder(
  bag: BuiltBag,
  lie: PieceLie,
  other: BuiltBag,
  fromPiece = Math.ceil(bag.info.headerSize / bag.info.pieceSize),
): Promise<LyingSeeder> {
  const seeder = await startSeeder({ keyPair: generateKeyPair(), bags: [bag, other] });
  const overlay = bagOverlayId(bag.info.bagId);
  const otherOverlay = bagOverlayId(other.info.bagId);
  // The seeder's own answer, and our handler in place of its route for the bag's overlay (src/net/adnl/router.ts).
  const honest = (peer: AdnlPeer, data: Uint8Array, ctx: RldpQueryContext): Promise<Uint8Array> =>
    seeder.server.handleRldpQuery(peer, data, ctx) ?? Promise.reject(new Error('not a storage query'));
  let lies = 0;
  seeder.rldpNode.queryRoutes.unregister({ overlay });
  seeder.rldpNode.queryRoutes.register({ overlay }, async (peer, data, ctx) => {
    const wrapped = unwrapOverlayQuery(data);
    if (!wrapped || !sameBytes(wrapped.overlayId, overlay)) return honest(peer, data, ctx);
    const query = decodeStorageQuery(wrapped.query);
    if (query._ !== 'storage.getPiece' || query.piece_id < fromPiece) return honest(peer, data, ctx);
    const index = query.piece_id;
    const own = decodePieceAnswer(await honest(peer, data, ctx), pieceLength(bag.info, index));
    lies++;
    switch (lie) {
      case 'corrupt-data': {
        const bad = own.data.slice();
        for (let i = 0; i < bad.length; i += 97) bad[i] ^= 0xff;
        return encodePieceAnswer(own.proof, bad);
      }
      case 'wrong-proof': {
        // A piece of another bottom pair: a proof keeps both leaves of its pair (merkle.ts), so the pair
        // partner's proof would be a valid proof of this piece.
        const otherIndex = index + 2 < bag.info.piecesCount ? index + 2 : index - 2;
        return encodePieceAnswer(bag.tree.proof(otherIndex), own.data);
      }
      case 'truncated-proof':
        return encodePieceAnswer(own.proof.subarray(0, own.proof.length >> 1), own.data);
      case 'other-bag': {
        const i = Math.min(index, other.info.piecesCount - 1);
        const theirs = await honest(peer, wrapOverlayQuery(otherOverlay, encodeGetPiece(i)), ctx);
        const piece = decodePieceAnswer(theirs, pieceLength(other.info, i));
        // Cut or padded to the length the asker expects, so the lie reaches the proof check.
        const data = new Uint8Array(own.data.length);
        data.set(piece.data.subarray(0, data.length));
        return encodePieceAnswer(piece.proof, data);
      }
    }
  });
  return Object.defineProperty(seeder, 'lies', { get: () => lies }) as LyingSeeder;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface RawAdnlPeer {
  adnl: AdnlNode;
  /** The target as seen from this node. */
  target: AdnlPeer;
  send(data: Uint8Array): void;
  close(): void;
}

/**
 * An ADNL identity of its own (own key, own socket) aimed at `target`, with its channel established by one ADNL
 * query the target answers (`hello`: any query its onQuery answers), so that what follows is not rate-limited as
 * first contact. Custom messages it receives go to `onCustom`.
 */
export async function rawAdnlPeer(
  target: { publicKey: Uint8Array; port: number },
  hello: Uint8Array,
  onCustom?: (data: Uint8Array) => void,
): Promise<RawAdnlPeer> {
  const socket = await openUdpSocket({ host: '127.0.0.1' });
  // OpenSSL's crypto, as the devnet's servers use: hundreds of these in one test process stay cheap.
  const adnl = new AdnlNode({
    socket,
    keyPair: generateKeyPair(),
    crypto: nativePrimitives,
    asymmetric: nativeAsymmetric,
  });
  if (onCustom) adnl.onCustom = (_peer, data) => onCustom(data);
  const peer = adnl.addPeer(target.publicKey, { host: '127.0.0.1', port: target.port });
  await adnl.query(peer, hello, 1000, { attempts: 5 });
  return {
    adnl,
    target: peer,
    send: (data) => adnl.sendCustom(peer, data),
    close: () => adnl.close(),
  };
}

/**
 * A storage.getTorrentInfo inside a bag's overlay over ADNL: what a seeder's ADNL side answers without starting a
 * session with us (a `hello` for rawAdnlPeer).
 */
export function storageHelloQuery(bag: BuiltBag): Uint8Array {
  return wrapOverlayQuery(bagOverlayId(bag.info.bagId), encodeGetTorrentInfo());
}
