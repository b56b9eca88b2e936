/**
 * ADNL-TCP handshake (DIGEST §2.1): the client's single 256-byte packet
 * `server_key_id(32) || client_pub(32) || sha256(P)(32) || AES-CTR(key, iv, P)(160)` where P are 160 random
 * bytes, key/iv = digestKeyIv(ECDH secret, sha256(P)) (DIGEST §1), and the two session ciphers are cut from P.
 */
import {
  CryptoError,
  adnlId,
  aesCtr,
  createAesCtr,
  digestKeyIv,
  generateKeyPair,
  randomBytes,
  sha256,
  sharedSecret,
  type AesCtrStream,
  type KeyPair,
} from '../crypto/index.ts';
import { AdnlError } from './errors.ts';

export const ADNL_TCP_HANDSHAKE_SIZE = 256;
/** Length of the session material P. */
export const ADNL_TCP_SESSION_PARAMS_SIZE = 160;

/** One long-lived AES-CTR stream per direction, from the point of view of one end. */
export interface AdnlTcpCiphers {
  encrypt: AesCtrStream;
  decrypt: AesCtrStream;
}

export interface AdnlTcpSessionKeys {
  /** server → client stream: key P[0..32], iv P[64..80]. */
  serverToClient: { key: Uint8Array; iv: Uint8Array };
  /** client → server stream: key P[32..64], iv P[80..96]. */
  clientToServer: { key: Uint8Array; iv: Uint8Array };
}

/** Splits the 160 bytes of session material into the two stream keys (bytes 96..160 are unused). */
export function splitSessionKeys(params: Uint8Array): AdnlTcpSessionKeys {
  if (params.length !== ADNL_TCP_SESSION_PARAMS_SIZE)
    throw new AdnlError('handshake', 'session params must be 160 bytes');
  return {
    serverToClient: { key: params.slice(0, 32), iv: params.slice(64, 80) },
    clientToServer: { key: params.slice(32, 64), iv: params.slice(80, 96) },
  };
}

export interface ClientHandshake {
  packet: Uint8Array;
  ciphers: AdnlTcpCiphers;
}

/**
 * Builds the client's handshake for `serverPublicKey`. `keyPair` defaults to a fresh ephemeral key and `params`
 * to 160 random bytes (both injectable for vectors).
 */
export function createClientHandshake(
  serverPublicKey: Uint8Array,
  keyPair: KeyPair = generateKeyPair(),
  params: Uint8Array = randomBytes(ADNL_TCP_SESSION_PARAMS_SIZE),
): ClientHandshake {
  if (serverPublicKey.length !== 32) throw new AdnlError('handshake', 'server public key must be 32 bytes');
  const keys = splitSessionKeys(params);
  let secret: Uint8Array;
  try {
    secret = sharedSecret(keyPair.secretKey, serverPublicKey);
  } catch (error) {
    throw new AdnlError('handshake', 'bad server public key', { cause: error });
  }
  const digest = sha256(params);
  const { key, iv } = digestKeyIv(secret, digest);
  const packet = new Uint8Array(ADNL_TCP_HANDSHAKE_SIZE);
  packet.set(adnlId(serverPublicKey), 0);
  packet.set(keyPair.publicKey, 32);
  packet.set(digest, 64);
  packet.set(aesCtr(key, iv, params), 96);
  return {
    packet,
    ciphers: {
      encrypt: createAesCtr(keys.clientToServer.key, keys.clientToServer.iv),
      decrypt: createAesCtr(keys.serverToClient.key, keys.serverToClient.iv),
    },
  };
}

export interface AcceptedHandshake {
  /** Which of the server's keys the client addressed. */
  keyPair: KeyPair;
  clientPublicKey: Uint8Array;
  ciphers: AdnlTcpCiphers;
}

/**
 * Server side: checks a 256-byte handshake against our keys and derives the session ciphers. AdnlError
 * ('handshake') if the key id is not ours, the client key is not a valid point, or sha256(P) does not match.
 */
export function acceptClientHandshake(packet: Uint8Array, serverKeys: readonly KeyPair[]): AcceptedHandshake {
  if (packet.length !== ADNL_TCP_HANDSHAKE_SIZE)
    throw new AdnlError('handshake', 'handshake must be 256 bytes');
  const keyId = packet.subarray(0, 32);
  const keyPair = serverKeys.find((k) => equalBytes(adnlId(k.publicKey), keyId));
  if (!keyPair) throw new AdnlError('handshake', 'handshake addressed to an unknown key id');
  const clientPublicKey = packet.slice(32, 64);
  const digest = packet.slice(64, 96);
  let secret: Uint8Array;
  try {
    secret = sharedSecret(keyPair.secretKey, clientPublicKey);
  } catch (error) {
    if (error instanceof CryptoError)
      throw new AdnlError('handshake', 'bad client public key', { cause: error });
    throw error;
  }
  const { key, iv } = digestKeyIv(secret, digest);
  const params = aesCtr(key, iv, packet.subarray(96));
  if (!equalBytes(sha256(params), digest)) throw new AdnlError('handshake', 'handshake digest mismatch');
  const keys = splitSessionKeys(params);
  return {
    keyPair,
    clientPublicKey,
    ciphers: {
      encrypt: createAesCtr(keys.serverToClient.key, keys.serverToClient.iv),
      decrypt: createAesCtr(keys.clientToServer.key, keys.clientToServer.iv),
    },
  };
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
