/**
 * Batched relay messages (relay-protocol.ts 4., relay-batch.ts): the wire layout checked against bytes laid out by
 * hand from the spec (not by the encoder), round trips, random and mutated input → TransportError (4400) only, and
 * the frame/byte caps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_RELAY_PAYLOAD,
  RELAY_BATCH_MAX_BYTES,
  RELAY_BATCH_MAX_FRAMES,
  RelayBatchWriter,
  RelayDropReason,
  TransportError,
  decodeRelayBatch,
  encodeRelayBatch,
  type RelayFrame,
} from '../../../src/net/transport/index.ts';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));
const port = fc.integer({ min: 1, max: 65535 });
const frame: fc.Arbitrary<RelayFrame> = fc.oneof(
  fc.record({
    kind: fc.constant('datagram' as const),
    host: ipv4,
    port,
    payload: fc.uint8Array({ maxLength: MAX_RELAY_PAYLOAD }),
  }),
  fc.record({ kind: fc.constant('dropped' as const), host: ipv4, port, reason: fc.nat(255) }),
);
/** Up to 40 frames: at most 40 × 1481 bytes < 64 KiB, so any such list fits one batch. */
const frames = fc.array(frame, { minLength: 1, maxLength: 40 });

function expectBatchError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe(4400);
    return;
  }
  throw new Error('expected a TransportError');
}

/** Decodes or fails with TransportError(4400); anything else fails the test. */
function decodeOrTypedError(bytes: Uint8Array): RelayFrame[] | null {
  try {
    return decodeRelayBatch(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).code).toBe(4400);
    return null;
  }
}

describe('relay batch wire layout', () => {
  // Two entries written byte by byte from the spec: u16 length || kind || IPv4 || port || rest.
  const wire = Uint8Array.from([
    0x00,
    0x0a,
    /**/ 0x01,
    192,
    0,
    2,
    7,
    0x75,
    0x30,
    /**/ 0xde,
    0xad,
    0xbe, // DATAGRAM 192.0.2.7:30000 deadbe
    0x00,
    0x08,
    /**/ 0x02,
    65,
    21,
    141,
    231,
    0x04,
    0x00,
    /**/ 0x03, // DROPPED 65.21.141.231:1024 PACKET_RATE
  ]);
  const expected: RelayFrame[] = [
    { kind: 'datagram', host: '192.0.2.7', port: 30000, payload: Uint8Array.from([0xde, 0xad, 0xbe]) },
    { kind: 'dropped', host: '65.21.141.231', port: 1024, reason: RelayDropReason.PACKET_RATE },
  ];

  it('decodes hand-laid bytes', () => {
    expect(decodeRelayBatch(wire)).toEqual(expected);
  });

  it('encodes to the same bytes', () => {
    expect(encodeRelayBatch(expected)).toEqual(wire);
  });
});

