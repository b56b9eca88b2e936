/** Our ADNL-TCP client against our server end over in-memory streams, and our server against the `adnl` package. */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { ADNLClientTCP } from 'adnl';
import { generateKeyPair, type KeyPair } from '../../../src/net/crypto/index.ts';
import { tlDecode, tlEncode } from '../../../src/net/tl/index.ts';
import {
  createMemoryStreamPair,
  type ByteStream,
  type MemoryStreamPair,
} from '../../../src/net/transport/index.ts';
import {
  acceptClientHandshake,
  AdnlError,
  AdnlTcpClient,
  createClientHandshake,
  encodeTcpFrame,
  serveAdnlTcp,
  type AdnlTcpClientOptions,
  type AdnlTcpQueryHandler,
  type AdnlTcpServerSession,
} from '../../../src/net/adnl/index.ts';
import { socketByteStream } from '../../../src/node/tcp-stream.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const echo: AdnlTcpQueryHandler = async (q) => q;

/** A server reachable through a connector that makes a fresh in-memory stream pair per connection. */
function memoryServer(keys: KeyPair, handler: AdnlTcpQueryHandler = echo) {
  const sessions: AdnlTcpServerSession[] = [];
  const streams: MemoryStreamPair['b'][] = [];
  let refuse = false;
  return {
    sessions,
    streams,
    setRefuse(v: boolean) {
      refuse = v;
    },
    connector: async () => {
      if (refuse) throw new Error('connection refused');
      const { a, b } = createMemoryStreamPair();
      streams.push(b);
      sessions.push(serveAdnlTcp(b, keys, handler));
      return a;
    },
  };
}

const clients: AdnlTcpClient[] = [];
async function connect(
  connector: () => Promise<ByteStream>,
  key: Uint8Array,
  options: AdnlTcpClientOptions = {},
) {
  const client = await AdnlTcpClient.connect(connector, key, { pingIntervalMs: 0, ...options });
  clients.push(client);
  return client;
}
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

