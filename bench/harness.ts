/** Tiny benchmark harness: every figure is one JSON line `{"bench", "value", "unit", ...}` on stdout. */

export interface BenchResult {
  bench: string;
  value: number;
  unit: string;
  [extra: string]: unknown;
}

export function report(result: BenchResult): void {
  console.log(JSON.stringify(result));
}

/** Runs `fn` repeatedly for at least `minMs` (after a warm-up) and returns the mean seconds per call. */
export async function timeIt(fn: () => unknown | Promise<unknown>, minMs = 500): Promise<number> {
  const warmEnd = performance.now() + Math.min(200, minMs / 2);
  while (performance.now() < warmEnd) await fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    await fn();
    calls++;
    now = performance.now();
  }
  return (now - start) / 1000 / calls;
}

/** Same as timeIt, for synchronous functions (no await per call, so the figure is not dominated by it). */
export function timeSync(fn: () => unknown, minMs = 500): number {
  const warmEnd = performance.now() + Math.min(200, minMs / 2);
  while (performance.now() < warmEnd) fn();
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < minMs) {
    fn();
    calls++;
    now = performance.now();
  }
  return (now - start) / 1000 / calls;
}

export const MB = 1_000_000;

/** Bytes per second as MB/s, rounded for display. */
export function mbps(bytes: number, seconds: number): number {
  return Math.round((bytes / seconds / MB) * 100) / 100;
}

/** A same-run baseline: 32-bit XOR of one buffer into another, in MB/s over `bytes`. */
export function xorBaseline(bytes: number): number {
  const a = new Uint32Array(Math.ceil(bytes / 4));
  const b = new Uint32Array(a.length).fill(0x5a5a5a5a);
  const s = timeSync(() => {
    for (let i = 0; i < a.length; i++) a[i] ^= b[i];
  }, 300);
  return mbps(a.length * 4, s);
}

/** `n` deterministic bytes that look random (xorshift32): the same data in every run and in every bench. */
export function filled(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x9e3779b9;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}
