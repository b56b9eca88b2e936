import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { tlDecode, tlEncode } from '../../../src/net/tl/index.ts';
import { AdnlError } from '../../../src/net/adnl/index.ts';
import {
  decodeChannelPacket,
  decodePacket,
  encodeChannelPacket,
  encodeCustomMessage,
  encodePacket,
  type AdnlMessage,
} from '../../../src/net/adnl/udp/packet.ts';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 64n) - 1n });

/** The messages a channel packet carries: custom (RLDP), query/answer, part, nop. */
const message: fc.Arbitrary<AdnlMessage> = fc.oneof(
  bytes(0, 1100).map((data) => ({ _: 'adnl.message.custom' as const, data })),
  fc.tuple(bytes(32, 32), bytes(0, 600)).map(([query_id, query]) => ({
    _: 'adnl.message.query' as const,
    query_id,
    query,
  })),
  fc.tuple(bytes(32, 32), bytes(0, 600)).map(([query_id, answer]) => ({
    _: 'adnl.message.answer' as const,
    query_id,
    answer,
  })),
  fc
    .tuple(bytes(32, 32), fc.integer({ min: 0, max: 8320 }), fc.integer({ min: 0, max: 8320 }), bytes(0, 900))
    .map(([hash, total_size, offset, data]) => ({
      _: 'adnl.message.part' as const,
      hash,
      total_size,
      offset,
      data,
    })),
  fc.constant({ _: 'adnl.message.nop' as const }),
);

describe('encodeChannelPacket (fast path) against the generic TL codec', () => {
  it('is byte-identical to encodePacket and decodes back to the same fields', () => {
    fc.assert(
      fc.property(
        fc.oneof(bytes(7, 7), bytes(15, 15), bytes(0, 300)),
        fc.oneof(bytes(7, 7), bytes(15, 15), bytes(0, 300)),
        long,
        long,
        fc.array(message, { minLength: 1, maxLength: 4 }),
        (rand1, rand2, seqno, confirm_seqno, messages) => {
          const fast = encodeChannelPacket(
            rand1,
            rand2,
            seqno,
            confirm_seqno,
            messages.map((m) => tlEncode(m)),
          );
          const fields =
            messages.length === 1
              ? { rand1, rand2, seqno, confirm_seqno, message: messages[0] }
              : { rand1, rand2, seqno, confirm_seqno, messages };
          expect(fast).toEqual(encodePacket(fields));
          const back = tlDecode('adnl.packetContents', fast);
          expect(back.rand1).toEqual(rand1);
          expect(back.rand2).toEqual(rand2);
          expect(BigInt.asUintN(64, back.seqno!)).toBe(BigInt.asUintN(64, seqno));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses what encodePacket refuses: no messages, seqnos outside 64 bits', () => {
    const m = [tlEncode({ _: 'adnl.message.nop' })];
    const r = new Uint8Array(7);
    expect(() => encodeChannelPacket(r, r, 1n, 1n, [])).toThrow(AdnlError);
    expect(() => encodeChannelPacket(r, r, 1n << 64n, 1n, m)).toThrow(AdnlError);
    expect(() => encodeChannelPacket(r, r, 1n, -(1n << 63n) - 1n, m)).toThrow(AdnlError);
    expect(() => encodePacket({ rand1: r, rand2: r, seqno: 1n << 64n, confirm_seqno: 1n })).toThrow(
      AdnlError,
    );
  });
});

describe('encodeChannelPacket headroom', () => {
  it('puts the same packet after `headroom` zero bytes', () => {
    fc.assert(
      fc.property(
        bytes(7, 15),
        long,
        fc.array(message, { minLength: 1, maxLength: 3 }),
        fc.nat(80),
        (r, s, ms, h) => {
          const encoded = ms.map((m) => tlEncode(m));
          const plain = encodeChannelPacket(r, r, s, s, encoded);
          const roomy = encodeChannelPacket(r, r, s, s, encoded, h);
          expect(roomy.length).toBe(h + plain.length);
          expect(roomy.subarray(0, h).every((b) => b === 0)).toBe(true);
          expect(roomy.subarray(h)).toEqual(plain);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('encodeCustomMessage (fast path) against the generic TL codec', () => {
  it('is tlEncode of adnl.message.custom, and its message views the same data', () => {
    fc.assert(
      fc.property(fc.oneof(bytes(0, 300), bytes(250, 260), bytes(700, 1100)), (data) => {
        const { message, encoded } = encodeCustomMessage(data);
        expect(encoded).toEqual(tlEncode({ _: 'adnl.message.custom', data }));
        expect(message.data).toEqual(data);
        expect(message.data.buffer).toBe(encoded.buffer);
        expect(tlEncode(message)).toEqual(encoded);
      }),
      { numRuns: 200 },
    );
  });
});

/** decodePacket's result or its error (class and message), for comparing the two decoders. */
function outcome(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): unknown {
  try {
    return { ok: decode(bytes) };
  } catch (error) {
    return { error: (error as Error).constructor.name, message: (error as Error).message };
  }
}

describe('decodeChannelPacket (fast path) against decodePacket', () => {
  const channelPacket = fc
    .tuple(
      fc.oneof(bytes(7, 7), bytes(15, 15), bytes(0, 300)),
      fc.oneof(bytes(7, 7), bytes(15, 15), bytes(0, 300)),
      long,
      long,
      fc.oneof(
        bytes(0, 1100).map((data) => [{ _: 'adnl.message.custom' as const, data }]),
        fc.array(message, { minLength: 1, maxLength: 3 }),
      ),
    )
    .map(([r1, r2, s, c, ms]) =>
      encodeChannelPacket(
        r1,
        r2,
        s,
        c,
        ms.map((m) => tlEncode(m)),
      ),
    );

  it('gives the same fields for every channel packet', () => {
    fc.assert(
      fc.property(channelPacket, (bytes) => {
        expect(decodeChannelPacket(bytes)).toEqual(decodePacket(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same result or the same error for mutated and truncated packets', () => {
    fc.assert(
      fc.property(
        channelPacket,
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(),
        (bytes, at, v, cut) => {
          const mutated = bytes.slice(0, bytes.length - (cut % 9));
          if (mutated.length > 0) mutated[at % mutated.length] = v;
          expect(outcome(decodeChannelPacket, mutated)).toEqual(outcome(decodePacket, mutated));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('hands out the custom data as a view into the packet (no copy)', () => {
    const data = new Uint8Array(800).fill(7);
    const r = new Uint8Array(15);
    const bytes = encodeChannelPacket(r, r, 5n, 4n, [tlEncode({ _: 'adnl.message.custom', data })]);
    const p = decodeChannelPacket(bytes);
    expect(p.message).toEqual({ _: 'adnl.message.custom', data });
    expect((p.message as { data: Uint8Array }).data.buffer).toBe(bytes.buffer);
  });
});