describe('ADNL-TCP client ⇄ server (in-memory)', () => {
  it('handshakes and matches many concurrent queries answered out of order', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys, async (q) => {
      await sleep(q[0] % 7); // answers come back in a different order
      return Uint8Array.from([...q].reverse());
    });
    const client = await connect(server.connector, keys.publicKey);
    expect(client.state).toBe('ready');
    const queries = Array.from({ length: 100 }, (_, i) => Uint8Array.from([i, i + 1, i + 2, 255 - i]));
    const answers = await Promise.all(queries.map((q) => client.query(q, 5000)));
    answers.forEach((a, i) => expect(a).toEqual(Uint8Array.from([...queries[i]].reverse())));
    expect(server.sessions[0].clientPublicKey?.length).toBe(32);
    expect(await client.ping(1000)).toBeGreaterThanOrEqual(0);
  });

  it('carries large payloads (1 MiB) both ways', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys);
    const client = await connect(server.connector, keys.publicKey);
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => i * 31);
    expect(await client.query(big, 5000)).toEqual(big);
  });

  it('times out one query without disturbing the others', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys, async (q) => {
      if (q[0] === 1) await sleep(300);
      return q;
    });
    const client = await connect(server.connector, keys.publicKey);
    const slow = client.query(Uint8Array.of(1), 50);
    const fast = client.query(Uint8Array.of(2), 2000);
    await expect(slow).rejects.toMatchObject({ kind: 'timeout' });
    expect(await fast).toEqual(Uint8Array.of(2));
    await sleep(300); // the late answer arrives and is ignored
    expect(await client.query(Uint8Array.of(3), 2000)).toEqual(Uint8Array.of(3));
  });

  it('rejects in-flight queries when the server goes away, then reconnects', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys, async (q) => {
      if (q[0] === 9) await sleep(10_000);
      return q;
    });
    const states: string[] = [];
    const client = await connect(server.connector, keys.publicKey, {
      reconnectMinDelayMs: 5,
      reconnectMaxDelayMs: 20,
    });
    client.onStateChange = (s) => states.push(s);
    const hanging = client.query(Uint8Array.of(9), 5000);
    await sleep(5);
    server.sessions[0].close();
    await expect(hanging).rejects.toMatchObject({ kind: 'connection-lost' });
    // A query made while reconnecting waits for the new link.
    expect(await client.query(Uint8Array.of(4), 2000)).toEqual(Uint8Array.of(4));
    expect(states).toEqual(['reconnecting', 'ready']);
    expect(server.sessions.length).toBe(2);
  });

  it('backs off while the server refuses, and recovers', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys);
    const client = await connect(server.connector, keys.publicKey, {
      reconnectMinDelayMs: 5,
      reconnectMaxDelayMs: 40,
    });
    server.setRefuse(true);
    server.streams[0].destroy(new Error('reset'));
    await sleep(100);
    expect(client.state).toBe('reconnecting');
    expect(client.lastError?.message).toMatch(/refused/);
    server.setRefuse(false);
    expect(await client.query(Uint8Array.of(5), 2000)).toEqual(Uint8Array.of(5));
  });

  it('without reconnect, a drop closes the client', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys);
    const client = await connect(server.connector, keys.publicKey, { reconnect: false });
    server.sessions[0].close();
    await sleep(5);
    expect(client.state).toBe('closed');
    await expect(client.query(Uint8Array.of(1), 100)).rejects.toMatchObject({ kind: 'closed' });
  });

  it('close() rejects pending queries with kind closed', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys, () => new Promise(() => {}));
    const client = await connect(server.connector, keys.publicKey);
    const q = client.query(Uint8Array.of(1), 5000);
    client.close();
    await expect(q).rejects.toMatchObject({ kind: 'closed' });
    expect((await server.sessions[0].closed)?.message ?? 'eof').toBeTruthy();
  });

  it('a wrong server key fails the first connect with a handshake error', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys);
    const err = await AdnlTcpClient.connect(server.connector, generateKeyPair().publicKey, {
      pingIntervalMs: 0,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdnlError);
    expect((err as AdnlError).kind).toBe('handshake');
    expect(await server.sessions[0].closed).toBeInstanceOf(AdnlError);
  });

  it('connect times out when the server never acks', async () => {
    const connector = async () => createMemoryStreamPair().a; // nobody on the other end
    await expect(
      AdnlTcpClient.connect(connector, generateKeyPair().publicKey, { connectTimeoutMs: 30 }),
    ).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('keepalive drops a server that stops answering tcp.ping', async () => {
    const keys = generateKeyPair();
    // A "server" that acks the handshake, then goes silent.
    const connector = async () => {
      const { a, b } = createMemoryStreamPair();
      serveAdnlTcp(b, keys, echo);
      // After the handshake, swallow everything (the server end stays open but mute).
      setTimeout(() => (b.onData = () => {}), 10);
      return a;
    };
    const client = await connect(connector, keys.publicKey, {
      pingIntervalMs: 20,
      pingTimeoutMs: 30,
      reconnect: false,
    });
    await sleep(150);
    expect(client.state).toBe('closed');
    expect(client.lastError).toMatchObject({ kind: 'timeout' });
  });

  it('the server drops a client that sends garbage after the handshake, others unaffected', async () => {
    const keys = generateKeyPair();
    const { a, b } = createMemoryStreamPair();
    const session = serveAdnlTcp(b, keys, echo);
    const hs = createClientHandshake(keys.publicKey);
    a.write(hs.packet);
    a.write(hs.ciphers.encrypt.update(Uint8Array.of(1, 0, 0, 0))); // size field 1 < 64
    const error = await session.closed;
    expect(error).toMatchObject({ kind: 'bad-frame-size' });

    const server = memoryServer(keys);
    const client = await connect(server.connector, keys.publicKey);
    expect(await client.query(Uint8Array.of(7), 1000)).toEqual(Uint8Array.of(7));
  });

  it('the server answers frames split at every byte boundary', async () => {
    const keys = generateKeyPair();
    const { a, b } = createMemoryStreamPair();
    serveAdnlTcp(b, keys, echo);
    const hs = createClientHandshake(keys.publicKey);
    const received: Uint8Array[] = [];
    a.onData = (d) => received.push(hs.ciphers.decrypt.update(d));
    const query = tlEncode({
      _: 'adnl.message.query',
      query_id: new Uint8Array(32).fill(3),
      query: Uint8Array.of(42),
    });
    const bytes = new Uint8Array([...hs.packet, ...hs.ciphers.encrypt.update(encodeTcpFrame(query))]);
    for (const byte of bytes) a.write(Uint8Array.of(byte));
    await sleep(20);
    const plain = new Uint8Array(Buffer.concat(received));
    expect(new DataView(plain.buffer).getUint32(0, true)).toBe(64); // empty ack frame first
    const answer = tlDecode('adnl.message.answer', plain.subarray(68 + 36, plain.length - 32));
    expect(answer.answer).toEqual(Uint8Array.of(42));
  });
});

