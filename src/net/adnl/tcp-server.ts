/**
 * Server end of ADNL over TCP (the devnet liteserver runs on it): reads the client's 256-byte handshake, answers
 * with the empty ack frame (DIGEST §2.1), answers tcp.ping with tcp.pong, takes part in the optional
 * tcp.authentificate exchange (tcp-auth.ts; a failed one closes the connection, as the C++ ext server does), and
 * dispatches every adnl.message.query to `onQuery` concurrently, sending each adnl.message.answer as soon as it is
 * ready. Authentication is never required: queries before or without it are answered, with no authenticated key.
 */
import type { KeyPair } from '../crypto/index.ts';
import type { ByteStream } from '../transport/index.ts';
import { AdnlError } from './errors.ts';
import { TcpAuthServer } from './tcp-auth.ts';
import { AdnlTcpChannel } from './tcp-channel.ts';
import { ADNL_TCP_MAX_FRAME_SIZE, ADNL_TCP_MAX_PAYLOAD } from './tcp-frame.ts';
import { ADNL_TCP_HANDSHAKE_SIZE, acceptClientHandshake } from './tcp-handshake.ts';
import { decodeTcpPayload, encodeAnswer, encodePong } from './tcp-messages.ts';

/** Answers one query (the bytes inside adnl.message.query); the resolved bytes become the answer. */
export type AdnlTcpQueryHandler = (query: Uint8Array, context: AdnlTcpQueryContext) => Promise<Uint8Array>;

export interface AdnlTcpQueryContext {
  /** The client's (usually ephemeral) ed25519 key from the handshake. */
  clientPublicKey: Uint8Array;
  /** Which of our keys the client addressed. */
  serverPublicKey: Uint8Array;
  /**
   * The Ed25519 key the client proved with tcp.authentificationComplete before this query arrived, or null (the
   * C++ ext server likewise passes the key id current at that moment as the query's source). Always set by
   * serveAdnlTcp; optional so that handlers can be called directly (tests) without it.
   */
  authenticatedKey?: Uint8Array | null;
}

export interface AdnlTcpServeOptions {
  /** The handshake must arrive within this (default 10 s). */
  handshakeTimeoutMs?: number;
  /** Largest incoming frame accepted (default 2^24). */
  maxFrameSize?: number;
  /** Queries of one connection being answered at once; a client exceeding it is disconnected (default 1024). */
  maxConcurrentQueries?: number;
  /** Called when `onQuery` rejects (no answer is sent then). Must not log payloads. */
  onQueryError?: (error: unknown) => void;
}

export interface AdnlTcpServerSession {
  /** Set once the handshake has been accepted. */
  readonly clientPublicKey: Uint8Array | null;
  /** The client's Ed25519 key once it completed tcp.authentificate (null before / without it). */
  readonly authenticatedKey: Uint8Array | null;
  /** Resolves when the connection ends (with the error that ended it, if any). */
  readonly closed: Promise<Error | undefined>;
  close(): void;
}

