/**
 * The optional client authentication of ADNL over TCP (DIGEST §2.1), both ends, after the handshake:
 *   client → `tcp.authentificate nonce:bytes`            (ours: 32 random bytes, as the C++ and tonutils-go clients)
 *   server → `tcp.authentificationNonce nonce:bytes`     (256 fresh random bytes, as the C++ server)
 *   client → `tcp.authentificationComplete key:PublicKey signature:bytes`
 *            key = pub.ed25519, signature = Ed25519(client nonce || server nonce)
 * The server sends nothing after a valid completion; it only records the client's key for the connection (the C++
 * ext server passes it as the query source, which e.g. the validator engine's control port checks). Any failure
 * (nonce size outside 1..512, a second exchange, a key that is not Ed25519, a bad signature, a completion without
 * a pending nonce) closes the connection without an answer.
 *
 * Sources: ton-blockchain/ton adnl/adnl-ext-server.cpp `AdnlInboundConnection::process_custom_packet` (server end),
 * adnl/adnl-ext-client.cpp `AdnlOutboundConnection::start_up` / `process_custom_packet` (client end);
 * xssnick/tonutils-go liteclient/auth.go `authRequest` / `authSignComplete`.
 */
import { randomBytes, sign, verify, type KeyPair } from '../crypto/index.ts';
import { TlError, tlDecode, tlEncode, tlId } from '../tl/index.ts';
import { AdnlError } from './errors.ts';

/** Both C++ ends refuse a nonce that is empty or longer than this (process_custom_packet: "bad nonce size"). */
export const TCP_AUTH_MAX_NONCE = 512;
/** Our client's nonce (adnl-ext-client.cpp start_up and tonutils-go authRequest both use 32 bytes). */
export const TCP_AUTH_CLIENT_NONCE_SIZE = 32;
/** The server's nonce (adnl-ext-server.cpp: 256 secure random bytes appended to the client's). */
export const TCP_AUTH_SERVER_NONCE_SIZE = 256;
/**
 * Largest auth payload decoded at all: a nonce message holds at most 4 + 4 + 512 bytes, and the only completion a
 * server accepts (pub.ed25519 + a 64-byte signature) is 108 bytes; anything longer is refused before decoding.
 */
export const TCP_AUTH_MAX_PAYLOAD = 1024;

export const ID_TCP_AUTHENTIFICATE = tlId('tcp.authentificate');
export const ID_TCP_AUTH_NONCE = tlId('tcp.authentificationNonce');
export const ID_TCP_AUTH_COMPLETE = tlId('tcp.authentificationComplete');

export type TcpAuthPayload =
  | { kind: 'authenticate'; nonce: Uint8Array }
  | { kind: 'auth-nonce'; nonce: Uint8Array }
  | {
      kind: 'auth-complete';
      /** The PublicKey constructor the client sent ('pub.ed25519', 'pub.unenc', 'pub.aes', 'pub.overlay'). */
      keyType: string;
      /** The 32-byte key when `keyType` is 'pub.ed25519', else null. */
      ed25519Key: Uint8Array | null;
      signature: Uint8Array;
    };

/**
 * Decodes one of the three auth payloads (`id` is its constructor id, already read by the caller); null for any
 * other id. Malformed or oversized: AdnlError('protocol').
 */
export function decodeTcpAuthPayload(id: number, payload: Uint8Array): TcpAuthPayload | null {
  if (id !== ID_TCP_AUTHENTIFICATE && id !== ID_TCP_AUTH_NONCE && id !== ID_TCP_AUTH_COMPLETE) return null;
  if (payload.length > TCP_AUTH_MAX_PAYLOAD)
    throw new AdnlError('protocol', `ADNL-TCP auth payload of ${payload.length} bytes is too large`);
  try {
    if (id === ID_TCP_AUTHENTIFICATE)
      return { kind: 'authenticate', nonce: tlDecode('tcp.authentificate', payload).nonce };
    if (id === ID_TCP_AUTH_NONCE)
      return { kind: 'auth-nonce', nonce: tlDecode('tcp.authentificationNonce', payload).nonce };
    const m = tlDecode('tcp.authentificationComplete', payload);
    return {
      kind: 'auth-complete',
      keyType: m.key._,
      ed25519Key: m.key._ === 'pub.ed25519' ? m.key.key : null,
      signature: m.signature,
    };
  } catch (error) {
    if (error instanceof TlError)
      throw new AdnlError('protocol', `malformed ADNL-TCP auth payload: ${error.message}`);
    throw error;
  }
}

export function encodeTcpAuthenticate(nonce: Uint8Array): Uint8Array {
  return tlEncode({ _: 'tcp.authentificate', nonce });
}

