/** Enc (RFC 6330 §5.3.5.3): a symbol as the XOR of the intermediate symbols its LT row lists. */
import * as program from './program.ts';

// Module-local binding (see program.ts).
const { xorSources } = program;

/**
 * Workspace symbol at 64-bit offset d = XOR of the symbols C[cols[start..end)] with C[j] in slot base + j; n32 is
 * the slot size in 32-bit words.
 */
export function xorColumns(
  w: BigUint64Array,
  d: number,
  base: number,
  cols: Int32Array,
  start: number,
  end: number,
  scratch: Int32Array,
  n32: number,
): void {
  const count = end - start;
  for (let i = 0; i < count; i++) scratch[i] = base + cols[start + i];
  xorSources(w, d, scratch, 0, count, true, n32 >> 1);
}
