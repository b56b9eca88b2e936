/**
 * RaptorQ against bytes we did not produce: tonutils-go v1.14.1 (xssnick/raptorq v1.0.0) parameters, source and
 * repair symbols (incl. far repair ids) and decode sets, and xssnick/raptorq's own single-symbol test vector.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { paramsForK, RaptorQDecoder, RaptorQEncoder } from '../../../src/net/raptorq/index.ts';

const spec = (p: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../../../shared/spec/${p}`, import.meta.url), 'utf8'));
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

interface Sym {
  id: number;
  hex: string;
}
interface DecodeCheck {
  name: string;
  symbol_id_ranges_inclusive: [number, number][];
  num_symbols: number;
  success: boolean;
  decoded_payload_sha256: string;
}
interface Vector {
  data_size: number;
  symbol_size: number;
  K: number;
  params: Record<string, number>;
  payload_sha256: string;
  fec_raptorQ_tl_hex: string;
  symbols: Sym[];
  extra_repair_symbols: Sym[];
  decode_checks: DecodeCheck[];
}

const file = spec('vectors/tonutils-go/raptorq.json') as { payload_rule: string; vectors: Vector[] };
const payload = (size: number): Uint8Array => {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 0xff; // payload_rule
  return b;
};

describe('raptorq vs tonutils-go', () => {
  it('payload rule is the one the vectors state', () => {
    expect(file.payload_rule).toBe('byte[i] = (i*31 + 7) & 0xff');
    expect(file.vectors.map((v) => v.data_size)).toEqual([1, 768, 5000, 100000]);
  });

  for (const v of file.vectors) {
    describe(`data_size ${v.data_size}`, () => {
      const data = payload(v.data_size);

      it('payload and parameters', () => {
        expect(sha256(data)).toBe(v.payload_sha256);
        const p = paramsForK(v.K);
        const mine = {
          B: p.B,
          H: p.H,
          J: p.J,
          K: p.K,
          KPadded: p.Kp,
          L: p.L,
          P: p.P,
          P1: p.P1,
          S: p.S,
          U: p.U,
          W: p.W,
        };
        expect(mine).toEqual(v.params);
        const enc = new RaptorQEncoder(data, v.symbol_size);
        expect(enc.k).toBe(v.K);
        // fec.raptorQ data_size symbol_size symbols_count (symbols_count = K)
        const tl = new DataView(hex(v.fec_raptorQ_tl_hex).buffer);
        expect([tl.getUint32(4, true), tl.getUint32(8, true), tl.getUint32(12, true)]).toEqual([
          v.data_size,
          v.symbol_size,
          enc.k,
        ]);
      });

      it('every listed symbol byte for byte (sources, repairs, extra repair ids)', () => {
        const enc = new RaptorQEncoder(data, v.symbol_size);
        const listed = [...v.symbols, ...v.extra_repair_symbols];
        expect(listed.some((s) => s.id >= 1_000_000)).toBe(true);
        for (const s of listed) expect(toHex(enc.symbol(s.id)), `symbol ${s.id}`).toBe(s.hex);
        const out = new Uint8Array(v.symbol_size + 3);
        enc.symbolInto(listed[listed.length - 1].id, out, 3);
        expect(toHex(out.subarray(3))).toBe(listed[listed.length - 1].hex);
      });

      for (const check of v.decode_checks) {
        it(`decodes ${check.name}`, () => {
          // Symbols the vector lists are used as given; ids it does not list come from our encoder, which the
          // previous test pins to the listed ones.
          const listed = new Map([...v.symbols, ...v.extra_repair_symbols].map((s) => [s.id, hex(s.hex)]));
          const enc = new RaptorQEncoder(data, v.symbol_size);
          const dec = new RaptorQDecoder(v.data_size, v.symbol_size, v.data_size);
          let count = 0;
          let done = false;
          for (const [a, b] of check.symbol_id_ranges_inclusive) {
            for (let id = a; id <= b; id++) {
              expect(done).toBe(false);
              done = dec.addSymbol(id, listed.get(id) ?? enc.symbol(id));
              count++;
            }
          }
          expect(done).toBe(check.success);
          expect(count).toBe(check.num_symbols);
          expect(dec.done).toBe(true);
          expect(sha256(dec.data())).toBe(check.decoded_payload_sha256);
        });
      }
    });
  }

  it('xssnick/raptorq Test_Encode vector (symbol size 20, ESI 68238283)', () => {
    const sv = spec('vectors/raptorq_symbol_vector.json') as {
      data_utf8: string;
      symbol_size: number;
      esi: number;
      symbol_hex: string;
    };
    const data = new TextEncoder().encode(sv.data_utf8);
    const enc = new RaptorQEncoder(data, sv.symbol_size);
    expect(enc.k).toBe(2);
    expect(toHex(enc.symbol(sv.esi))).toBe(sv.symbol_hex);
    const dec = new RaptorQDecoder(data.length, sv.symbol_size, 1000);
    expect(dec.addSymbol(sv.esi, hex(sv.symbol_hex))).toBe(false);
    expect(dec.addSymbol(0, enc.symbol(0))).toBe(true);
    expect(new TextDecoder().decode(dec.data())).toBe(sv.data_utf8);
  });
});
