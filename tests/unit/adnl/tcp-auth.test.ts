/**
 * The tcp.authentificate exchange (DIGEST §2.1): our client ⇄ our server end, and our server end driven frame by
 * frame by a raw client (so each refusal the C++ ext server makes can be provoked), plus properties of the decoders.
 */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPair, sign, type KeyPair } from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import { createMemoryStreamPair, type ByteStream } from '../../../src/net/transport/index.ts';
import {
  AdnlError,
  AdnlTcpChannel,
  AdnlTcpClient,
  TCP_AUTH_MAX_NONCE,
  TCP_AUTH_SERVER_NONCE_SIZE,
  TcpAuthClient,
  TcpAuthServer,
  acceptClientHandshake,
  createClientHandshake,
  decodeTcpAuthPayload,
  decodeTcpPayload,
  encodeTcpAuthComplete,
  encodeTcpAuthNonce,
  encodeTcpAuthenticate,
  serveAdnlTcp,
  tcpAuthSignedBytes,
  type AdnlTcpQueryContext,
  type AdnlTcpServerSession,
  type TcpAuthPayload,
} from '../../../src/net/adnl/index.ts';

const hex = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('hex') : null);

/** Our server end on a memory stream; its query handler answers with the authenticated key it was given. */
function startServer(keys: KeyPair) {
  const sessions: AdnlTcpServerSession[] = [];
  const contexts: AdnlTcpQueryContext[] = [];
  const connector = async (): Promise<ByteStream> => {
    const { a, b } = createMemoryStreamPair();
    sessions.push(
      serveAdnlTcp(b, keys, async (_q, context) => {
        contexts.push(context);
        return context.authenticatedKey ?? new Uint8Array(0);
      }),
    );
    return a;
  };
  return { sessions, contexts, connector };
}

/** A raw client: handshake, then whole payloads sent and received one by one (no auth logic of ours). */
function rawClient(connector: () => Promise<ByteStream>, serverKey: Uint8Array) {
  const inbox: Uint8Array[] = [];
  const waiters: ((p: Uint8Array | null) => void)[] = [];
  let closed = false;
  let closeWaiter: (() => void) | null = null;
  const closedPromise = new Promise<void>((r) => (closeWaiter = r));
  return connector().then((stream) => {
    const hs = createClientHandshake(serverKey, generateKeyPair());
    const ch = new AdnlTcpChannel(stream, hs.ciphers, {
      onPayload: (p) => {
        const w = waiters.shift();
        if (w) w(p);
        else inbox.push(p);
      },
      onClose: () => {
        closed = true;
        for (const w of waiters.splice(0)) w(null);
        closeWaiter!();
      },
    });
    stream.write(hs.packet);
    return {
      send: (p: Uint8Array) => ch.send(p),
      /** The next payload, or null once the connection closed. */
      next: (): Promise<Uint8Array | null> =>
        inbox.length
          ? Promise.resolve(inbox.shift()!)
          : closed
            ? Promise.resolve(null)
            : new Promise((r) => waiters.push(r)),
      closed: closedPromise,
      close: () => ch.close(),
    };
  });
}

type Raw = Awaited<ReturnType<typeof rawClient>>;

/** Handshake ack, then tcp.authentificate with `nonce`; returns the server's nonce. */
async function authenticate(raw: Raw, nonce: Uint8Array): Promise<Uint8Array> {
  expect((await raw.next())?.length).toBe(0); // the handshake ack
  raw.send(encodeTcpAuthenticate(nonce));
  const answer = await raw.next();
  const message = decodeTcpPayload(answer!);
  if (message.kind !== 'auth-nonce') throw new Error(`expected a nonce, got ${message.kind}`);
  return message.nonce;
}

async function expectRefused(session: AdnlTcpServerSession, raw: Raw, pattern: RegExp, kind = 'auth') {
  const error = await session.closed;
  expect(error).toBeInstanceOf(AdnlError);
  expect((error as AdnlError).kind).toBe(kind);
  expect(error?.message).toMatch(pattern);
  expect(await raw.next()).toBeNull(); // closed without an answer
  expect(session.authenticatedKey).toBeNull();
}

const query = (id: number) =>
  tlEncode({
    _: 'adnl.message.query',
    query_id: new Uint8Array(32).fill(id),
    query: Uint8Array.of(1, 2, 3, 4),
  });

