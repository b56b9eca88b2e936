/**
 * src/net/raptorq decoder alone, per received symbol, on the parts RLDP receivers get: 1 MiB (K = 1366, what
 * tonutils-go sends) and 2,000,000 bytes (K = 2605, C++ nodes), symbol size 768, symbols in the order a sender
 * sends them (sources 0..K-1, then repairs K, K+1, ...):
 *   raptorq.decode_part_sources — new RaptorQDecoder + every source symbol + data()
 *   raptorq.decode_part_loss10  — new RaptorQDecoder + the sources less a random 10% + repairs until done + data()
 * The machine is shared, so every call is timed on its own: value is the fastest call (µs per symbol added, wall
 * time), median the middle one, cpuUsPerSymbol the mean over process CPU time (one core) of all calls; copyBaseline
 * is the fastest of copying the same symbols into a part-sized buffer in the same run (µs per symbol), the least
 * any receiver does with them. Every decode is checked against the input before it is timed.
 */
import { RaptorQDecoder, RaptorQEncoder } from '../src/net/raptorq/index.ts';
import { filled, report, timeSync } from './harness.ts';

const T = 768;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

interface Timing {
  /** Fastest and median call, µs per symbol. */
  best: number;
  median: number;
  /** Mean process CPU time per call, µs per symbol. */
  cpu: number;
}

/** Times `fn` (which adds `symbols` symbols) call by call for at least `minMs` after a warm-up. */
function perSymbol(fn: () => unknown, symbols: number, minMs: number): Timing {
  timeSync(fn, 100);
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  const end = performance.now() + minMs;
  for (let now = performance.now(); now < end || times.length < 5;) {
    fn();
    const after = performance.now();
    times.push(after - now);
    now = after;
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  const us = (ms: number): number => round3((ms * 1000) / symbols);
  return {
    best: us(times[0]),
    median: us(times[times.length >> 1]),
    cpu: round3((cpu.user + cpu.system) / times.length / symbols),
  };
}

function partBench(size: number): void {
  const data = filled(size);
  const enc = new RaptorQEncoder(data, T);
  const k = enc.k;
  const rnd = lcg(size ^ 0x5bd1e995);
  const lost = new Set<number>();
  while (lost.size < Math.round(k / 10)) lost.add(Math.floor(rnd() * k));
  const sourceIds = Array.from({ length: k }, (_, i) => i);
  const lossIds = sourceIds.filter((id) => !lost.has(id));
  for (let id = k; id < k + lost.size + 64; id++) lossIds.push(id);
  const symbols = new Map<number, Uint8Array>();
  for (const id of [...sourceIds, ...lossIds]) if (!symbols.has(id)) symbols.set(id, enc.symbol(id));

  for (const [bench, allIds] of [
    ['raptorq.decode_part_sources', sourceIds],
    ['raptorq.decode_part_loss10', lossIds],
  ] as const) {
    let used = 0;
    const check = new RaptorQDecoder(size, T, size);
    for (const id of allIds) {
      used++;
      if (check.addSymbol(id, symbols.get(id)!)) break;
    }
    if (!check.done || !Buffer.from(check.data()).equals(Buffer.from(data))) {
      throw new Error('raptorq bench: decode differs');
    }
    const ids = allIds.slice(0, used);
    const syms = ids.map((id) => symbols.get(id)!);
    const decode = (): Uint8Array => {
      const dec = new RaptorQDecoder(size, T, size);
      for (let i = 0; i < syms.length; i++) dec.addSymbol(ids[i], syms[i]);
      return dec.data();
    };
    const copy = (): Uint8Array => {
      const out = new Uint8Array(syms.length * T);
      for (let i = 0; i < syms.length; i++) out.set(syms[i], i * T);
      return out;
    };
    const baseline = perSymbol(copy, used, 300);
    const t = perSymbol(decode, used, 1000);
    report({
      bench,
      size,
      k,
      symbols: used,
      repairs: ids.filter((id) => id >= k).length,
      value: t.best,
      unit: 'µs/symbol',
      median: t.median,
      cpuUsPerSymbol: t.cpu,
      copyBaseline: baseline.best,
    });
  }
}

export default async function raptorqDecodeBench(): Promise<void> {
  for (const size of [1_048_576, 2_000_000]) partBench(size);
}
