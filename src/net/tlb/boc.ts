/**
 * BoC writer for several roots (liteServer proofs are one BoC holding e.g. [block proof, state proof]).
 * @ton/core reads multi-root BoCs but writes only one root. Layout (serialized_boc#b5ee9c72, crypto/tl/boc.tlb):
 * magic, has_idx:1 has_crc32c:1 has_cache_bits:1 flags:2 size:3, off_bytes:8, cells, roots, absent,
 * tot_cells_size, root_list, cell data (d1 d2 data refs), crc32c.
 */
import { Buffer } from 'buffer';
import { crc32c, type Cell } from '@ton/core';

function bytesFor(n: number): number {
  let bytes = 1;
  while (n >= 2 ** (8 * bytes)) bytes++;
  return bytes;
}

function writeUint(out: number[], value: number, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** (8 * i)) & 255);
}

/** Cell data bytes with the completion tag (a 1 bit then zeros) when the bit length is not a multiple of 8. */
function cellData(cell: Cell): number[] {
  const len = cell.bits.length;
  const out = new Array<number>(Math.ceil(len / 8)).fill(0);
  for (let i = 0; i < len; i++) if (cell.bits.at(i)) out[i >> 3] |= 0x80 >> (i & 7);
  if (len % 8 !== 0) out[len >> 3] |= 0x80 >> (len % 8);
  return out;
}

export function serializeBocRoots(roots: Cell[]): Buffer {
  // Reverse post-order of a DFS over all roots: every cell comes before the cells it references.
  const order: Cell[] = [];
  const seen = new Set<string>();
  const visit = (cell: Cell) => {
    const key = cell.hash().toString('hex');
    if (seen.has(key)) return;
    seen.add(key);
    for (const ref of cell.refs) visit(ref);
    order.push(cell);
  };
  for (let i = roots.length - 1; i >= 0; i--) visit(roots[i]);
  order.reverse();
  const index = new Map(order.map((c, i) => [c.hash().toString('hex'), i]));

  const size = bytesFor(order.length);
  const body: number[] = [];
  for (const cell of order) {
    const bits = cell.bits.length;
    body.push(cell.refs.length + (cell.isExotic ? 8 : 0) + cell.mask.value * 32);
    body.push(Math.floor(bits / 8) + Math.ceil(bits / 8));
    body.push(...cellData(cell));
    for (const ref of cell.refs) writeUint(body, index.get(ref.hash().toString('hex'))!, size);
  }
  const offBytes = bytesFor(body.length);
  const head: number[] = [0xb5, 0xee, 0x9c, 0x72, 0x40 | size, offBytes]; // has_crc32c, no index/cache bits
  writeUint(head, order.length, size);
  writeUint(head, roots.length, size);
  writeUint(head, 0, size); // absent
  writeUint(head, body.length, offBytes);
  for (const root of roots) writeUint(head, index.get(root.hash().toString('hex'))!, size);
  const all = Buffer.from([...head, ...body]);
  return Buffer.concat([all, crc32c(all)]);
}