const clients: AdnlTcpClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('tcp.authentificate: our client ⇄ our server', () => {
  it('authenticates before any query; the server records the key and hands it to every query', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const client = await AdnlTcpClient.connect(server.connector, keys.publicKey, {
      authKey: me,
      pingIntervalMs: 0,
    });
    clients.push(client);
    // connect resolved after the completion was sent; the server has verified it once the first query arrives
    const answer = await client.query(Uint8Array.of(9, 9, 9, 9), 5000);
    expect(hex(answer)).toBe(hex(me.publicKey));
    expect(hex(server.sessions[0].authenticatedKey)).toBe(hex(me.publicKey));
    expect(hex(server.contexts[0].authenticatedKey)).toBe(hex(me.publicKey));
    expect(await client.ping(1000)).toBeGreaterThanOrEqual(0);
  });

  it('with `pipeline` too, queries wait for the exchange (so they are answered as from the key)', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const client = await AdnlTcpClient.connect(server.connector, keys.publicKey, {
      authKey: me,
      pipeline: true,
      pingIntervalMs: 0,
    });
    clients.push(client);
    const answers = await Promise.all([1, 2, 3].map((i) => client.query(Uint8Array.of(i, 0, 0, 0), 5000)));
    for (const a of answers) expect(hex(a)).toBe(hex(me.publicKey));
  });

  it('re-authenticates on every reconnect', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const client = await AdnlTcpClient.connect(server.connector, keys.publicKey, {
      authKey: me,
      pingIntervalMs: 0,
      reconnectMinDelayMs: 5,
      reconnectMaxDelayMs: 10,
    });
    clients.push(client);
    await client.query(Uint8Array.of(1, 1, 1, 1), 5000);
    server.sessions[0].close();
    await new Promise<void>((resolve) => {
      client.onStateChange = (state) => state === 'ready' && resolve();
    });
    expect(hex(await client.query(Uint8Array.of(2, 2, 2, 2), 5000))).toBe(hex(me.publicKey));
    expect(hex(server.sessions[1].authenticatedKey)).toBe(hex(me.publicKey));
  });

  it('by default the client does not authenticate: no key on the session or the queries', async () => {
    const keys = generateKeyPair();
    const server = startServer(keys);
    const client = await AdnlTcpClient.connect(server.connector, keys.publicKey, { pingIntervalMs: 0 });
    clients.push(client);
    expect((await client.query(Uint8Array.of(1, 2, 3, 4), 5000)).length).toBe(0);
    expect(server.sessions[0].authenticatedKey).toBeNull();
    expect(server.contexts[0].authenticatedKey).toBeNull();
  });
});

