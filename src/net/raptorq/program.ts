/**
 * A solve plan compiled to a flat list of symbol operations (Int32Array), so the matrix work is done once and the
 * byte work runs as tight loops: the encoder caches the program per K, the decoder builds one per symbol set.
 *
 * Operands are slots of one workspace (the planner writes column/spare slots as x >= 0 and input symbols as -i-1;
 * relocate() maps both into the caller's layout).
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
const { alphaXor, chain, chain0, fma, scale, zero } = kernels;
const { set1, set2, set3, set4, set5, set6, set7, set8 } = kernels;
const { xor1, xor2, xor3, xor4, xor5, xor6, xor7, xor8 } = kernels;

export const OP_SET = 1;
export const OP_XOR = 2;
export const OP_FMA = 3;
export const OP_SCALE = 4;
export const OP_CHAIN = 5;
export const OP_ALPHA = 6;
export const NONE = 0x7fffffff;

/** Runs a program over workspace `ws` (every operand a slot of it); n32 is the slot size in 32-bit words. */
export function execute(prog: Int32Array, ws: Slots, n32: number): void {
  const w64 = ws.w64;
  const w32 = ws.w32;
  const n = n32 >> 1;
  const end = prog.length;
  let pc = 0;
  while (pc < end) {
    const op = prog[pc];
    if (op === OP_SET || op === OP_XOR) {
      const d = prog[pc + 1] * n;
      const count = prog[pc + 2];
      const k = pc + 3;
      pc = k + count;
      if (count === 0) {
        if (op === OP_SET) zero(w64, d, n);
      } else {
        xorSources(w64, d, prog, k, pc, op === OP_SET, n);
      }
    } else if (op === OP_FMA) {
      const c = prog[pc + 3];
      if (c === 1) xor1(w64, prog[pc + 1] * n, prog[pc + 2] * n, n);
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

/** Symbol at offset d = (set) or ^= (xor) the XOR of the slots listed in slots[k..stop), up to 8 per pass. */
export function xorSources(
  w: BigUint64Array,
  d: number,
  slots: Int32Array,
  k: number,
  stop: number,
  set: boolean,
  n: number,
): void {
  let first = set;
  while (k < stop) {
    const left = stop - k;
    const a = slots[k] * n;
    if (left === 1) {
      if (first) set1(w, d, a, n);
      else xor1(w, d, a, n);
      return;
    }
    const b = slots[k + 1] * n;
    if (left === 2) {
      if (first) set2(w, d, a, b, n);
      else xor2(w, d, a, b, n);
      return;
    }
    const c = slots[k + 2] * n;
    if (left === 3) {
      if (first) set3(w, d, a, b, c, n);
      else xor3(w, d, a, b, c, n);
      return;
    }
    const e = slots[k + 3] * n;
    if (left === 4) {
      if (first) set4(w, d, a, b, c, e, n);
      else xor4(w, d, a, b, c, e, n);
      return;
    }
    const f = slots[k + 4] * n;
    if (left === 5) {
      if (first) set5(w, d, a, b, c, e, f, n);
      else xor5(w, d, a, b, c, e, f, n);
      return;
    }
    const g = slots[k + 5] * n;
    if (left === 6) {
      if (first) set6(w, d, a, b, c, e, f, g, n);
      else xor6(w, d, a, b, c, e, f, g, n);
      return;
    }
    const h = slots[k + 6] * n;
    if (left === 7) {
      if (first) set7(w, d, a, b, c, e, f, g, h, n);
      else xor7(w, d, a, b, c, e, f, g, h, n);
      return;
    }
    const q = slots[k + 7] * n;
    if (first) set8(w, d, a, b, c, e, f, g, h, q, n);
    else xor8(w, d, a, b, c, e, f, g, h, q, n);
    k += 8;
    first = false;
  }
}

/**
 * Moves a planned program into a workspace layout: planner column/spare slot x becomes cBase + x, input symbol i
 * (written -i-1) becomes inputBase + i.
 */
export function relocate(prog: Int32Array, end: number, cBase: number, inputBase: number): void {
  const loc = (x: number): number => (x >= 0 ? cBase + x : inputBase - x - 1);
  for (let pc = 0; pc < end;) {
    const op = prog[pc];
    if (op === OP_SET || op === OP_XOR) {
      const count = prog[pc + 2];
      prog[pc + 1] = loc(prog[pc + 1]);
      for (let q = pc + 3, e = q + count; q < e; q++) prog[q] = loc(prog[q]);
      pc += 3 + count;
    } else if (op === OP_FMA) {
      prog[pc + 1] = loc(prog[pc + 1]);
      prog[pc + 2] = loc(prog[pc + 2]);
      pc += 4;
    } else if (op === OP_SCALE) {
      prog[pc + 1] = loc(prog[pc + 1]);
      pc += 3;
    } else if (op === OP_CHAIN) {
      prog[pc + 1] = loc(prog[pc + 1]);
      if (prog[pc + 2] !== NONE) prog[pc + 2] = loc(prog[pc + 2]);
      prog[pc + 3] = loc(prog[pc + 3]);
      prog[pc + 4] = loc(prog[pc + 4]);
      pc += 5;
    } else {
      prog[pc + 1] = loc(prog[pc + 1]);
      if (prog[pc + 2] !== NONE) prog[pc + 2] = loc(prog[pc + 2]);
      pc += 3;
    }
  }
}
