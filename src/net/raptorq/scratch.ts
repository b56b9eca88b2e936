/**
 * Grow-only scratch arrays for the planner, reused across plans so that decoding part after part does not churn
 * the garbage collector. Planning is synchronous and never re-entrant, so each id has one user at a time. The
 * arrays may be longer than asked for and hold stale data unless the caller clears them. Ids: peel.ts uses
 * i32 0-19 and 26-27, u8 0-1, f64 0; plan.ts i32 20-22 and 25, u8 4-6; hdpc.ts i32 23-24, u8 2-3.
 */
const i32s: Int32Array[] = [];
const u8s: Uint8Array[] = [];
const f64s: Float64Array[] = [];

export function scratchI32(id: number, size: number): Int32Array {
  const a = i32s[id];
  if (a && a.length >= size) return a;
  const next = new Int32Array(Math.max(size, a ? (a.length * 3) >> 1 : 0));
  i32s[id] = next;
  return next;
}

export function scratchU8(id: number, size: number): Uint8Array {
  const a = u8s[id];
  if (a && a.length >= size) return a;
  const next = new Uint8Array(Math.max(size, a ? (a.length * 3) >> 1 : 0));
  u8s[id] = next;
  return next;
}

export function scratchF64(id: number, size: number): Float64Array {
  const a = f64s[id];
  if (a && a.length >= size) return a;
  const next = new Float64Array(Math.max(size, a ? (a.length * 3) >> 1 : 0));
  f64s[id] = next;
  return next;
}