describe('tcp.authentificate: the server end against a raw client', () => {
  it('answers with a 256-byte nonce, verifies Ed25519(client nonce || server nonce), then sends nothing more', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const raw = await rawClient(server.connector, keys.publicKey);
    // a query before authenticating is answered without a key (the C++ server does not require the exchange)
    const clientNonce = new Uint8Array(32).fill(7);
    expect((await raw.next())?.length).toBe(0);
    raw.send(query(1));
    const first = decodeTcpPayload((await raw.next())!);
    expect(first.kind === 'answer' && first.answer.length).toBe(0);
    raw.send(encodeTcpAuthenticate(clientNonce));
    const nonceMsg = decodeTcpPayload((await raw.next())!);
    if (nonceMsg.kind !== 'auth-nonce') throw new Error('no nonce');
    expect(nonceMsg.nonce.length).toBe(TCP_AUTH_SERVER_NONCE_SIZE);
    const signature = sign(tcpAuthSignedBytes(clientNonce, nonceMsg.nonce), me.secretKey);
    raw.send(encodeTcpAuthComplete(me.publicKey, signature));
    raw.send(query(2));
    // the next frame is the answer to the query: nothing was sent for the completion
    const second = decodeTcpPayload((await raw.next())!);
    expect(second.kind).toBe('answer');
    expect(second.kind === 'answer' && hex(second.answer)).toBe(hex(me.publicKey));
    expect(hex(server.sessions[0].authenticatedKey)).toBe(hex(me.publicKey));
    raw.close();
  });

  it('refuses a wrong signature by closing the connection', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const raw = await rawClient(server.connector, keys.publicKey);
    const clientNonce = new Uint8Array(32).fill(1);
    const serverNonce = await authenticate(raw, clientNonce);
    // signed in the wrong order (server's nonce first)
    raw.send(
      encodeTcpAuthComplete(me.publicKey, sign(tcpAuthSignedBytes(serverNonce, clientNonce), me.secretKey)),
    );
    await expectRefused(server.sessions[0], raw, /signature/);
  });

  it('refuses a signature by another key than the one presented', async () => {
    const keys = generateKeyPair();
    const server = startServer(keys);
    const raw = await rawClient(server.connector, keys.publicKey);
    const clientNonce = new Uint8Array(32).fill(1);
    const serverNonce = await authenticate(raw, clientNonce);
    const signature = sign(tcpAuthSignedBytes(clientNonce, serverNonce), generateKeyPair().secretKey);
    raw.send(encodeTcpAuthComplete(generateKeyPair().publicKey, signature));
    await expectRefused(server.sessions[0], raw, /signature/);
  });

  it('refuses a key that is not Ed25519 (even with a signature that would verify)', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const raw = await rawClient(server.connector, keys.publicKey);
    const clientNonce = new Uint8Array(32).fill(2);
    const serverNonce = await authenticate(raw, clientNonce);
    const signature = sign(tcpAuthSignedBytes(clientNonce, serverNonce), me.secretKey);
    raw.send(
      tlEncode({ _: 'tcp.authentificationComplete', key: { _: 'pub.aes', key: me.publicKey }, signature }),
    );
    await expectRefused(server.sessions[0], raw, /expected an ed25519 key, got pub\.aes/);
  });

  it('refuses a completion replayed from another connection (the server nonce is fresh each time)', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const clientNonce = new Uint8Array(32).fill(3);
    const first = await rawClient(server.connector, keys.publicKey);
    const firstNonce = await authenticate(first, clientNonce);
    const complete = encodeTcpAuthComplete(
      me.publicKey,
      sign(tcpAuthSignedBytes(clientNonce, firstNonce), me.secretKey),
    );
    first.send(complete);
    first.send(query(1));
    expect(decodeTcpPayload((await first.next())!).kind).toBe('answer');
    expect(hex(server.sessions[0].authenticatedKey)).toBe(hex(me.publicKey));

    const second = await rawClient(server.connector, keys.publicKey);
    const secondNonce = await authenticate(second, clientNonce); // same client nonce
    expect(hex(secondNonce)).not.toBe(hex(firstNonce));
    second.send(complete);
    await expectRefused(server.sessions[1], second, /signature/);
    first.close();
  });

  it('refuses an empty or oversized client nonce before using it, and an oversized auth payload', async () => {
    const keys = generateKeyPair();
    const server = startServer(keys);
    for (const size of [0, TCP_AUTH_MAX_NONCE + 1]) {
      const raw = await rawClient(server.connector, keys.publicKey);
      expect((await raw.next())?.length).toBe(0);
      raw.send(encodeTcpAuthenticate(new Uint8Array(size)));
      await expectRefused(server.sessions.at(-1)!, raw, /bad client nonce size/);
    }
    const raw = await rawClient(server.connector, keys.publicKey);
    expect((await raw.next())?.length).toBe(0);
    raw.send(encodeTcpAuthenticate(new Uint8Array(4096)));
    await expectRefused(server.sessions.at(-1)!, raw, /too large/, 'protocol');
    // the largest allowed nonce is fine
    const ok = await rawClient(server.connector, keys.publicKey);
    expect((await authenticate(ok, new Uint8Array(TCP_AUTH_MAX_NONCE))).length).toBe(
      TCP_AUTH_SERVER_NONCE_SIZE,
    );
    ok.close();
  });

  it('allows one exchange per connection: a second tcp.authentificate (pending or after success) closes it', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    // while the first is pending
    const pending = await rawClient(server.connector, keys.publicKey);
    await authenticate(pending, new Uint8Array(32).fill(4));
    pending.send(encodeTcpAuthenticate(new Uint8Array(32).fill(5)));
    await expectRefused(server.sessions[0], pending, /duplicate/);
    // after a successful one
    const done = await rawClient(server.connector, keys.publicKey);
    const clientNonce = new Uint8Array(32).fill(6);
    const serverNonce = await authenticate(done, clientNonce);
    done.send(
      encodeTcpAuthComplete(me.publicKey, sign(tcpAuthSignedBytes(clientNonce, serverNonce), me.secretKey)),
    );
    done.send(encodeTcpAuthenticate(new Uint8Array(32).fill(7)));
    const error = await server.sessions[1].closed;
    expect((error as AdnlError).kind).toBe('auth');
    expect(error?.message).toMatch(/duplicate/);
    expect(await done.next()).toBeNull();
  });

  it('refuses a completion without a pending nonce, and a second completion', async () => {
    const keys = generateKeyPair();
    const me = generateKeyPair();
    const server = startServer(keys);
    const raw = await rawClient(server.connector, keys.publicKey);
    expect((await raw.next())?.length).toBe(0);
    raw.send(encodeTcpAuthComplete(me.publicKey, new Uint8Array(64)));
    await expectRefused(server.sessions[0], raw, /without a pending nonce/);

    const twice = await rawClient(server.connector, keys.publicKey);
    const clientNonce = new Uint8Array(32).fill(8);
    const serverNonce = await authenticate(twice, clientNonce);
    const complete = encodeTcpAuthComplete(
      me.publicKey,
      sign(tcpAuthSignedBytes(clientNonce, serverNonce), me.secretKey),
    );
    twice.send(complete);
    twice.send(complete);
    const error = await server.sessions[1].closed;
    expect(error?.message).toMatch(/without a pending nonce/);
  });
});

