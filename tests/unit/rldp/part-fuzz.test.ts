/**
 * Fuzzing part declarations (part-layout.ts): random (total_size, part, data_size, symbol_size, symbols_count,
 * seqno) combinations, mostly near what real senders declare (1 MiB, 2,000,000-byte or odd part sizes, remainders)
 * and mutated. A decoder exists only for a part the rules allow (seen through the InboundBudget: a reservation is
 * made right before a part's decoder), all parts taken in one transfer agree on one part size within the limits,
 * memory stays within the budget, and anything else is an RldpError('refused') or a deferral.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InboundTransfer, type InboundBudget } from '../../../src/net/rldp/inbound.ts';
import {
  RLDP_MAX_PART_SIZE,
  RLDP_MAX_SEQNO,
  RLDP_PART_SIZE,
  RldpError,
  type RldpPartMessage,
} from '../../../src/net/rldp/index.ts';
import { harness, part, peer } from './wire.ts';

const MiB = 1 << 20;
const BUDGET = 6_000_000;

interface Declaration {
  part: number;
  dataSize: number;
  symbolSize: number;
  symbolsCount: number;
  seqno: number;
  totalSize: number;
  fec: 'raptorQ' | 'roundRobin';
  symbolBytes: number;
  /** Built as an honest sender would (before any mutation). */
  honest: boolean;
}

const totals = fc.oneof(
  fc.constantFrom(1, 767, 768, 1536, MiB, MiB + 1, 2_000_000, 2_095_160, 4_000_001, 3 * MiB),
  fc.integer({ min: 1, max: 8_000_000 }),
);
const senderPartSizes = fc.oneof(
  fc.constantFrom(MiB, RLDP_PART_SIZE, RLDP_MAX_PART_SIZE, RLDP_MAX_PART_SIZE + 1),
  fc.integer({ min: 1, max: RLDP_MAX_PART_SIZE + 10 }),
);

/** `arb` once in `freq` times, else null (the field as an honest sender sets it). */
function rarely<T>(arb: fc.Arbitrary<T>, { freq }: { freq: number }): fc.Arbitrary<T | null> {
  return fc.oneof({ arbitrary: fc.constant(null), weight: freq - 1 }, { arbitrary: arb, weight: 1 });
}

/** One declaration: an honest part of `partSize`-byte parts, then maybe mutated field by field. */
function declaration(totalSize: number, partSize: number) {
  const n = Math.ceil(totalSize / partSize);
  return fc
    .record({
      part: fc.oneof(
        fc.nat({ max: Math.min(n - 1, 300) }),
        fc.constantFrom(0, 1),
        fc.integer({ min: -3, max: 400 }),
      ),
      dataSize: rarely(
        fc.oneof(fc.integer({ min: -5, max: 3 * MiB }), fc.constantFrom(MiB, RLDP_PART_SIZE)),
        {
          freq: 4,
        },
      ),
      symbolSize: rarely(fc.constantFrom(0, 512, 769, 1024), { freq: 8 }),
      symbolsCountDelta: rarely(fc.constantFrom(-1, 1, 2, -1000), { freq: 6 }),
      seqno: fc.oneof(
        fc.nat({ max: 3000 }),
        fc.constantFrom(-1, RLDP_MAX_SEQNO, RLDP_MAX_SEQNO + 1, 2 ** 31 - 1),
      ),
      totalDelta: rarely(fc.constantFrom(-1, 1), { freq: 10 }),
      roundRobin: rarely(fc.constant(true), { freq: 10 }),
      shortSymbol: rarely(fc.constant(700), { freq: 12 }),
    })
    .map((r): Declaration => {
      const honestSize = Math.min(partSize, totalSize - r.part * partSize);
      const dataSize = r.dataSize ?? honestSize;
      const symbolSize = r.symbolSize ?? 768;
      const k = Math.ceil(dataSize / Math.max(symbolSize, 1));
      return {
        part: r.part,
        dataSize,
        symbolSize,
        symbolsCount: k + (r.symbolsCountDelta ?? 0),
        seqno: r.seqno,
        totalSize: totalSize + (r.totalDelta ?? 0),
        fec: r.roundRobin === true ? 'roundRobin' : 'raptorQ',
        symbolBytes: r.shortSymbol ?? 768,
        honest:
          r.dataSize === null &&
          r.symbolSize === null &&
          r.symbolsCountDelta === null &&
          r.totalDelta === null &&
          r.roundRobin === null &&
          r.shortSymbol === null &&
          r.part >= 0 &&
          r.part < n &&
          r.seqno >= 0 &&
          r.seqno <= RLDP_MAX_SEQNO,
      };
    });
}