describe('relay batch codec', () => {
  it('round-trips any list of frames that fits', () => {
    fc.assert(
      fc.property(frames, (list) => {
        expect(decodeRelayBatch(encodeRelayBatch(list))).toEqual(list);
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes decode to frames or a TransportError (4400) only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        decodeOrTypedError(bytes);
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated batches decode to frames or a TransportError (4400) only', () => {
    fc.assert(
      fc.property(
        frames,
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        (list, flips, cut) => {
          const bytes = encodeRelayBatch(list);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          decodeOrTypedError(bytes);
          decodeOrTypedError(bytes.subarray(0, cut % (bytes.length + 1)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses empty messages, truncated entries and out-of-range lengths', () => {
    const one = encodeRelayBatch([
      { kind: 'datagram', host: '1.2.3.4', port: 5, payload: new Uint8Array(3) },
    ]);
    expectBatchError(() => decodeRelayBatch(new Uint8Array(0)));
    expectBatchError(() => decodeRelayBatch(one.subarray(0, 1))); // half a length prefix
    expectBatchError(() => decodeRelayBatch(one.subarray(0, one.length - 1))); // frame runs past the end
    const trailing = new Uint8Array(one.length + 1);
    trailing.set(one);
    expectBatchError(() => decodeRelayBatch(trailing)); // a lone byte after the last frame
    for (const length of [0, 6, 7 + MAX_RELAY_PAYLOAD + 1, 0xffff]) {
      const bad = new Uint8Array(2 + Math.max(length, 7));
      bad.set(one.subarray(2, 9), 2);
      bad[0] = length >>> 8;
      bad[1] = length & 255;
      expectBatchError(() => decodeRelayBatch(bad));
    }
  });

  it('refuses a batch with one malformed frame as a whole', () => {
    const good: RelayFrame = { kind: 'datagram', host: '1.2.3.4', port: 5, payload: new Uint8Array(1) };
    const bytes = encodeRelayBatch([good, good, good]);
    bytes[10 + 2] = 9; // second frame's kind (entries are 2 + 7 + 1 bytes)
    expectBatchError(() => decodeRelayBatch(bytes));
    const port0 = encodeRelayBatch([good, good]);
    port0[2 + 5] = 0;
    port0[2 + 6] = 0;
    expectBatchError(() => decodeRelayBatch(port0));
  });

  it('enforces the byte cap before reading any entry and the frame cap before each frame', () => {
    // Over the byte cap: refused even though the start is a valid entry.
    const big = new Uint8Array(RELAY_BATCH_MAX_BYTES + 1);
    big.set(encodeRelayBatch([{ kind: 'datagram', host: '1.2.3.4', port: 5, payload: new Uint8Array(0) }]));
    expect(() => decodeRelayBatch(big)).toThrow(/exceeds/);
    // One frame over the frame cap, far under the byte cap: 257 empty datagrams (9 bytes each).
    const entry = encodeRelayBatch([
      { kind: 'datagram', host: '1.2.3.4', port: 5, payload: new Uint8Array(0) },
    ]);
    const many = new Uint8Array(entry.length * (RELAY_BATCH_MAX_FRAMES + 1));
    for (let i = 0; i <= RELAY_BATCH_MAX_FRAMES; i++) many.set(entry, i * entry.length);
    expect(() => decodeRelayBatch(many)).toThrow(/more than 256 frames/);
    expect(decodeRelayBatch(many.subarray(0, entry.length * RELAY_BATCH_MAX_FRAMES))).toHaveLength(
      RELAY_BATCH_MAX_FRAMES,
    );
  });
});

describe('RelayBatchWriter', () => {
  it('fills up to the byte cap exactly, then refuses', () => {
    const w = new RelayBatchWriter();
    const payload = new Uint8Array(MAX_RELAY_PAYLOAD).fill(7);
    let n = 0;
    while (w.fits(payload.length)) {
      w.appendDatagram('127.0.0.1', 30000 + n, payload);
      n++;
    }
    expect(n).toBe(Math.floor(RELAY_BATCH_MAX_BYTES / (2 + 7 + MAX_RELAY_PAYLOAD)));
    expect(() => w.appendDatagram('127.0.0.1', 1, payload)).toThrow(TransportError);
    // The rest still fits exactly: a payload that brings the batch to 65,536 bytes.
    const rest = RELAY_BATCH_MAX_BYTES - w.byteLength - 9;
    expect(w.fits(rest)).toBe(true);
    expect(w.fits(rest + 1)).toBe(false);
    w.appendDatagram('127.0.0.1', 1, new Uint8Array(rest));
    expect(w.byteLength).toBe(RELAY_BATCH_MAX_BYTES);
    const decoded = decodeRelayBatch(w.take() as Uint8Array);
    expect(decoded).toHaveLength(n + 1);
    expect(decoded[n - 1]).toEqual({ kind: 'datagram', host: '127.0.0.1', port: 30000 + n - 1, payload });
    expect(w.take()).toBeNull();
    expect(w.byteLength).toBe(0);
  });

  it('stops at the frame cap', () => {
    const w = new RelayBatchWriter();
    for (let i = 0; i < RELAY_BATCH_MAX_FRAMES; i++) w.appendDropped('8.8.4.4', 1024, 1);
    expect(w.fits(0)).toBe(false);
    expect(() => w.appendDropped('8.8.4.4', 1024, 1)).toThrow(TransportError);
    expect(decodeRelayBatch(w.take() as Uint8Array)).toHaveLength(RELAY_BATCH_MAX_FRAMES);
  });

  it('refuses bad hosts, ports and oversize payloads without adding anything', () => {
    const w = new RelayBatchWriter();
    w.appendDatagram('10.0.0.1', 9, Uint8Array.of(1));
    expect(() => w.appendDatagram('', 9, Uint8Array.of(2))).toThrow(TransportError);
    expect(() => w.appendDatagram('example.com', 9, Uint8Array.of(2))).toThrow(TransportError);
    expect(() => w.appendDatagram('10.0.0.1', 0, Uint8Array.of(2))).toThrow(TransportError);
    expect(() => w.appendDatagram('10.0.0.1', 65536, Uint8Array.of(2))).toThrow(TransportError);
    expect(() => w.appendDatagram('10.0.0.1', 9, new Uint8Array(MAX_RELAY_PAYLOAD + 1))).toThrow(
      TransportError,
    );
    // The same host after a different one: the address cache follows the host.
    w.appendDatagram('10.0.0.2', 9, Uint8Array.of(3));
    w.appendDatagram('10.0.0.1', 9, Uint8Array.of(4));
    expect(decodeRelayBatch(w.take() as Uint8Array)).toEqual([
      { kind: 'datagram', host: '10.0.0.1', port: 9, payload: Uint8Array.of(1) },
      { kind: 'datagram', host: '10.0.0.2', port: 9, payload: Uint8Array.of(3) },
      { kind: 'datagram', host: '10.0.0.1', port: 9, payload: Uint8Array.of(4) },
    ]);
  });

  it('hands out copies: a taken batch is not changed by later frames', () => {
    const w = new RelayBatchWriter();
    w.appendDatagram('1.1.1.1', 2000, Uint8Array.of(1, 2, 3));
    const first = w.take() as Uint8Array;
    const copy = first.slice();
    w.appendDatagram('2.2.2.2', 3000, Uint8Array.of(9, 9, 9, 9));
    expect(first).toEqual(copy);
  });
});
