/** Test helpers for DNS: cells written bit by bit from TL-B (independent of src/net/dns/records.ts). */
import { Address, BitBuilder, beginCell, type Cell } from '@ton/core';
import fc from 'fast-check';

export function hexToBits(hex: string): string {
  return [...hex].map((c) => parseInt(c, 16).toString(2).padStart(4, '0')).join('');
}

/** A cell from a string of '0'/'1' (spaces ignored) and refs. */
export function bitsCell(bits: string, refs: Cell[] = []): Cell {
  const clean = bits.replace(/\s+/g, '');
  const bb = new BitBuilder(1023);
  for (const c of clean) bb.writeBit(c === '1');
  const b = beginCell().storeBits(bb.build());
  for (const r of refs) b.storeRef(r);
  return b.endCell();
}

/** addr_std$10 anycast:nothing$0 workchain_id:int8 address:bits256 */
export function addrStdBits(address: Address): string {
  const wc = (address.workChain & 0xff).toString(2).padStart(8, '0');
  return '10' + '0' + wc + hexToBits(address.hash.toString('hex'));
}

const KNOWN_PREFIXES = ['ad01', '7473', 'ba93', '9fd3', '1eda'];

/** Random cell trees (depth <= 3), half of them starting with a known record prefix. */
export const randomCell: fc.Arbitrary<Cell> = fc
  .letrec<{ cell: { bits: string; refs: unknown[] } }>((tie) => ({
    cell: fc.record({
      bits: fc.oneof(
        fc.array(fc.boolean(), { maxLength: 1023 }).map((bs) => bs.map((b) => (b ? '1' : '0')).join('')),
        fc
          .tuple(fc.constantFrom(...KNOWN_PREFIXES), fc.array(fc.boolean(), { maxLength: 1000 }))
          .map(([p, bs]) => hexToBits(p) + bs.map((b) => (b ? '1' : '0')).join('')),
      ),
      refs: fc.oneof(
        { maxDepth: 3, depthIdentifier: 'cell' },
        fc.constant([] as unknown[]),
        fc.array(tie('cell'), { maxLength: 3 }),
      ),
    }),
  }))
  .cell.map(function toCell(spec: { bits: string; refs: unknown[] }): Cell {
    return bitsCell(
      spec.bits,
      spec.refs.map((r) => toCell(r as { bits: string; refs: unknown[] })),
    );
  });