function message(d: Declaration, id: Uint8Array): RldpPartMessage {
  return {
    kind: 'part',
    version: 2,
    transferId: id,
    fec: d.fec,
    dataSize: d.dataSize,
    symbolSize: d.symbolSize,
    symbolsCount: d.symbolsCount,
    part: d.part,
    totalSize: d.totalSize,
    seqno: d.seqno,
    data: new Uint8Array(d.symbolBytes),
  };
}

/** Fields a part must have to be given a decoder, whatever the part size (checkPartDeclaration). */
function wellFormed(d: Declaration, totalSize: number, strict: boolean, maxParts: number): boolean {
  const k = Math.ceil(d.dataSize / 768);
  const countOk = d.symbolsCount === k || (!strict && d.dataSize % 768 === 0 && d.symbolsCount === k + 1);
  return (
    d.totalSize === totalSize &&
    d.fec === 'raptorQ' &&
    d.symbolSize === 768 &&
    d.dataSize >= 1 &&
    d.dataSize <= (strict ? RLDP_PART_SIZE : RLDP_MAX_PART_SIZE) &&
    d.dataSize <= totalSize &&
    countOk &&
    d.symbolBytes === 768 &&
    d.seqno >= 0 &&
    d.seqno <= RLDP_MAX_SEQNO &&
    d.part >= 0 &&
    d.part < maxParts
  );
}

