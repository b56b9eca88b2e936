/**
 * Randomness of ADNL-UDP packets, injectable so a run can be replayed byte for byte (the tonutils-go vector in
 * ../shared/spec/vectors/tonutils-go/adnl.json was generated with a deterministic stream).
 *
 * rand1/rand2 (DIGEST §4.2: 7 or 15 random bytes each) come from ONE 32-byte read r, the way tonutils-go draws
 * them: rand1 = pick(r[0..16]), rand2 = pick(r[16..32]) where pick(d) = d[0] odd ? d[1..16] : d[1..8].
 * Query ids are one 32-byte read each.
 */
export type RandomSource = (n: number) => Uint8Array;

export function packetRandoms(random: RandomSource): { rand1: Uint8Array; rand2: Uint8Array } {
  const r = random(32); // ours alone: views into it are safe
  return {
    rand1: r.subarray(1, r[0] & 1 ? 16 : 8),
    rand2: r.subarray(17, r[16] & 1 ? 32 : 24),
  };
}

/**
 * The default source: the platform CSPRNG, read 4 KiB at a time (one getRandomValues call per packet costs more
 * than the packet's AES and SHA-256 together on Node).
 */
export function pooledRandom(fill: RandomSource, poolSize = 4096): RandomSource {
  let pool: Uint8Array = new Uint8Array(0);
  let used = 0;
  return (n: number) => {
    if (n > poolSize) return fill(n);
    if (pool.length - used < n) {
      pool = fill(poolSize);
      used = 0;
    }
    const out = pool.slice(used, used + n);
    // Never hand out the same bytes twice.
    pool.fill(0, used, used + n);
    used += n;
    return out;
  };
}
