/**
 * RLDP wire codec against bytes we did not write: tonutils-go's serialisations of every RLDP constructor
 * (../shared/spec/vectors/tonutils-go/adnl.json), and the generic TL codec generated from ton_api.tl (itself
 * checked against those vectors). Our hand-written fast paths must agree with both, byte for byte, and reject
 * exactly what the TL codec rejects.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TlError, tlDecode, tlEncode, type TlConstructors } from '../../../src/net/tl/index.ts';
import {
  decodeRldpPayload,
  decodeRldpWire,
  encodeComplete,
  encodeConfirm,
  encodeRldpAnswer,
  encodeRldpMessage,
  encodeRldpQuery,
  messagePartSize,
  RldpError,
  writeMessagePart,
  type RldpPartMessage,
} from '../../../src/net/rldp/index.ts';

interface TlVector {
  name: string;
  hex: string;
  fields: Record<string, unknown>;
}

const vectors = (
  JSON.parse(readFileSync(resolve('../shared/spec/vectors/tonutils-go/adnl.json'), 'utf8')) as {
    tl: TlVector[];
  }
).tl;

function vector(name: string): { bytes: Uint8Array; fields: Record<string, unknown> } {
  const v = vectors.find((x) => x.name === name);
  if (!v) throw new Error(`no vector ${name}`);
  return { bytes: Uint8Array.from(Buffer.from(v.hex, 'hex')), fields: v.fields };
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));

describe('tonutils-go vectors', () => {
  for (const [name, version] of [
    ['rldp.messagePart', 1],
    ['rldp2.messagePart', 2],
  ] as const) {
    it(`${name}: decodes their bytes and re-encodes them`, () => {
      const { bytes, fields } = vector(name);
      const fec = fields.FecType as { DataSize: number; SymbolSize: number; SymbolsCount: number };
      const m = decodeRldpWire(bytes) as RldpPartMessage;
      expect(m.kind).toBe('part');
      expect(m.version).toBe(version);
      expect(hex(m.transferId)).toBe(fields.TransferID);
      expect(m.fec).toBe('raptorQ');
      expect([m.dataSize, m.symbolSize, m.symbolsCount]).toEqual([
        fec.DataSize,
        fec.SymbolSize,
        fec.SymbolsCount,
      ]);
      expect([m.part, m.totalSize, m.seqno]).toEqual([fields.Part, fields.TotalSize, fields.Seqno]);
      expect(hex(m.data)).toBe(fields.Data);

      const out = new Uint8Array(messagePartSize(768));
      const at = writeMessagePart(
        out,
        0,
        {
          version,
          transferId: m.transferId,
          part: m.part,
          totalSize: m.totalSize,
          dataSize: m.dataSize,
          symbolSize: 768,
          symbolsCount: m.symbolsCount,
        },
        m.seqno,
      );
      out.set(m.data, at);
      expect(hex(out)).toBe(hex(bytes));
    });
  }

  it('adnl.message.custom carries a messagePart as its data', () => {
    const { bytes } = vector('adnl.message.custom(rldp2.messagePart)');
    const custom = tlDecode<TlConstructors['adnl.message.custom']>('adnl.Message', bytes);
    expect(hex(custom.data)).toBe(hex(vector('rldp2.messagePart').bytes));
  });

  it('confirm and complete, both versions', () => {
    const c1 = vector('rldp.confirm');
    expect(decodeRldpWire(c1.bytes)).toMatchObject({ kind: 'confirm', version: 1, part: 0, seqno: 9 });
    expect(hex(encodeConfirm(1, fromHex(c1.fields.TransferID as string), 0, 9))).toBe(hex(c1.bytes));

    const c2 = vector('rldp2.confirm');
    expect(decodeRldpWire(c2.bytes)).toMatchObject({
      kind: 'confirm',
      version: 2,
      part: 0,
      seqno: 9,
      receivedMask: 1023,
      receivedCount: 10,
    });
    expect(hex(encodeConfirm(2, fromHex(c2.fields.TransferID as string), 0, 9, 1023, 10))).toBe(
      hex(c2.bytes),
    );

    for (const [name, version] of [
      ['rldp.complete', 1],
      ['rldp2.complete', 2],
    ] as const) {
      const v = vector(name);
      expect(decodeRldpWire(v.bytes)).toMatchObject({ kind: 'complete', version, part: 0 });
      expect(hex(encodeComplete(version, fromHex(v.fields.TransferID as string), 0))).toBe(hex(v.bytes));
    }
  });

  it('rldp.query and rldp.answer payloads', () => {
    const q = vector('rldp.query(http.request)');
    const p = decodeRldpPayload(q.bytes);
    expect(p.kind).toBe('query');
    if (p.kind !== 'query') return;
    expect(hex(p.queryId)).toBe(q.fields.ID);
    expect(p.maxAnswerSize).toBe(q.fields.MaxAnswerSize);
    expect(p.timeout).toBe(q.fields.Timeout);
    expect(hex(encodeRldpQuery(p.queryId, p.maxAnswerSize, p.timeout, p.data))).toBe(hex(q.bytes));
    // The inner data is the boxed http.request tonutils-go wrote.
    expect(tlDecode<{ method: string }>('http.request', p.data).method).toBe('GET');

    const a = vector('rldp.answer(http.response)');
    const pa = decodeRldpPayload(a.bytes);
    expect(pa.kind).toBe('answer');
    if (pa.kind !== 'answer') return;
    expect(hex(pa.queryId)).toBe(a.fields.ID);
    expect(hex(encodeRldpAnswer(pa.queryId, pa.data))).toBe(hex(a.bytes));
  });
});

const id32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const fecName = fc.constantFrom('fec.raptorQ', 'fec.roundRobin', 'fec.online');

const tlPart = fc.record({
  _: fc.constantFrom('rldp.messagePart', 'rldp2.messagePart'),
  transfer_id: id32,
  fec_type: fc.record({ _: fecName, data_size: int32, symbol_size: int32, symbols_count: int32 }),
  part: int32,
  total_size: fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }),
  seqno: int32,
  data: fc.uint8Array({ maxLength: 1000 }),
});
const tlConfirm = fc.oneof(
  fc.record({ _: fc.constant('rldp.confirm'), transfer_id: id32, part: int32, seqno: int32 }),
  fc.record({
    _: fc.constant('rldp2.confirm'),
    transfer_id: id32,
    part: int32,
    max_seqno: int32,
    received_mask: int32,
    received_count: int32,
  }),
);
const tlComplete = fc.record({
  _: fc.constantFrom('rldp.complete', 'rldp2.complete'),
  transfer_id: id32,
  part: int32,
});
const tlWire = fc.oneof(tlPart, tlConfirm, tlComplete);

/** What the generic TL codec makes of `bytes` as an RLDP part message, or null if it rejects them. */
function viaTl(bytes: Uint8Array): Record<string, unknown> | null {
  for (const type of ['rldp2.MessagePart', 'rldp.MessagePart']) {
    try {
      return tlDecode(type, bytes) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof TlError)) throw error;
    }
  }
  return null;
}

