/**
 * The devnet liteserver accepts tcp.authentificate as the real one does (DIGEST §2.1). The client here is written
 * from xssnick/tonutils-go liteclient (auth.go `authRequest` / `authSignComplete`, connection.go) without our
 * auth code: a TCP socket, our handshake and frame codec, node:crypto Ed25519, and the exchange done by hand —
 * a 32-byte nonce, the server's nonce (up to 512 bytes) signed after ours, a `pub.ed25519` key — in both orders
 * tonutils-go used (v1.14.1 sends tcp.authentificate right behind the handshake, v1.18 after the ack). Then it
 * asks liteServer.getMasterchainInfo and must get the answer our own LiteClient gets.
 */
import { generateKeyPairSync, sign as nodeSign, type KeyObject } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DevnetChain } from '../../src/devnet/chain.ts';
import { startLiteserver, type DevnetLiteserver } from '../../src/devnet/index.ts';
import {
  TcpFrameParser,
  createClientHandshake,
  encodeTcpFrame,
  type AdnlTcpCiphers,
} from '../../src/net/adnl/index.ts';
import { generateKeyPair } from '../../src/net/crypto/index.ts';
import { LiteClient, type MasterchainInfo } from '../../src/net/lite/index.ts';
import { tlDecode, tlEncode, tlNameOf } from '../../src/net/tl/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';

let chain: DevnetChain;
let ls: DevnetLiteserver;

beforeAll(async () => {
  chain = await DevnetChain.create();
  chain.seal();
  ls = await startLiteserver({ chain });
});

afterAll(async () => {
  await ls?.stop();
  chain?.stop();
});

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** One raw ADNL-TCP connection: whole payloads in and out, decrypted/encrypted with the handshake's streams. */
class RawConnection {
  readonly #socket: Socket;
  readonly #ciphers: AdnlTcpCiphers;
  readonly #parser = new TcpFrameParser();
  readonly #inbox: Uint8Array[] = [];
  #waiter: ((p: Uint8Array | null) => void) | null = null;
  #ended = false;