describe('fuzzed part declarations', () => {
  it('a transfer gives decoders only to parts of one allowed part size, within the budget', () => {
    const run = fc
      .tuple(totals, senderPartSizes, fc.boolean(), fc.constantFrom(4, 64, 256))
      .chain(([totalSize, partSize, strict, maxParts]) =>
        fc.tuple(
          fc.constant({ totalSize, partSize, strict, maxParts }),
          fc.array(declaration(totalSize, partSize), { minLength: 1, maxLength: 10 }),
        ),
      );
    fc.assert(
      fc.property(run, ([{ totalSize, partSize, strict, maxParts }, declarations]) => {
        let held = 0;
        const reserved: number[] = [];
        const budget: InboundBudget = {
          reserve(bytes) {
            if (held + bytes > BUDGET) return false;
            held += bytes;
            reserved.push(bytes);
            return true;
          },
          release(bytes) {
            held -= bytes;
          },
        };
        const id = new Uint8Array(32).fill(7);
        const t = new InboundTransfer(id, 'k', 2, totalSize, true, Infinity, 8, budget, { strict, maxParts });
        const taken: Declaration[] = [];
        declarations.forEach((d, i) => {
          const before = reserved.length;
          let result: string;
          try {
            result = t.receive(message(d, id));
          } catch (error) {
            expect(error).toBeInstanceOf(RldpError);
            expect((error as RldpError).kind).toBe('refused');
            result = 'refused';
          }
          if (reserved.length > before) {
            // A decoder was made for this part: it must be well-formed and sized as it declared.
            expect(reserved.length).toBe(before + 1);
            expect(reserved[before]).toBe(d.dataSize);
            expect(wellFormed(d, totalSize, strict, maxParts)).toBe(true);
            taken.push(d);
          }
          if (result === 'deferred' && t.partSize === 0) {
            // Only a later part that may be a full part or the remainder waits for the size.
            expect(strict).toBe(false);
            expect(d.part).toBeGreaterThan(0);
          }
          // The first honest symbol of a sender within our limits is taken.
          const first = Math.min(partSize, totalSize);
          const fits = strict
            ? first === Math.min(RLDP_PART_SIZE, totalSize) &&
              Math.ceil(totalSize / RLDP_PART_SIZE) <= maxParts
            : first <= RLDP_MAX_PART_SIZE &&
              (first === totalSize || Math.ceil(totalSize / first) <= maxParts);
          if (i === 0 && d.honest && d.part === 0 && fits) {
            expect(result).not.toBe('refused');
            expect(result).not.toBe('deferred');
          }
          expect(held).toBeLessThanOrEqual(BUDGET);
          expect(t.parts.size).toBeLessThanOrEqual(8);
        });
        // Everything taken agrees with one part size within the limits.
        if (taken.length > 0) {
          const size = t.partSize;
          expect(size).toBeGreaterThan(0);
          expect(size).toBeLessThanOrEqual(strict ? RLDP_PART_SIZE : RLDP_MAX_PART_SIZE);
          const n = Math.ceil(totalSize / size);
          expect(n).toBeLessThanOrEqual(maxParts);
          expect(t.partsTotal).toBe(n);
          for (const d of taken) {
            expect(d.part).toBeLessThan(n);
            expect(d.dataSize).toBe(Math.min(size, totalSize - d.part * size));
          }
          if (strict)
            expect(
              taken.every(
                (d) => d.dataSize === Math.min(RLDP_PART_SIZE, totalSize - d.part * RLDP_PART_SIZE),
              ),
            ).toBe(true);
        }
        t.dispose();
        expect(held).toBe(0);
      }),
      { numRuns: 600 },
    );
  });

  it('on the wire: random declarations never throw out of the node and never exceed its limits', () => {
    const limits = {
      maxInboundBytes: 5_000_000,
      maxInboundPerPeer: 4,
      maxInboundTotal: 6,
      maxPartsPerTransfer: 64,
    };
    for (const strict of [false, true]) {
      const h = harness({ maxIncomingTransfer: 8_000_000, strictInboundParts: strict, limits });
      const run = fc.tuple(totals, senderPartSizes).chain(([totalSize, partSize]) =>
        fc.array(fc.tuple(fc.nat({ max: 3 }), declaration(totalSize, partSize)), {
          minLength: 1,
          maxLength: 8,
        }),
      );
      fc.assert(
        fc.property(run, (stream) => {
          for (const [who, d] of stream) {
            if (d.fec !== 'raptorQ' || d.symbolBytes !== 768 || d.symbolSize > 1024) continue;
            const refusedBefore = h.node.counters.refused;
            const before = h.node.usage();
            const bytesBefore = before.decoderBytes;
            expect(() =>
              h.inject(
                peer(10 + who),
                part({
                  transferId: new Uint8Array(32).fill(who + (d.totalSize & 0xf0)),
                  totalSize: d.totalSize,
                  part: d.part,
                  dataSize: d.dataSize,
                  symbolSize: d.symbolSize,
                  symbolsCount: d.symbolsCount,
                  seqno: d.seqno,
                }),
              ),
            ).not.toThrow();
            const u = h.node.usage();
            expect(u.decoderBytes).toBeLessThanOrEqual(limits.maxInboundBytes);
            expect(u.unsolicitedTransfers).toBeLessThanOrEqual(limits.maxInboundTotal);
            // A refused symbol allocates nothing.
            if (h.node.counters.refused > refusedBefore)
              expect(u.decoderBytes).toBeLessThanOrEqual(bytesBefore);
            // One symbol creates at most one decoder, of the declared part size within the limit, and the bytes
            // held grow by at most that part (less when the part decodes at once, or when the fair share evicted
            // another transfer for it in the same step: rldp/fair-share.ts); without a new decoder they never grow.
            const created = u.decodersCreated - before.decodersCreated;
            expect(created).toBeLessThanOrEqual(1);
            if (created === 1) {
              expect(d.dataSize).toBeLessThanOrEqual(strict ? RLDP_PART_SIZE : RLDP_MAX_PART_SIZE);
              expect(u.decoderBytes - bytesBefore).toBeLessThanOrEqual(d.dataSize);
            } else expect(u.decoderBytes).toBeLessThanOrEqual(bytesBefore);
          }
          expect(h.node.counters.malformed).toBe(0);
        }),
        { numRuns: 200 },
      );
      h.node.close();
      expect(h.node.usage().decoderBytes).toBe(0);
    }
  });
});