/** A server end written here, frame by frame, to drive our client into each failure. */
function scriptedServer(
  keys: KeyPair,
  script: (send: (p: Uint8Array) => void, got: Uint8Array, close: () => void) => void,
) {
  return async (): Promise<ByteStream> => {
    const { a, b } = createMemoryStreamPair();
    let ch: AdnlTcpChannel | null = null;
    b.onData = (chunk) => {
      if (ch) return;
      const accepted = acceptClientHandshake(chunk.subarray(0, 256), [keys]);
      const channel: AdnlTcpChannel = new AdnlTcpChannel(b, accepted.ciphers, {
        onPayload: (p) =>
          script(
            (x) => channel.send(x),
            p,
            () => channel.close(),
          ),
        onClose: () => {},
      });
      ch = channel;
      channel.send(new Uint8Array(0));
      channel.receive(chunk.subarray(256));
    };
    return a;
  };
}

describe('tcp.authentificate: our client against a misbehaving server', () => {
  it('fails the connect with AdnlError(auth) when the server closes on tcp.authentificate', async () => {
    const keys = generateKeyPair();
    const connector = scriptedServer(keys, (_send, _got, close) => close());
    const error = await AdnlTcpClient.connect(connector, keys.publicKey, {
      authKey: generateKeyPair(),
      pingIntervalMs: 0,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdnlError);
    expect((error as AdnlError).kind).toBe('auth');
    expect((error as AdnlError).message).toMatch(/closed during tcp\.authentificate/);
  });

  it('a server that closes after the completion (a refusal, never answered) ends the connection', async () => {
    const keys = generateKeyPair();
    const connector = scriptedServer(keys, (send, got, close) => {
      const m = decodeTcpPayload(got);
      if (m.kind === 'authenticate') send(encodeTcpAuthNonce(new Uint8Array(256).fill(1)));
      else close();
    });
    const client = await AdnlTcpClient.connect(connector, keys.publicKey, {
      authKey: generateKeyPair(),
      pingIntervalMs: 0,
      reconnect: false,
    });
    clients.push(client);
    // like the C++ client, ours counts the exchange done once the completion is sent: nothing confirms it
    const ended = await new Promise<Error | undefined>((r) => (client.onStateChange = (_s, e) => r(e)));
    expect(client.state).toBe('closed');
    expect(ended).toBeInstanceOf(AdnlError);
    await expect(client.query(Uint8Array.of(1, 2, 3, 4), 1000)).rejects.toMatchObject({ kind: 'closed' });
  });

  it('refuses a server nonce outside 1..512 bytes, and a server that answers something else', async () => {
    const keys = generateKeyPair();
    for (const reply of [
      encodeTcpAuthNonce(new Uint8Array(TCP_AUTH_MAX_NONCE + 1)),
      encodeTcpAuthNonce(new Uint8Array(0)),
      tlEncode({ _: 'tcp.pong', random_id: 1n }),
    ]) {
      const connector = scriptedServer(keys, (send) => send(reply));
      const error = await AdnlTcpClient.connect(connector, keys.publicKey, {
        authKey: generateKeyPair(),
        pingIntervalMs: 0,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdnlError);
      expect((error as AdnlError).kind).toBe('auth');
    }
  });

  it('times out when the server never sends its nonce', async () => {
    const keys = generateKeyPair();
    const connector = scriptedServer(keys, () => {});
    const error = await AdnlTcpClient.connect(connector, keys.publicKey, {
      authKey: generateKeyPair(),
      pingIntervalMs: 0,
      connectTimeoutMs: 200,
    }).catch((e: unknown) => e);
    expect((error as AdnlError).kind).toBe('timeout');
    expect((error as AdnlError).message).toMatch(/authentificationNonce/);
  });
});

describe('tcp.authentificate: decoders and state machines on hostile input', () => {
  const ids = [0x445bab12, 0xe35d4ab6, 0xf7ad9ea6];

  it('the three decoders return a well-formed message or throw AdnlError, never anything else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 1200 }), (id, body) => {
        const payload = new Uint8Array(4 + body.length);
        new DataView(payload.buffer).setUint32(0, id, true);
        payload.set(body, 4);
        let message: TcpAuthPayload | null;
        try {
          message = decodeTcpAuthPayload(id, payload);
        } catch (error) {
          expect(error).toBeInstanceOf(AdnlError);
          return;
        }
        expect(message).not.toBeNull();
        if (message!.kind === 'auth-complete') {
          expect(message!.signature).toBeInstanceOf(Uint8Array);
          if (message!.keyType === 'pub.ed25519') expect(message!.ed25519Key?.length).toBe(32);
          else expect(message!.ed25519Key).toBeNull();
        } else expect(message!.nonce.length).toBeLessThanOrEqual(1200);
      }),
      { numRuns: 500 },
    );
  });

  it('decode(encode(x)) = x, and any single-byte change is refused or decodes differently', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: TCP_AUTH_MAX_NONCE }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (nonce, key, signature) => {
          expect(decodeTcpPayload(encodeTcpAuthenticate(nonce))).toEqual({ kind: 'authenticate', nonce });
          expect(decodeTcpPayload(encodeTcpAuthNonce(nonce))).toEqual({ kind: 'auth-nonce', nonce });
          expect(decodeTcpPayload(encodeTcpAuthComplete(key, signature))).toEqual({
            kind: 'auth-complete',
            keyType: 'pub.ed25519',
            ed25519Key: key,
            signature,
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the server state machine follows the C++ rules on any message sequence, throwing only AdnlError(auth)', () => {
    const me = generateKeyPair();
    const step = fc.oneof(
      fc.record({ t: fc.constant('authenticate' as const), nonce: fc.uint8Array({ maxLength: 600 }) }),
      fc.record({
        t: fc.constant('complete' as const),
        keyType: fc.constantFrom('pub.ed25519', 'pub.aes', 'pub.unenc'),
        signature: fc.uint8Array({ maxLength: 80 }),
        honest: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 6 }), (steps) => {
        const server = new TcpAuthServer();
        // the model: adnl-ext-server.cpp process_custom_packet
        let pending: Uint8Array | null = null;
        let done = false;
        for (const s of steps) {
          let threw = false;
          let expectThrow: boolean;
          try {
            if (s.t === 'authenticate') {
              expectThrow =
                pending !== null || done || s.nonce.length === 0 || s.nonce.length > TCP_AUTH_MAX_NONCE;
              const answer = decodeTcpPayload(server.onAuthenticate(s.nonce));
              if (answer.kind !== 'auth-nonce') throw new Error('not a nonce');
              pending = tcpAuthSignedBytes(s.nonce, answer.nonce);
            } else {
              const honest = s.honest && pending !== null;
              expectThrow = pending === null || !honest;
              const signed = pending;
              pending = null;
              server.onComplete(
                honest
                  ? {
                      kind: 'auth-complete',
                      keyType: 'pub.ed25519',
                      ed25519Key: me.publicKey,
                      signature: sign(signed!, me.secretKey),
                    }
                  : {
                      kind: 'auth-complete',
                      keyType: s.keyType,
                      ed25519Key: s.keyType === 'pub.ed25519' ? me.publicKey : null,
                      signature: s.signature,
                    },
              );
              done = true;
            }
          } catch (error) {
            threw = true;
            expect(error).toBeInstanceOf(AdnlError);
            expect((error as AdnlError).kind).toBe('auth');
          }
          expect(threw).toBe(expectThrow!);
        }
        expect(server.authenticatedKey !== null).toBe(done);
      }),
      { numRuns: 200 },
    );
  });

  it('the client end signs only once, only after start(), only nonces of 1..512 bytes', () => {
    const me = generateKeyPair();
    expect(() => new TcpAuthClient(me).onNonce(new Uint8Array(1))).toThrow(AdnlError);
    const client = new TcpAuthClient(me);
    client.start();
    expect(() => client.start()).toThrow(AdnlError);
    expect(() => client.onNonce(new Uint8Array(0))).toThrow(/bad server nonce size/);
    expect(() => client.onNonce(new Uint8Array(TCP_AUTH_MAX_NONCE + 1))).toThrow(/bad server nonce size/);
    expect(decodeTcpPayload(client.onNonce(new Uint8Array(TCP_AUTH_MAX_NONCE))).kind).toBe('auth-complete');
    expect(() => client.onNonce(new Uint8Array(1))).toThrow(AdnlError);
  });
});
