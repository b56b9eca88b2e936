/**
 * RFC 6330 §5.3.3.3 / §5.6 parameters for K source symbols: K' is the first Table 2 row with K' >= K, and
 * L = K'+S+H, P = L-W, U = P-H, B = W-S, and P1 as TON computes it (see paramsForK).
 */
import { RaptorQError } from './errors.ts';
import { SYSTEMATIC_INDICES } from './tables.generated.ts';

export interface RaptorQParams {
  /** Source symbols actually carrying data. */
  readonly K: number;
  /** K' (KPadded): K rounded up to a Table 2 row; symbols K..K'-1 are zero padding never sent. */
  readonly Kp: number;
  readonly J: number;
  /** LDPC symbols. */
  readonly S: number;
  /** HDPC symbols. */
  readonly H: number;
  /** LT symbols (prime). */
  readonly W: number;
  /** Intermediate symbols. */
  readonly L: number;
  /** Permanently inactivated symbols. */
  readonly P: number;
  /** Smallest prime > P (TON's rule, not RFC 6330's >= P: see paramsForK). */
  readonly P1: number;
  readonly U: number;
  readonly B: number;
}

const ROWS = SYSTEMATIC_INDICES.length / 5;

/** Largest K' of Table 2 (56403): the most source symbols one RaptorQ block can have. */
export const MAX_SOURCE_SYMBOLS = SYSTEMATIC_INDICES[(ROWS - 1) * 5];

export function isPrime(n: number): boolean {
  if (n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

export function paramsForK(K: number): RaptorQParams {
  if (!Number.isInteger(K) || K < 1 || K > MAX_SOURCE_SYMBOLS) {
    throw new RaptorQError(`RaptorQ source symbol count ${K} is outside 1..${MAX_SOURCE_SYMBOLS}`);
  }
  let lo = 0;
  let hi = ROWS - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (SYSTEMATIC_INDICES[mid * 5] >= K) hi = mid;
    else lo = mid + 1;
  }
  const o = lo * 5;
  const Kp = SYSTEMATIC_INDICES[o];
  const J = SYSTEMATIC_INDICES[o + 1];
  const S = SYSTEMATIC_INDICES[o + 2];
  const H = SYSTEMATIC_INDICES[o + 3];
  const W = SYSTEMATIC_INDICES[o + 4];
  const L = Kp + S + H;
  const P = L - W;
  // P1 is the smallest prime STRICTLY greater than P, as TON computes it, not RFC 6330 §5.3.3.3's "smallest prime
  // >= P": ton-blockchain/ton tdfec/td/fec/raptorq/Rfc.cpp, Rfc::Parameters::Parameters (`P1 = P + 1; while
  // (!is_prime(P1)) P1++;`), and xssnick/raptorq params.go, buildParamsByRow (`p._P1 = p._P + 1; for
  // !isPrime(p._P1) { p._P1++ }`). The two differ only when P is prime (608 of K = 1..2605); then every repair
  // symbol's PI columns (a1, b1 and the b1 walk of Tuple/Enc, tuple.ts) differ, source symbols do not.
  let P1 = P + 1;
  while (!isPrime(P1)) P1++;
  return { K, Kp, J, S, H, W, L, P, P1, U: P - H, B: W - S };
}