export function encodeTcpAuthNonce(nonce: Uint8Array): Uint8Array {
  return tlEncode({ _: 'tcp.authentificationNonce', nonce });
}

export function encodeTcpAuthComplete(publicKey: Uint8Array, signature: Uint8Array): Uint8Array {
  return tlEncode({
    _: 'tcp.authentificationComplete',
    key: { _: 'pub.ed25519', key: publicKey },
    signature,
  });
}

/** The bytes both ends sign/verify: the client's nonce, then the server's (adnl-ext-client.cpp, auth.go). */
export function tcpAuthSignedBytes(clientNonce: Uint8Array, serverNonce: Uint8Array): Uint8Array {
  const out = new Uint8Array(clientNonce.length + serverNonce.length);
  out.set(clientNonce);
  out.set(serverNonce, clientNonce.length);
  return out;
}

function checkNonceSize(who: string, nonce: Uint8Array): void {
  if (nonce.length === 0 || nonce.length > TCP_AUTH_MAX_NONCE)
    throw new AdnlError('auth', `bad ${who} nonce size ${nonce.length} (1..${TCP_AUTH_MAX_NONCE})`);
}

/**
 * Server end, one per connection: at most one exchange, ever (adnl-ext-server.cpp refuses a second
 * tcp.authentificate while one is pending or after one succeeded: "duplicate authenticate").
 */
export class TcpAuthServer {
  /** client nonce || server nonce while a completion is awaited. */
  #pending: Uint8Array | null = null;
  #key: Uint8Array | null = null;

  /** The client's Ed25519 key once it completed the exchange (null before / without one). */
  get authenticatedKey(): Uint8Array | null {
    return this.#key;
  }

  /** Handles tcp.authentificate; returns the tcp.authentificationNonce payload to send. AdnlError('auth'). */
  onAuthenticate(clientNonce: Uint8Array): Uint8Array {
    if (this.#pending || this.#key) throw new AdnlError('auth', 'duplicate tcp.authentificate');
    checkNonceSize('client', clientNonce);
    const serverNonce = randomBytes(TCP_AUTH_SERVER_NONCE_SIZE);
    this.#pending = tcpAuthSignedBytes(clientNonce, serverNonce);
    return encodeTcpAuthNonce(serverNonce);
  }

  /**
   * Handles tcp.authentificationComplete; returns the now authenticated key. AdnlError('auth') when there is no
   * pending nonce (the C++ server then treats the payload as a query and fails), the key is not Ed25519 ("expected
   * ed25519 key") or the signature does not verify over client nonce || server nonce.
   */
  onComplete(message: Extract<TcpAuthPayload, { kind: 'auth-complete' }>): Uint8Array {
    const signed = this.#pending;
    if (!signed) throw new AdnlError('auth', 'tcp.authentificationComplete without a pending nonce');
    // One try: whatever happens next, this nonce is spent (the connection closes on failure anyway).
    this.#pending = null;
    if (!message.ed25519Key) throw new AdnlError('auth', `expected an ed25519 key, got ${message.keyType}`);
    if (!verify(message.signature, signed, message.ed25519Key))
      throw new AdnlError('auth', 'bad tcp.authentificationComplete signature');
    this.#key = message.ed25519Key.slice();
    return this.#key;
  }
}

/** Client end, one per connection: `start()` once, then `onNonce()` once with the server's nonce. */
export class TcpAuthClient {
  readonly #keyPair: KeyPair;
  #nonce: Uint8Array | null = null;
  #done = false;

  constructor(keyPair: KeyPair) {
    this.#keyPair = keyPair;
  }

  /** The tcp.authentificate payload (a fresh 32-byte nonce). */
  start(): Uint8Array {
    if (this.#nonce || this.#done) throw new AdnlError('auth', 'tcp.authentificate already sent');
    this.#nonce = randomBytes(TCP_AUTH_CLIENT_NONCE_SIZE);
    return encodeTcpAuthenticate(this.#nonce);
  }

  /** Handles tcp.authentificationNonce; returns the tcp.authentificationComplete payload. AdnlError('auth'). */
  onNonce(serverNonce: Uint8Array): Uint8Array {
    const nonce = this.#nonce;
    if (!nonce || this.#done) throw new AdnlError('auth', 'unexpected tcp.authentificationNonce');
    checkNonceSize('server', serverNonce);
    this.#done = true;
    this.#nonce = null;
    const signature = sign(tcpAuthSignedBytes(nonce, serverNonce), this.#keyPair.secretKey);
    return encodeTcpAuthComplete(this.#keyPair.publicKey, signature);
  }
}