describe('ADNL-TCP client with pipeline (queries follow the handshake without waiting for the ack)', () => {
  /** A server whose bytes to the client are held back until release(): the ack cannot have arrived. */
  function heldServer(keys: KeyPair, handler: AdnlTcpQueryHandler = echo) {
    const held: Uint8Array[] = [];
    let holding = true;
    let client: ByteStream | null = null;
    return {
      release() {
        holding = false;
        for (const chunk of held.splice(0)) client?.onData?.(chunk);
      },
      connector: async (): Promise<ByteStream> => {
        const { a, b } = createMemoryStreamPair();
        const realWrite = b.write.bind(b);
        b.write = (data: Uint8Array) => {
          if (holding) held.push(data.slice());
          else realWrite(data);
        };
        client = a;
        serveAdnlTcp(b, keys, handler);
        return a;
      },
    };
  }

  it('sends the first query before the server acked; the server answers it after its ack', async () => {
    const keys = generateKeyPair();
    let received: Uint8Array | null = null;
    const server = heldServer(keys, async (q) => {
      received = q;
      return Uint8Array.of(...q, 9);
    });
    const client = await connect(server.connector, keys.publicKey, { pipeline: true });
    expect(client.state).toBe('ready');
    const answer = client.query(Uint8Array.of(5), 1000);
    await sleep(10);
    expect(received).toEqual(Uint8Array.of(5)); // reached the server while nothing came back yet
    server.release();
    expect(await answer).toEqual(Uint8Array.of(5, 9));
    await expect(client.acknowledged()).resolves.toBeUndefined();
  });

  it('a wrong server key fails the pipelined connection with a handshake error', async () => {
    const keys = generateKeyPair();
    const server = memoryServer(keys);
    // The server hangs up at once: connect rejects, or (if that came after connect resolved) the query does.
    const outcome = await AdnlTcpClient.connect(server.connector, generateKeyPair().publicKey, {
      pingIntervalMs: 0,
      pipeline: true,
    }).then(
      async (client) => {
        clients.push(client);
        const error = await client.query(Uint8Array.of(1), 1000).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AdnlError);
        await expect(client.acknowledged()).rejects.toBeInstanceOf(AdnlError);
        expect(client.state).toBe('closed');
        return client.lastError;
      },
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ kind: 'handshake' });
  });

  it('a query sent before a server that closes without acking rejects with a handshake error', async () => {
    const keys = generateKeyPair();
    let peer: ByteStream | null = null;
    const connector = async () => {
      const { a, b } = createMemoryStreamPair();
      peer = b; // a "server" that reads the handshake and the query, then hangs up
      b.onData = () => {};
      return a;
    };
    const client = await connect(connector, keys.publicKey, { pipeline: true, reconnect: true });
    const q = client.query(Uint8Array.of(1), 1000);
    await sleep(5);
    peer!.close();
    await expect(q).rejects.toMatchObject({ kind: 'handshake' });
    expect(client.state).toBe('closed'); // the first connection never retries
  });

  it('a non-empty first frame fails the pipelined connection and the queries sent on it', async () => {
    const keys = generateKeyPair();
    const connector = async () => {
      const { a, b } = createMemoryStreamPair();
      // A "server" that accepts the handshake but answers with a tcp.pong-sized payload instead of the empty ack.
      let buffered = new Uint8Array(0);
      b.onData = (chunk) => {
        if (buffered.length >= 256) return;
        buffered = new Uint8Array([...buffered, ...chunk]);
        if (buffered.length < 256) return;
        const { ciphers } = acceptClientHandshake(buffered.subarray(0, 256), [keys]);
        const frame = ciphers.encrypt.update(encodeTcpFrame(Uint8Array.of(1, 2, 3)));
        setTimeout(() => b.write(frame), 5); // after the client sent its query
      };
      return a;
    };
    const client = await connect(connector, keys.publicKey, { pipeline: true });
    const q = client.query(Uint8Array.of(1), 1000);
    await expect(q).rejects.toMatchObject({ kind: 'handshake', message: expect.stringMatching(/non-empty/) });
    expect(client.state).toBe('closed');
    expect(client.lastError).toMatchObject({ kind: 'handshake' });
  });

  it('no ack within connectTimeoutMs fails the queries with a timeout', async () => {
    const keys = generateKeyPair();
    const server = heldServer(keys);
    const client = await connect(server.connector, keys.publicKey, {
      pipeline: true,
      connectTimeoutMs: 40,
    });
    const q = client.query(Uint8Array.of(1), 5000);
    await expect(q).rejects.toMatchObject({ kind: 'timeout' });
    await expect(client.acknowledged()).rejects.toMatchObject({ kind: 'timeout' });
    expect(client.state).toBe('closed');
  });
});

describe('our server end against a third-party client (the `adnl` npm package, over TCP)', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  it('handshakes and answers an adnl.message.query', async () => {
    const keys = generateKeyPair();
    server = createServer((socket) =>
      serveAdnlTcp(socketByteStream(socket), keys, async (q) => Uint8Array.from([...q, 0xaa])),
    );
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const client = new ADNLClientTCP(`tcp://127.0.0.1:${port}`, keys.publicKey);
    const ready = new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve());
      client.once('error', reject);
    });
    await client.connect();
    await ready;
    const queryId = new Uint8Array(32).fill(7);
    const answer = new Promise<Uint8Array>((resolve) =>
      client.once('data', (d: Buffer) => resolve(new Uint8Array(d))),
    );
    client.write(
      Buffer.from(tlEncode({ _: 'adnl.message.query', query_id: queryId, query: Uint8Array.of(1, 2, 3) })),
    );
    const decoded = tlDecode('adnl.message.answer', await answer);
    expect(decoded.query_id).toEqual(queryId);
    expect(decoded.answer).toEqual(Uint8Array.of(1, 2, 3, 0xaa));
    client.end();
  });
});
