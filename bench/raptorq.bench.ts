/**
 * src/net/raptorq: encode and decode throughput for 10 kB, 100 kB and one 2,000,000-byte RLDP part (symbol size
 * 768), each with a same-run xorBaseline over the same bytes, plus decode overhead statistics.
 *   encode_prepare — new RaptorQEncoder(data): the intermediate symbols (all a sender computes up front)
 *   encode         — new RaptorQEncoder(data) + K repair symbols (ids K..2K-1): as many repair bytes as data
 *   decode_repair  — new RaptorQDecoder + repair ids K, K+1, ... until done + data()
 *   decode_mixed   — new RaptorQDecoder + a random half of the sources, then repairs until done + data()
 *   overhead       — fraction of random trials (random loss, shuffled order) done with K, K+1, K+2, more symbols
 * Every decode is checked against the input before it is timed. The machine is shared, so each figure is the best
 * of three timeSync windows (the xorBaseline is measured the same way), and `cpuMBps` adds the same throughput
 * over process CPU time (one core), which other processes disturb less than wall time.
 */
import { RaptorQDecoder, RaptorQEncoder } from '../src/net/raptorq/index.ts';
import { filled, mbps, report, timeSync, xorBaseline } from './harness.ts';

const T = 768;

/** Best (shortest) mean seconds per call over three timeSync windows. */
function bestOf3(fn: () => unknown, minMs: number): number {
  return Math.min(timeSync(fn, minMs), timeSync(fn, minMs), timeSync(fn, minMs));
}

/** MB/s over this process's CPU time for `calls` calls. */
function cpuMbps(bytes: number, fn: () => unknown, calls: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) fn();
  const used = process.cpuUsage(start);
  return mbps(bytes * calls, (used.user + used.system) / 1e6);
}

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function decodeAll(size: number, ids: number[], symbols: Map<number, Uint8Array>): Uint8Array {
  const dec = new RaptorQDecoder(size, T, size);
  for (const id of ids) if (dec.addSymbol(id, symbols.get(id)!)) return dec.data();
  throw new Error('raptorq bench: not decodable');
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
}

/** Symbols needed beyond K over `trials` random patterns (the data does not matter for rank: zero symbols). */
function overhead(size: number, trials: number): number[] {
  const k = Math.ceil(size / T);
  const zero = new Uint8Array(T);
  const rnd = lcg(size);
  const counts = [0, 0, 0, 0];
  for (let t = 0; t < trials; t++) {
    const dec = new RaptorQDecoder(size, T, size);
    const loss = rnd();
    const ids: number[] = [];
    for (let id = 0; id < k; id++) if (rnd() >= loss) ids.push(id);
    const start = k + Math.floor(rnd() * 100_000);
    for (let i = 0; i < k + 50; i++) ids.push(start + i);
    for (let i = ids.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    let used = 0;
    for (const id of ids) {
      used++;
      if (dec.addSymbol(id, zero)) break;
    }
    counts[Math.min(3, used - k)]++;
  }
  return counts.map((c) => c / trials);
}

export default async function raptorqBench(): Promise<void> {
  for (const size of [10_000, 100_000, 2_000_000]) {
    const data = filled(size);
    const baseline = Math.max(xorBaseline(size), xorBaseline(size), xorBaseline(size));
    const minMs = size >= 1_000_000 ? 600 : 300;
    const enc = new RaptorQEncoder(data, T);
    const k = enc.k;
    const symbols = new Map<number, Uint8Array>();
    for (let id = 0; id < 2 * k + 64; id++) symbols.set(id, enc.symbol(id));
    const out = new Uint8Array(T);

    const repairIds = Array.from({ length: k + 64 }, (_, i) => k + i);
    const rnd = lcg(42);
    const mixedIds = [...Array.from({ length: k }, (_, i) => i).filter(() => rnd() < 0.5), ...repairIds];
    for (const ids of [repairIds, mixedIds]) {
      if (!sameBytes(decodeAll(size, ids, symbols), data)) throw new Error('raptorq bench: decode differs');
    }
    const cases: [string, () => unknown][] = [
      ['raptorq.encode_prepare', () => new RaptorQEncoder(data, T)],
      [
        'raptorq.encode',
        () => {
          const e = new RaptorQEncoder(data, T);
          for (let id = k; id < 2 * k; id++) e.symbolInto(id, out);
        },
      ],
      ['raptorq.decode_repair', () => decodeAll(size, repairIds, symbols)],
      ['raptorq.decode_mixed', () => decodeAll(size, mixedIds, symbols)],
    ];
    for (const [bench, fn] of cases) {
      const seconds = bestOf3(fn, minMs);
      const cpu = cpuMbps(size, fn, Math.max(3, Math.ceil(0.3 / seconds)));
      report({
        bench,
        size,
        k,
        value: mbps(size, seconds),
        unit: 'MB/s',
        cpuMBps: cpu,
        xorBaseline: baseline,
      });
    }

    const trials = size >= 1_000_000 ? 200 : 2000;
    const [k0, k1, k2, more] = overhead(size, trials);
    report({
      bench: 'raptorq.overhead',
      size,
      k,
      trials,
      value: k0,
      unit: 'fraction done with exactly K symbols',
      withK1: k1,
      withK2: k2,
      withMore: more,
    });
  }
}
