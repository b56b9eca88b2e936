/**
 * A solve plan compiled to a flat list of symbol operations (Int32Array), so the matrix work is done once and the
 * byte work runs as tight loops: the encoder caches the program per K, the decoder builds one per symbol set.
 *
 * Operands: a slot s >= 0 is symbol s of the workspace `ws`; s < 0 is input symbol -s-1 of `inp` (read only).
 *   SET   dst n s1..sn   dst = s1 ^ ... ^ sn (n = 0: zero)
 *   XOR   dst n s1..sn   dst ^= s1 ^ ... ^ sn
 *   FMA   dst src c      dst ^= c * src (GF(256))
 *   SCALE dst c          dst = c * dst
 *   CHAIN y src h1 h2    y = alpha * y ^ src; h1 ^= y; h2 ^= y   (src = NONE: no source)
 *   ALPHA y src          y = alpha * y ^ src                     (src = NONE: no source)
 */
import type { Slots } from './layout.ts';
import * as kernels from './symbols.ts';

// Hot loops call module-local bindings: some loaders (tsx, vite-node) turn imports into getter calls.
const { alphaXor, chain, chain0, fma, scale, set1, set2, set3, set4, xor1, xor2, xor3, xor4, zero } = kernels;

export const OP_SET = 1;
export const OP_XOR = 2;
export const OP_FMA = 3;
export const OP_SCALE = 4;
export const OP_CHAIN = 5;
export const OP_ALPHA = 6;
export const NONE = 0x7fffffff;

/** Runs a program over workspace `ws` with inputs `inp`; n32 is the slot size in 32-bit words. */
export function execute(prog: Int32Array, ws: Slots, inp: Slots, n32: number): void {
  const w64 = ws.w64;
  const i64 = inp.w64;
  const w32 = ws.w32;
  const n = n32 >> 1;
  const end = prog.length;
  let pc = 0;
  while (pc < end) {
    const op = prog[pc];
    if (op === OP_SET || op === OP_XOR) {
      const d = prog[pc + 1] * n;
      const count = prog[pc + 2];
      let k = pc + 3;
      const stop = k + count;
      pc = stop;
      if (count === 0) {
        if (op === OP_SET) zero(w64, d, n);
        continue;
      }
      let first = op === OP_SET;
      while (k < stop) {
        const left = stop - k;
        const s0 = prog[k];
        const a = s0 >= 0 ? w64 : i64;
        const ao = s0 >= 0 ? s0 * n : (-s0 - 1) * n;
        if (left === 1) {
          if (first) set1(w64, d, a, ao, n);
          else xor1(w64, d, a, ao, n);
          k += 1;
        } else {
          const s1 = prog[k + 1];
          const b = s1 >= 0 ? w64 : i64;
          const bo = s1 >= 0 ? s1 * n : (-s1 - 1) * n;
          if (left === 2) {
            if (first) set2(w64, d, a, ao, b, bo, n);
            else xor2(w64, d, a, ao, b, bo, n);
            k += 2;
          } else {
            const s2 = prog[k + 2];
            const c = s2 >= 0 ? w64 : i64;
            const co = s2 >= 0 ? s2 * n : (-s2 - 1) * n;
            if (left === 3) {
              if (first) set3(w64, d, a, ao, b, bo, c, co, n);
              else xor3(w64, d, a, ao, b, bo, c, co, n);
              k += 3;
            } else {
              const s3 = prog[k + 3];
              const e = s3 >= 0 ? w64 : i64;
              const eo = s3 >= 0 ? s3 * n : (-s3 - 1) * n;
              if (first) set4(w64, d, a, ao, b, bo, c, co, e, eo, n);
              else xor4(w64, d, a, ao, b, bo, c, co, e, eo, n);
              k += 4;
            }
          }
        }
        first = false;
      }
    } else if (op === OP_FMA) {
      const c = prog[pc + 3];
      if (c === 1) xor1(w64, prog[pc + 1] * n, w64, prog[pc + 2] * n, n);
      else fma(w32, prog[pc + 1] * n32, w32, prog[pc + 2] * n32, c, n32);
      pc += 4;
    } else if (op === OP_SCALE) {
      scale(w32, prog[pc + 1] * n32, prog[pc + 2], n32);
      pc += 3;
    } else if (op === OP_CHAIN) {
      const src = prog[pc + 2];
      if (src === NONE) chain0(w32, prog[pc + 1] * n32, prog[pc + 3] * n32, prog[pc + 4] * n32, n32);
      else chain(w32, prog[pc + 1] * n32, w32, src * n32, prog[pc + 3] * n32, prog[pc + 4] * n32, n32);
      pc += 5;
    } else if (op === OP_ALPHA) {
      const src = prog[pc + 2];
      alphaXor(w32, prog[pc + 1] * n32, w32, src === NONE ? -1 : src * n32, n32);
      pc += 3;
    } else {
      throw new Error(`raptorq: bad program opcode ${op}`);
    }
  }
}
