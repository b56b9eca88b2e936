/**
 * d[o..o+n32/2) = XOR of the symbols (slots of n32 32-bit words) of c listed in cols[start..end) (Enc, RFC 6330
 * §5.3.5.3), four sources per pass over the destination; o counts 64-bit words.
 */
import * as kernels from './symbols.ts';

// Module-local bindings for the hot loop (see program.ts).
const { set1, set2, set3, set4, xor1, xor2, xor3, xor4 } = kernels;

export function xorColumns(
  d: BigUint64Array,
  o: number,
  c: BigUint64Array,
  cols: Int32Array,
  start: number,
  end: number,
  n32: number,
): void {
  const n = n32 >> 1;
  let k = start;
  while (k < end) {
    const left = end - k;
    const first = k === start;
    if (left >= 4) {
      const a = cols[k] * n;
      const b = cols[k + 1] * n;
      const e = cols[k + 2] * n;
      const f = cols[k + 3] * n;
      if (first) set4(d, o, c, a, c, b, c, e, c, f, n);
      else xor4(d, o, c, a, c, b, c, e, c, f, n);
      k += 4;
    } else if (left === 3) {
      if (first) set3(d, o, c, cols[k] * n, c, cols[k + 1] * n, c, cols[k + 2] * n, n);
      else xor3(d, o, c, cols[k] * n, c, cols[k + 1] * n, c, cols[k + 2] * n, n);
      k += 3;
    } else if (left === 2) {
      if (first) set2(d, o, c, cols[k] * n, c, cols[k + 1] * n, n);
      else xor2(d, o, c, cols[k] * n, c, cols[k + 1] * n, n);
      k += 2;
    } else {
      if (first) set1(d, o, c, cols[k] * n, n);
      else xor1(d, o, c, cols[k] * n, n);
      k += 1;
    }
  }
}
