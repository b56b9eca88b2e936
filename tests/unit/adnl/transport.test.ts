import { describe, expect, it } from 'vitest';
import { createServer, type AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  BridgeCloseCode,
  TransportError,
  base64Decode,
  base64Encode,
  bridgeTcpUrl,
  connectWebSocketStream,
  createMemoryStreamPair,
  parseBridgeTcpRequest,
  type ByteStream,
} from '../../../src/net/transport/index.ts';
import { connectTcpStream, socketByteStream } from '../../../src/node/tcp-stream.ts';

function collect(stream: ByteStream): { chunks: Uint8Array[]; closed: Promise<Error | undefined> } {
  const chunks: Uint8Array[] = [];
  stream.onData = (d) => chunks.push(d);
  const closed = new Promise<Error | undefined>((resolve) => (stream.onClose = resolve));
  return { chunks, closed };
}

describe('base64', () => {
  it('matches Buffer (a codec we did not write)', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff);
      expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64Decode(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
    }
    expect(() => base64Decode('a')).toThrow(TransportError);
    expect(() => base64Decode('ab$c')).toThrow(TransportError);
  });
});

describe('bridge protocol', () => {
  it('builds and parses /tcp targets', () => {
    const key = new Uint8Array(32).fill(0xfb);
    const byIndex = bridgeTcpUrl('ws://127.0.0.1:8081', { server: 3 });
    expect(byIndex).toBe('ws://127.0.0.1:8081/tcp?server=3');
    const url = new URL(bridgeTcpUrl('wss://bridge.example/base/', { key }));
    expect(url.pathname).toBe('/base/tcp');
    expect(parseBridgeTcpRequest('/tcp?server=3')).toEqual({ server: 3 });
    expect(parseBridgeTcpRequest('/tcp' + url.search)).toEqual({ key });
  });

  it('rejects malformed requests with code 4400', () => {
    for (const bad of [
      '/udp?server=1',
      '/tcp',
      '/tcp?server=1&server=2',
      '/tcp?server=01',
      '/tcp?server=-1',
      '/tcp?server=999999',
      '/tcp?key=AAAA',
      '/tcp?server=1&key=' + 'A'.repeat(44),
      '/tcp?key=%%%',
    ]) {
      let error: unknown;
      try {
        parseBridgeTcpRequest(bad);
      } catch (e) {
        error = e;
      }
      expect(error, bad).toBeInstanceOf(TransportError);
      expect((error as TransportError).code).toBe(BridgeCloseCode.BAD_REQUEST);
    }
    expect(() => bridgeTcpUrl('http://x', { server: 1 })).toThrow(TransportError);
  });
});

describe('memory stream pair', () => {
  it('delivers in order and closes both ends', async () => {
    const { a, b } = createMemoryStreamPair();
    const rb = collect(b);
    const ra = collect(a);
    const buf = new Uint8Array([1, 2, 3]);
    a.write(buf);
    buf[0] = 9; // the writer may reuse its buffer
    a.write(new Uint8Array([4]));
    a.close();
    expect(await rb.closed).toBeUndefined();
    expect(await ra.closed).toBeUndefined();
    expect(rb.chunks).toEqual([new Uint8Array([1, 2, 3]), new Uint8Array([4])]);
  });

  it('destroy reports an error to the peer', async () => {
    const { a, b } = createMemoryStreamPair();
    const rb = collect(b);
    a.destroy(new Error('reset'));
    expect((await rb.closed)?.message).toBe('reset');
  });
});

describe('WebSocket stream (with the ws package)', () => {
  it('relays binary frames both ways and reports close codes', async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as AddressInfo).port;
    wss.on('connection', (socket, request) => {
      if (request.url?.includes('server=9')) {
        socket.close(BridgeCloseCode.REFUSED, 'not in config');
        return;
      }
      socket.on('message', (data: Buffer) => {
        socket.send(Buffer.concat([Buffer.from([0xee]), data]));
        if (data[0] === 0xff) socket.close(1000);
      });
    });
    try {
      const stream = await connectWebSocketStream(bridgeTcpUrl(`ws://127.0.0.1:${port}`, { server: 0 }), {
        WebSocket,
      });
      const r = collect(stream);
      stream.write(new Uint8Array([1, 2]));
      stream.write(new Uint8Array([0xff]));
      expect(await r.closed).toBeUndefined();
      expect(r.chunks).toEqual([new Uint8Array([0xee, 1, 2]), new Uint8Array([0xee, 0xff])]);

      const refused = await connectWebSocketStream(bridgeTcpUrl(`ws://127.0.0.1:${port}`, { server: 9 }), {
        WebSocket,
      }).then(
        (s) => collect(s).closed,
        (e: unknown) => e as Error,
      );
      expect(refused).toBeInstanceOf(TransportError);
      expect((refused as TransportError).code).toBe(BridgeCloseCode.REFUSED);

      await expect(
        connectWebSocketStream('ws://127.0.0.1:1/tcp?server=0', { WebSocket }),
      ).rejects.toBeInstanceOf(TransportError);
    } finally {
      wss.close();
    }
  });
});

describe('TCP stream', () => {
  it('connects, echoes, and closes', async () => {
    const server = createServer((socket) => {
      const s = socketByteStream(socket);
      s.onData = (d) => s.write(d);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const stream = await connectTcpStream('127.0.0.1', port);
      const got: number[] = [];
      const echoed = new Promise<void>((resolve) => {
        stream.onData = (d) => {
          got.push(...d);
          if (got.length === 3) resolve();
        };
      });
      stream.write(new Uint8Array([7, 8, 9]));
      await echoed;
      expect(got).toEqual([7, 8, 9]);
      stream.close();
      await expect(connectTcpStream('127.0.0.1', 1)).rejects.toBeInstanceOf(TransportError);
    } finally {
      server.close();
    }
  });
});