  private constructor(socket: Socket, ciphers: AdnlTcpCiphers) {
    this.#socket = socket;
    this.#ciphers = ciphers;
    socket.on('data', (chunk: Buffer) => {
      for (const p of this.#parser.push(ciphers.decrypt.update(new Uint8Array(chunk)))) this.#deliver(p);
    });
    const end = () => {
      this.#ended = true;
      this.#waiter?.(null);
      this.#waiter = null;
    };
    socket.on('close', end);
    socket.on('error', end);
  }

  static async open(host: string, port: number, serverKey: Uint8Array): Promise<RawConnection> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, host, () => resolve(s));
      s.once('error', reject);
    });
    const hs = createClientHandshake(serverKey, generateKeyPair());
    socket.write(hs.packet);
    return new RawConnection(socket, hs.ciphers);
  }

  #deliver(p: Uint8Array): void {
    if (this.#waiter) {
      const w = this.#waiter;
      this.#waiter = null;
      w(p);
    } else this.#inbox.push(p);
  }

  send(payload: Uint8Array): void {
    this.#socket.write(this.#ciphers.encrypt.update(encodeTcpFrame(payload)));
  }

  /** The next payload (null once the server closed), within 5 s. */
  next(): Promise<Uint8Array | null> {
    if (this.#inbox.length) return Promise.resolve(this.#inbox.shift()!);
    if (this.#ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame from the server within 5 s')), 5000);
      this.#waiter = (p) => {
        clearTimeout(timer);
        resolve(p);
      };
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** An Ed25519 key as tonutils-go holds one (ed25519.GenerateKey), via node:crypto. */
function ed25519Key(): { privateKey: KeyObject; publicKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKey: new Uint8Array(Buffer.from(jwk.x!, 'base64url')) };
}

const idOf = (p: Uint8Array) => tlNameOf(new DataView(p.buffer, p.byteOffset, 4).getUint32(0, true));

/**
 * tonutils-go's exchange: tcp.authentificate with 32 random bytes; on tcp.authentificationNonce (refused above
 * 512 bytes), tcp.authentificationComplete{pub.ed25519, Ed25519(our nonce || server nonce)}. Returns the
 * server's nonce.
 */
async function authenticateLikeTonutils(
  conn: RawConnection,
  key: { privateKey: KeyObject; publicKey: Uint8Array },
  beforeAck: boolean,
): Promise<Uint8Array> {
  const ourNonce = new Uint8Array(32);
  crypto.getRandomValues(ourNonce);
  if (!beforeAck) expect((await conn.next())?.length).toBe(0); // the handshake ack
  conn.send(tlEncode({ _: 'tcp.authentificate', nonce: ourNonce }));
  if (beforeAck) expect((await conn.next())?.length).toBe(0); // the ack still comes first
  const reply = await conn.next();
  expect(reply).not.toBeNull();
  expect(idOf(reply!)).toBe('tcp.authentificationNonce');
  const serverNonce = tlDecode('tcp.authentificationNonce', reply!).nonce;
  expect(serverNonce.length).toBeGreaterThan(0);
  expect(serverNonce.length).toBeLessThanOrEqual(512);
  const signature = nodeSign(null, Buffer.concat([ourNonce, serverNonce]), key.privateKey);
  conn.send(
    tlEncode({
      _: 'tcp.authentificationComplete',
      key: { _: 'pub.ed25519', key: key.publicKey },
      signature: new Uint8Array(signature),
    }),
  );
  return serverNonce;
}

async function getMasterchainInfo(conn: RawConnection): Promise<MasterchainInfo> {
  const queryId = new Uint8Array(32);
  crypto.getRandomValues(queryId);
  const data = tlEncode({ _: 'liteServer.getMasterchainInfo' });
  conn.send(
    tlEncode({
      _: 'adnl.message.query',
      query_id: queryId,
      query: tlEncode({ _: 'liteServer.query', data }),
    }),
  );
  const reply = await conn.next();
  expect(reply).not.toBeNull();
  // nothing else was sent after the completion: the next frame is the answer
  expect(idOf(reply!)).toBe('adnl.message.answer');
  const answer = tlDecode('adnl.message.answer', reply!);
  expect(hex(answer.query_id)).toBe(hex(queryId));
  return tlDecode('liteServer.masterchainInfo', answer.answer) as MasterchainInfo;
}

describe('devnet liteserver ⇄ a tonutils-go style authenticating client', () => {
  for (const beforeAck of [true, false]) {
    it(`authenticates (tcp.authentificate ${beforeAck ? 'right behind the handshake, v1.14.1' : 'after the ack, v1.18'}) and gets getMasterchainInfo`, async () => {
      const ours = await LiteClient.connect(tcpConnector(ls.host, ls.port), ls.publicKey, {
        pingIntervalMs: 0,
      });
      const expected = await ours.getMasterchainInfo();
      ours.close();

      const conn = await RawConnection.open(ls.host, ls.port, ls.publicKey);
      const serverNonce = await authenticateLikeTonutils(conn, ed25519Key(), beforeAck);
      expect(serverNonce.length).toBe(256); // as adnl-ext-server.cpp
      const info = await getMasterchainInfo(conn);
      expect(info.last.seqno).toBe(expected.last.seqno);
      expect(hex(info.last.root_hash)).toBe(hex(expected.last.root_hash));
      expect(hex(info.state_root_hash)).toBe(hex(expected.state_root_hash));
      expect(hex(info.init.file_hash)).toBe(hex(expected.init.file_hash));
      // tcp.ping still answered on the authenticated connection
      conn.send(tlEncode({ _: 'tcp.ping', random_id: 77n }));
      const pong = await conn.next();
      expect(tlDecode('tcp.pong', pong!).random_id).toBe(77n);
      conn.close();
    });
  }

  it('closes the connection, with no answer, on a completion signed in the wrong order', async () => {
    const conn = await RawConnection.open(ls.host, ls.port, ls.publicKey);
    const key = ed25519Key();
    const ourNonce = new Uint8Array(32).fill(5);
    expect((await conn.next())?.length).toBe(0);
    conn.send(tlEncode({ _: 'tcp.authentificate', nonce: ourNonce }));
    const serverNonce = tlDecode('tcp.authentificationNonce', (await conn.next())!).nonce;
    const signature = nodeSign(null, Buffer.concat([serverNonce, ourNonce]), key.privateKey);
    conn.send(
      tlEncode({
        _: 'tcp.authentificationComplete',
        key: { _: 'pub.ed25519', key: key.publicKey },
        signature: new Uint8Array(signature),
      }),
    );
    conn.send(tlEncode({ _: 'tcp.ping', random_id: 1n }));
    expect(await conn.next()).toBeNull();
  });

  it('our LiteClient with an authKey gets the same answer', async () => {
    const client = await LiteClient.connect(tcpConnector(ls.host, ls.port), ls.publicKey, {
      authKey: generateKeyPair(),
      pingIntervalMs: 0,
    });
    const conn = await RawConnection.open(ls.host, ls.port, ls.publicKey);
    await authenticateLikeTonutils(conn, ed25519Key(), false);
    const theirs = await getMasterchainInfo(conn);
    const mine = await client.getMasterchainInfo();
    expect(hex(mine.last.root_hash)).toBe(hex(theirs.last.root_hash));
    client.close();
    conn.close();
  });
});
