/** Property tests: the ADNL-TCP frame parser, payload decoder, handshake parser and server end on hostile input. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { generateKeyPair } from '../../../src/net/crypto/index.ts';
import { createMemoryStreamPair } from '../../../src/net/transport/index.ts';
import {
  ADNL_TCP_MAX_FRAME_SIZE,
  AdnlError,
  TcpFrameParser,
  acceptClientHandshake,
  createClientHandshake,
  decodeTcpPayload,
  encodeTcpFrame,
  serveAdnlTcp,
} from '../../../src/net/adnl/index.ts';

/** Splits `bytes` at the given cut points (any order, duplicates allowed). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Runs `fn`; passes if it returns or throws AdnlError, fails on anything else. */
function onlyAdnlErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AdnlError);
  }
}

const payloads = fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 });

describe('TcpFrameParser', () => {
  it('returns the same payloads however the stream is chunked', () => {
    fc.assert(
      fc.property(payloads, fc.array(fc.nat(), { maxLength: 20 }), (ps, cuts) => {
        const stream = concat(ps.map((p) => encodeTcpFrame(p)));
        const parser = new TcpFrameParser();
        const got = chunk(stream, cuts).flatMap((c) => parser.push(c));
        expect(got).toEqual(ps);
        expect(parser.buffered).toBe(0);
      }),
    );
  });

  it('random bytes: payloads or AdnlError only', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 6 }), (chunks) => {
        const parser = new TcpFrameParser();
        onlyAdnlErrors(() => chunks.forEach((c) => parser.push(c)));
      }),
    );
  });

  it('mutated valid streams: AdnlError (or waiting for more bytes), never anything else', () => {
    fc.assert(
      fc.property(
        payloads.filter((ps) => ps.length > 0),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (ps, flips, cuts) => {
          const stream = concat(ps.map((p) => encodeTcpFrame(p)));
          for (const [at, x] of flips) stream[at % stream.length] ^= x;
          const parser = new TcpFrameParser();
          let error: unknown;
          const got: Uint8Array[] = [];
          try {
            for (const c of chunk(stream, cuts)) got.push(...parser.push(c));
          } catch (e) {
            error = e;
          }
          if (error !== undefined) expect(error).toBeInstanceOf(AdnlError);
          // A flip never yields a corrupted payload: whatever came out is a prefix of the original frames.
          got.forEach((p, i) => expect(p).toEqual(ps[i]));
          // And the parser holds at most what it was given.
          expect(parser.buffered).toBeLessThanOrEqual(stream.length);
        },
      ),
    );
  });

  it('rejects out-of-range size fields before waiting for (or allocating) the body', () => {
    for (const size of [0, 1, 63, ADNL_TCP_MAX_FRAME_SIZE + 1, 0xffffffff]) {
      const header = new Uint8Array(4);
      new DataView(header.buffer).setUint32(0, size, true);
      expect(() => new TcpFrameParser().push(header)).toThrow(AdnlError);
    }
    const small = new TcpFrameParser(1024);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, 1025, true);
    expect(() => small.push(header)).toThrow(/outside/);
    expect(() => small.push(new Uint8Array(1))).toThrow(AdnlError); // stays failed
  });
});

describe('decodeTcpPayload / acceptClientHandshake', () => {
  it('random payloads: AdnlError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => onlyAdnlErrors(() => decodeTcpPayload(b))),
    );
    // Valid constructor ids with random bodies exercise the TL paths.
    const ids = [0x0fac8416, 0xb48bf97a, 0x4d082b9a, 0xdc69fb03];
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 80 }), (id, body) => {
        const b = new Uint8Array(4 + body.length);
        new DataView(b.buffer).setUint32(0, id, true);
        b.set(body, 4);
        onlyAdnlErrors(() => decodeTcpPayload(b));
      }),
    );
  });

  it('random or mutated handshakes: AdnlError only', () => {
    const server = generateKeyPair();
    const valid = createClientHandshake(server.publicKey).packet;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 256, maxLength: 256 }), (b) =>
        onlyAdnlErrors(() => acceptClientHandshake(b, [server])),
      ),
      { numRuns: 50 },
    );
    fc.assert(
      fc.property(fc.nat({ max: 255 }), fc.integer({ min: 1, max: 255 }), (at, x) => {
        const b = valid.slice();
        b[at] ^= x;
        expect(() => acceptClientHandshake(b, [server])).toThrow(AdnlError);
      }),
      { numRuns: 50 },
    );
  });
});

describe('server end on hostile bytes', () => {
  it('closes with an error (or keeps waiting), never throws out of the stream handler', async () => {
    const keys = generateKeyPair();
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }),
        async (hs, junk) => {
          const { a, b } = createMemoryStreamPair();
          const session = serveAdnlTcp(b, keys, async (q) => q, { handshakeTimeoutMs: 50 });
          const handshake = createClientHandshake(keys.publicKey);
          if (hs) a.write(handshake.packet);
          for (const j of junk) a.write(hs ? handshake.ciphers.encrypt.update(j) : j);
          a.close();
          const error = await session.closed;
          if (error) expect(error).toBeInstanceOf(Error);
        },
      ),
      { numRuns: 40 },
    );
  });
});