/** Our decoded message in the TL codec's shape, to compare the two. */
function asTl(bytes: Uint8Array): Record<string, unknown> | null {
  let m;
  try {
    m = decodeRldpWire(bytes);
  } catch (error) {
    if (error instanceof RldpError) return null;
    throw error;
  }
  if (m === null) return null;
  const v = m.version === 2 ? 'rldp2' : 'rldp';
  if (m.kind === 'part') {
    return {
      _: `${v}.messagePart`,
      transfer_id: hex(m.transferId),
      fec_type: {
        _: `fec.${m.fec}`,
        data_size: m.dataSize,
        symbol_size: m.symbolSize,
        symbols_count: m.symbolsCount,
      },
      part: m.part,
      total_size: m.totalSize,
      seqno: m.seqno,
      data: hex(m.data),
    };
  }
  if (m.kind === 'confirm') {
    return m.version === 2
      ? {
          _: 'rldp2.confirm',
          transfer_id: hex(m.transferId),
          part: m.part,
          max_seqno: m.seqno,
          received_mask: m.receivedMask,
          received_count: m.receivedCount,
        }
      : { _: 'rldp.confirm', transfer_id: hex(m.transferId), part: m.part, seqno: m.seqno };
  }
  return { _: `${v}.complete`, transfer_id: hex(m.transferId), part: m.part };
}

function normalizeTl(o: Record<string, unknown> | null): Record<string, unknown> | null {
  if (o === null) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v instanceof Uint8Array) out[k] = hex(v);
    else if (typeof v === 'bigint') out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

