/**
 * What the RLDP and HTTP benches share about devnet peer kinds (src/devnet/peers): which kinds and paths a run
 * measures (env switches, so a run on a shared machine can be cut down) and the goals issue 13 sets per kind.
 *
 *   BENCH_PEERS=cpp,tonutils   kinds measured (default: ours,cpp,tonutils)
 *   BENCH_PATHS=udp            paths of the downloads (default: udp,relay)
 */
import { isPeerKind, PEER_KINDS, type PeerKind } from '../src/devnet/peers/index.ts';
import { RLDP_SYMBOL_SIZE } from '../src/net/rldp/index.ts';
import { mbps } from './harness.ts';

export type BenchPath = 'udp' | 'relay';

function listFromEnv<T extends string>(name: string, all: readonly T[], valid: (s: string) => boolean): T[] {
  const text = process.env[name];
  if (!text) return [...all];
  const items = text.split(',').map((s) => s.trim());
  const bad = items.filter((s) => !valid(s));
  if (bad.length > 0 || items.length === 0) {
    throw new RangeError(`${name}: expected a comma-separated list of ${all.join(', ')}, got "${text}"`);
  }
  return all.filter((k) => items.includes(k));
}

/** The peer kinds to measure, in the order ours, cpp, tonutils. */
export function benchPeers(): PeerKind[] {
  return listFromEnv('BENCH_PEERS', PEER_KINDS, isPeerKind);
}

/** The download paths to measure. */
export function benchPaths(): BenchPath[] {
  const all: readonly BenchPath[] = ['udp', 'relay'];
  return listFromEnv('BENCH_PATHS', all, (s) => (all as readonly string[]).includes(s));
}

/**
 * The download goal per kind (MB/s, our client on node:crypto over direct UDP), issue 13 "Must show": from every
 * kind at least as fast as that peer's own client reaches on it. `ours`: the project's standing target.
 * `cpp`: tonutils-go's client took 21.0 MB/s from ton v2026.06's rldp-http-proxy (issue 13 §0; the C++ node has
 * no HTTP client of its own). `tonutils`: 1.2 × the top of tonutils-go's own client's 7–10 MB/s from a v1.14 site.
 * All three were measured on another machine; the same-run raw-datagram baseline says what this one allows.
 */
export const DOWNLOAD_GOAL_MBPS: Record<PeerKind, number> = { ours: 25, cpp: 21, tonutils: 12 };

/** Relay figures: at least this share of the direct figure of the same kind and crypto. */
export const RELAY_GOAL_RATIO = 0.7;

/** Cold page head of a small .adnl page from each kind, in round trips (issue 13 "Must show"). */
export const COLD_ADNL_GOAL_RTT = 3.5;

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const best = (xs: number[]): number => Math.max(...xs);

/**
 * What a tonutils-kind sender allows any receiver AT ITS STARTING RATE, in MB/s of body, for a body sent as RLDP
 * transfers of `transfers` bytes (one for a plain RLDP answer; one per http.getNextPayloadPart answer for HTTP, TL
 * framing left out): it sends each part as a burst of K + K/33 symbols and then waits for `complete` (no loss here,
 * so no recovery symbols are needed), limited by one token bucket per peer of 10,000 symbols/s holding 10,000
 * (tonutils-go v1.14.1 adnl/rldp/bucket.go NewTokenBucket, NewClient `NewTokenBucket(10000, …)`;
 * src/net/rldp/tonutils-rate.ts). `fresh`: the first transfers to a new peer start with a full bucket; `drained`:
 * transfers right after others start with it empty. Round trips between parts are left out.
 *
 * This is a fixed ceiling only for RLDP v1 (`holds: 'rldp1'`): on rldp2 confirms the kind's AdaptiveRateController
 * (rate.go, slow start ×2.5 per recalculation while loss stays under 5 %) raises the bucket's rate and capacity, so
 * a v2 download is not bounded by these figures — they are where it starts.
 */
export function tonutilsSenderCeiling(
  transfers: number[],
  partSize: number,
): { fresh: number; drained: number; holds: 'rldp1' } {
  const RATE = 10_000;
  let symbols = 0;
  let bytes = 0;
  for (const size of transfers) {
    bytes += size;
    for (let at = 0; at < size; at += partSize) {
      const k = Math.ceil(Math.min(partSize, size - at) / RLDP_SYMBOL_SIZE);
      symbols += k + Math.floor(k / 33);
    }
  }
  const at = (tokens: number) => mbps(bytes, Math.max(symbols - tokens, 1) / RATE);
  return { fresh: at(RATE), drained: at(0), holds: 'rldp1' };
}
