/**
 * The H HDPC rows (RFC 6330 §5.3.3.3: G_HDPC = MT * GAMMA, then I_H) restricted to the u inactive columns after
 * the pivot columns are substituted away (C[pivot t] = Y_t + Z_t . C_inactive): row h = MT * GAMMA * X + I_H with
 * X_j = Z_t for pivot column j and e_j for inactive column j.
 *
 * GAMMA is the recurrence y_j = alpha * y_{j-1} + X_j, run bit-sliced: plane k holds bit k of every column's
 * GF(256) value, so y = alpha * y is a rotation of the planes plus three plane XORs (x^8 = x^4 + x^3 + x^2 + 1),
 * and adding the binary X_j touches plane 0 only.
 */
import type { KContext } from './context.ts';
import * as gf from './gf256.ts';
import type { Peeled } from './peel.ts';
import * as peeling from './peel.ts';
import * as scratch from './scratch.ts';

// Module-local bindings: some loaders (tsx, vite-node) compile imports to getter calls, too slow in hot loops.
const { scratchI32, scratchU8 } = scratch;
const { COL_PIVOT } = peeling;
const { gfAlphaPow, MUL } = gf;

/**
 * Returns the HDPC rows as bytes, row h at [h * 32 * nw, h * 32 * nw + u), from the peeling and the Z bitsets
 * (nw words per pivot). The array is planner scratch, valid until the next call.
 */
export function hdpcRows(kc: KContext, pe: Peeled, Z: Int32Array, nw: number): Uint8Array {
  const { p, hdpcA, hdpcB } = kc;
  const { Kp, S, H } = p;
  const { colState, colPivot, inactIdx } = pe;
  const nu = pe.inactives;
  const T = Kp + S;
  const ys = scratchI32(23, 8 * nw);
  ys.fill(0, 0, 8 * nw);
  const acc = scratchI32(24, H * 8 * nw);
  acc.fill(0, 0, H * 8 * nw);
  let rot = 0; // logical plane k lives at physical plane (k + rot) & 7
  for (let j = 0; j < T - 1; j++) {
    rot = (rot + 7) & 7;
    const top = rot * nw; // the old plane 7 is the new plane 0
    for (let k = 2; k <= 4; k++) {
      const po = ((k + rot) & 7) * nw;
      for (let w = 0; w < nw; w++) ys[po + w] ^= ys[top + w];
    }
    if (colState[j] === COL_PIVOT) {
      const zo = colPivot[j] * nw;
      for (let w = 0; w < nw; w++) ys[top + w] ^= Z[zo + w];
    } else {
      const x = inactIdx[j];
      ys[top + (x >> 5)] ^= 1 << (x & 31);
    }
    const o1 = hdpcA[j] * 8 * nw;
    const o2 = hdpcB[j] * 8 * nw;
    for (let k = 0; k < 8; k++) {
      const po = ((k + rot) & 7) * nw;
      const ko = k * nw;
      for (let w = 0; w < nw; w++) {
        const v = ys[po + w];
        acc[o1 + ko + w] ^= v;
        acc[o2 + ko + w] ^= v;
      }
    }
  }
  // back to bytes: HD[h][c] = sum over k of bit c of plane k, << k; then the last column (MT = alpha^h) and I_H
  const rb = nw * 32; // bytes per HDPC row, >= nu
  const HD = scratchU8(2, H * rb);
  HD.fill(0, 0, H * rb);
  const yb = scratchU8(3, rb);
  const toBytes = (
    planes: Int32Array,
    o: number,
    physical: (k: number) => number,
    dst: Uint8Array,
    d: number,
  ) => {
    for (let k = 0; k < 8; k++) {
      const po = o + physical(k) * nw;
      for (let w = 0; w < nw; w++) {
        let x = planes[po + w];
        while (x !== 0) {
          const low = x & -x;
          dst[d + w * 32 + (31 - Math.clz32(low))] |= 1 << k;
          x ^= low;
        }
      }
    }
  };
  for (let h = 0; h < H; h++) toBytes(acc, h * 8 * nw, (k) => k, HD, h * rb);
  yb.fill(0, 0, rb);
  toBytes(ys, 0, (k) => (k + rot) & 7, yb, 0);
  // last step of the chain in bytes: y = alpha * y + X_{T-1}
  for (let c = 0; c < nu; c++) yb[c] = MUL[512 | yb[c]];
  if (colState[T - 1] === COL_PIVOT) {
    const zo = colPivot[T - 1] * nw;
    for (let c = 0; c < nu; c++) yb[c] ^= (Z[zo + (c >> 5)] >>> (c & 31)) & 1;
  } else {
    yb[inactIdx[T - 1]] ^= 1;
  }
  for (let h = 0; h < H; h++) {
    const m = gfAlphaPow(h) << 8;
    const o = h * rb;
    for (let c = 0; c < nu; c++) HD[o + c] ^= MUL[m | yb[c]];
    HD[o + inactIdx[T + h]] ^= 1;
  }
  return HD;
}