describe('agreement with the generic TL codec', () => {
  it('decodes whatever tlEncode writes, with the same values', () => {
    fc.assert(
      fc.property(tlWire, (obj) => {
        const bytes = tlEncode(obj as never);
        expect(asTl(bytes)).toEqual(normalizeTl(viaTl(bytes)));
      }),
      { numRuns: 300 },
    );
  });

  it('encodes what tlEncode encodes', () => {
    fc.assert(
      fc.property(
        id32,
        fc.constantFrom(1 as const, 2 as const),
        fc.nat({ max: 0x7fffffff }),
        fc.nat({ max: 2 ** 40 }),
        fc.nat({ max: 0x7fffffff }),
        fc.nat({ max: 0xffffff }),
        fc.uint8Array({ minLength: 768, maxLength: 768 }),
        (id, version, part, total, dataSize, seqno, data) => {
          const out = new Uint8Array(messagePartSize(768) + 8).fill(0xee);
          const at = writeMessagePart(
            out,
            4,
            { version, transferId: id, part, totalSize: total, dataSize, symbolSize: 768, symbolsCount: 7 },
            seqno,
          );
          out.set(data, at);
          const expected = tlEncode({
            _: version === 2 ? 'rldp2.messagePart' : 'rldp.messagePart',
            transfer_id: id,
            fec_type: { _: 'fec.raptorQ', data_size: dataSize, symbol_size: 768, symbols_count: 7 },
            part,
            total_size: BigInt(total),
            seqno,
            data,
          } as never);
          expect(hex(out.subarray(4, 4 + messagePartSize(768)))).toBe(hex(expected));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random and mutated bytes: the same verdict as the TL codec, and only RldpError', () => {
    const mutated = tlWire.chain((obj) => {
      const bytes = tlEncode(obj as never);
      return fc
        .array(fc.tuple(fc.nat({ max: bytes.length + 8 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 4,
        })
        .chain((edits) =>
          fc.constantFrom(
            // byte edits
            (() => {
              const b = bytes.slice();
              for (const [i, v] of edits) if (i < b.length) b[i] = v;
              return b;
            })(),
            // truncation and extension
            bytes.subarray(0, Math.max(0, bytes.length - 1 - ((edits[0]?.[0] ?? 0) % 8))),
            Uint8Array.from([...bytes, ...edits.map(([, v]) => v)]),
          ),
        );
    });
    fc.assert(
      fc.property(fc.oneof(mutated, fc.uint8Array({ maxLength: 200 })), (bytes) => {
        expect(asTl(bytes)).toEqual(normalizeTl(viaTl(bytes)));
      }),
      { numRuns: 1000 },
    );
  });

  it('rldp.Message payloads: same values as the TL codec, views not copies', () => {
    const payload = fc.oneof(
      fc.record({ _: fc.constant('rldp.message'), id: id32, data: fc.uint8Array({ maxLength: 600 }) }),
      fc.record({
        _: fc.constant('rldp.query'),
        query_id: id32,
        max_answer_size: fc.bigInt({ min: 0n, max: (1n << 53n) - 1n }),
        timeout: int32,
        data: fc.uint8Array({ maxLength: 600 }),
      }),
      fc.record({ _: fc.constant('rldp.answer'), query_id: id32, data: fc.uint8Array({ maxLength: 600 }) }),
    );
    fc.assert(
      fc.property(payload, (obj) => {
        const bytes = tlEncode(obj as never);
        const p = decodeRldpPayload(bytes);
        const again =
          p.kind === 'query'
            ? encodeRldpQuery(p.queryId, p.maxAnswerSize, p.timeout, p.data)
            : p.kind === 'answer'
              ? encodeRldpAnswer(p.queryId, p.data)
              : encodeRldpMessage(p.id, p.data);
        expect(hex(again)).toBe(hex(bytes));
        expect(p.data.buffer).toBe(bytes.buffer);
      }),
      { numRuns: 200 },
    );
  });

  it('rldp.Message: mutated payloads decode like the TL codec or fail with RldpError', () => {
    const bytesArb = fc
      .record({ query_id: id32, data: fc.uint8Array({ maxLength: 300 }) })
      .map((o) => tlEncode({ _: 'rldp.answer', ...o } as never))
      .chain((b) =>
        fc
          .tuple(fc.nat({ max: b.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.nat({ max: 6 }))
          .map(([i, v, cut]) => {
            const m = b.slice(0, b.length - cut);
            if (i < m.length) m[i] = v;
            return m;
          }),
      );
    fc.assert(
      fc.property(bytesArb, (bytes) => {
        let tl: unknown = null;
        try {
          tl = tlDecode('rldp.Message', bytes);
        } catch (error) {
          if (!(error instanceof TlError)) throw error;
        }
        let ours: unknown = null;
        try {
          ours = decodeRldpPayload(bytes);
        } catch (error) {
          if (!(error instanceof RldpError)) throw error;
        }
        expect(ours === null).toBe(tl === null);
      }),
      { numRuns: 1000 },
    );
  });

  it('answers of 2^24 bytes and more use the 0xff + 7-byte length form (C++ tl_storers.h)', () => {
    const data = new Uint8Array(0x1000000 + 3);
    data[0] = 1;
    data[data.length - 1] = 2;
    const bytes = encodeRldpAnswer(new Uint8Array(32).fill(9), data);
    expect(bytes.length).toBe(36 + 8 + data.length + 1);
    expect([...bytes.subarray(36, 44)]).toEqual([255, 3, 0, 0, 1, 0, 0, 0]);
    const p = decodeRldpPayload(bytes);
    expect(p.kind === 'answer' && p.data.length).toBe(data.length);
    expect(p.kind === 'answer' && [p.data[0], p.data[data.length - 1]]).toEqual([1, 2]);
    // A length whose upper bytes are set is refused, not allocated.
    const bad = bytes.slice(0, 48);
    bad[41] = 1;
    expect(() => decodeRldpPayload(bad)).toThrow(RldpError);
  });
});