/** Serves one accepted stream. `serverKeys`: every key this server answers to (looked up by key id). */
export function serveAdnlTcp(
  stream: ByteStream,
  serverKeys: KeyPair | readonly KeyPair[],
  onQuery: AdnlTcpQueryHandler,
  options: AdnlTcpServeOptions = {},
): AdnlTcpServerSession {
  const keys = Array.isArray(serverKeys) ? (serverKeys as readonly KeyPair[]) : [serverKeys as KeyPair];
  const maxConcurrent = options.maxConcurrentQueries ?? 1024;
  let channel: AdnlTcpChannel | null = null;
  let clientPublicKey: Uint8Array | null = null;
  const auth = new TcpAuthServer();
  let ended = false;
  let inFlight = 0;
  let handshakeBuffer = new Uint8Array(0);
  let resolveClosed: (error: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((resolve) => (resolveClosed = resolve));

  const finish = (error: Error | undefined): void => {
    if (ended) return;
    ended = true;
    clearTimeout(handshakeTimer);
    resolveClosed(error);
  };

  const handshakeTimer = setTimeout(() => {
    if (channel) return;
    stream.onData = null;
    stream.onClose = null;
    stream.close();
    finish(new AdnlError('timeout', 'no ADNL-TCP handshake from client'));
  }, options.handshakeTimeoutMs ?? 10_000);

  stream.onClose = (error) => finish(error ?? new AdnlError('connection-lost', 'closed during handshake'));
  stream.onData = (chunk) => {
    if (channel || ended) return;
    const joined = new Uint8Array(handshakeBuffer.length + chunk.length);
    joined.set(handshakeBuffer);
    joined.set(chunk, handshakeBuffer.length);
    if (joined.length < ADNL_TCP_HANDSHAKE_SIZE) {
      handshakeBuffer = joined;
      return;
    }
    clearTimeout(handshakeTimer);
    let accepted;
    try {
      accepted = acceptClientHandshake(joined.subarray(0, ADNL_TCP_HANDSHAKE_SIZE), keys);
    } catch (error) {
      // Like the C++ server: an unknown key id or a bad handshake just closes the socket.
      stream.onData = null;
      stream.onClose = null;
      stream.close();
      finish(error as Error);
      return;
    }
    clientPublicKey = accepted.clientPublicKey;
    const peer = { clientPublicKey: accepted.clientPublicKey, serverPublicKey: accepted.keyPair.publicKey };
    const ch = new AdnlTcpChannel(
      stream,
      accepted.ciphers,
      {
        onPayload: (payload) => onPayload(ch, payload, peer),
        onClose: (error) => finish(error),
      },
      options.maxFrameSize ?? ADNL_TCP_MAX_FRAME_SIZE,
    );
    channel = ch;
    ch.send(new Uint8Array(0)); // handshake ack
    ch.receive(joined.subarray(ADNL_TCP_HANDSHAKE_SIZE));
  };

  function onPayload(
    ch: AdnlTcpChannel,
    payload: Uint8Array,
    peer: Required<Omit<AdnlTcpQueryContext, 'authenticatedKey'>>,
  ): void {
    let message;
    try {
      message = decodeTcpPayload(payload);
    } catch (error) {
      ch.close(error as Error);
      return;
    }
    switch (message.kind) {
      case 'ping':
        ch.send(encodePong(message.randomId));
        return;
      case 'empty':
        return;
      // adnl-ext-server.cpp process_custom_packet: answer the nonce; verify the completion and send nothing.
      // Every failure ends the connection without an answer (its td::Status error stops the connection).
      case 'authenticate':
      case 'auth-complete':
        try {
          if (message.kind === 'authenticate') ch.send(auth.onAuthenticate(message.nonce));
          else auth.onComplete(message);
        } catch (error) {
          ch.close(error as Error);
        }
        return;
      case 'query': {
        if (inFlight >= maxConcurrent) {
          ch.close(new AdnlError('overloaded', 'client exceeded the concurrent query limit'));
          return;
        }
        inFlight++;
        const queryId = message.queryId;
        let answerPromise: Promise<Uint8Array>;
        try {
          answerPromise = onQuery(message.query, { ...peer, authenticatedKey: auth.authenticatedKey });
        } catch (error) {
          answerPromise = Promise.reject(error);
        }
        answerPromise.then(
          (answer) => {
            inFlight--;
            if (ch.closed) return;
            const encoded = encodeAnswer(queryId, answer);
            if (encoded.length > ADNL_TCP_MAX_PAYLOAD) {
              options.onQueryError?.(new AdnlError('bad-frame-size', 'answer too large for one frame'));
              return;
            }
            ch.send(encoded);
          },
          (error: unknown) => {
            inFlight--;
            options.onQueryError?.(error);
          },
        );
        return;
      }
      default:
        ch.close(new AdnlError('protocol', `client sent an unexpected ${message.kind} frame`));
    }
  }

  return {
    get clientPublicKey() {
      return clientPublicKey;
    },
    get authenticatedKey() {
      return auth.authenticatedKey;
    },
    closed,
    close(): void {
      if (channel) channel.close();
      else {
        stream.onData = null;
        stream.onClose = null;
        stream.close();
        finish(undefined);
      }
    },
  };
}
