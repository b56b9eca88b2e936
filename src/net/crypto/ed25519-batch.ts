/**
 * Many Ed25519 verifications at once (a forward block link carries the signatures of up to ~100 masterchain
 * validators, PROOFS.md §2.3), behind one seam like `SymmetricPrimitives`: `webCryptoEd25519` uses the platform's
 * `crypto.subtle` (OpenSSL in Node 20, BoringSSL in Chromium ≥ 137), all verifications in parallel; `nobleEd25519`
 * is pure JavaScript; `platformEd25519()` feature-detects WebCrypto once (a known-answer test) and falls back to noble.
 *
 * The verdict is one rule for both, whatever the backend (tests/unit/crypto/ed25519-batch.test.ts):
 * - lengths 64 / 32, the key a canonical encoding (y < p, no "negative zero" x) and not one of the 8 small-order
 *   points (noble's strict mode refuses those; OpenSSL accepts them, so they are refused before the backend runs);
 * - S < L;
 * - the cofactorless equation with R compared byte for byte: encode([S]B − [k]A) == R, k = SHA-512(R‖A‖M) mod L.
 *   That is what OpenSSL, and so the C++ node (td's Ed25519 over OpenSSL), checks; noble's own `verify` checks the
 *   cofactored equation, which accepts a few more (crafted, mixed-order R) signatures — so the noble backend here
 *   computes the cofactorless check itself from noble's point arithmetic.
 * A verifier never throws for a bad item: anything malformed is `false`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from './sha512.ts';

export interface Ed25519Item {
  signature: Uint8Array;
  message: Uint8Array;
  publicKey: Uint8Array;
}

export interface Ed25519BatchVerifier {
  /** For stats and bench lines: `webcrypto` or `noble`. */
  readonly name: string;
  /** One verdict per item, in order. */
  verifyBatch(items: readonly Ed25519Item[]): Promise<boolean[]>;
}

const P = (1n << 255n) - 19n;
const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** Canonical encodings of the 8 points of small order (their non-canonical ones fail `canonicalKey`). */
const SMALL_ORDER = [
  '0100000000000000000000000000000000000000000000000000000000000000',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
];
const SMALL_ORDER_SET = new Set(SMALL_ORDER);

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function leNumber(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]);
  return n;
}

/** The checks the rule makes before any curve arithmetic: shapes, S < L, a canonical key not of small order. */
function acceptableShape(item: Ed25519Item): boolean {
  const { signature, publicKey, message } = item;
  if (!(signature instanceof Uint8Array) || signature.length !== 64) return false;
  if (!(publicKey instanceof Uint8Array) || publicKey.length !== 32) return false;
  if (!(message instanceof Uint8Array)) return false;
  if (leNumber(signature.subarray(32)) >= L) return false;
  const y = leNumber(publicKey) & ((1n << 255n) - 1n);
  if (y >= P) return false;
  // x = 0 exactly for y = ±1; with the sign bit set that is a "negative zero", refused in RFC 8032 decoding
  if ((y === 1n || y === P - 1n) && publicKey[31] & 0x80) return false;
  return !SMALL_ORDER_SET.has(hex(publicKey));
}

/** The rule above, computed with noble's point arithmetic (cofactorless, R compared as bytes). */
export function verifyStrict(item: Ed25519Item): boolean {
  if (!acceptableShape(item)) return false;
  const { signature, message, publicKey } = item;
  try {
    const A = ed25519.Point.fromBytes(publicKey, false);
    const s = leNumber(signature.subarray(32));
    const digest = new Uint8Array(64 + message.length);
    digest.set(signature.subarray(0, 32), 0);
    digest.set(publicKey, 32);
    digest.set(message, 64);
    const k = leNumber(sha512(digest)) % L;
    const check = ed25519.Point.BASE.multiplyUnsafe(s).subtract(A.multiplyUnsafe(k)).toBytes();
    const r = signature.subarray(0, 32);
    for (let i = 0; i < 32; i++) if (check[i] !== r[i]) return false;
    return true;
  } catch {
    return false;
  }
}

export const nobleEd25519: Ed25519BatchVerifier = Object.freeze({
  name: 'noble',
  verifyBatch(items: readonly Ed25519Item[]): Promise<boolean[]> {
    return Promise.resolve(items.map(verifyStrict));
  },
});

/** Imported keys by hex, kept for the next links of the same validator set (bounded). */
const KEY_CACHE_LIMIT = 1024;

/** A WebCrypto verifier over `subtle` (not feature-tested: use `platformEd25519` for that). */
export function webCryptoEd25519(subtle: SubtleCrypto): Ed25519BatchVerifier {
  const keys = new Map<string, Promise<CryptoKey | null>>();
  const importKey = (publicKey: Uint8Array): Promise<CryptoKey | null> => {
    const id = hex(publicKey);
    let key = keys.get(id);
    if (!key) {
      key = subtle
        .importKey('raw', publicKey.slice(), { name: 'Ed25519' }, false, ['verify'])
        .catch(() => null);
      if (keys.size >= KEY_CACHE_LIMIT) keys.delete(keys.keys().next().value!);
      keys.set(id, key);
    }
    return key;
  };
  const one = async (item: Ed25519Item): Promise<boolean> => {
    if (!acceptableShape(item)) return false;
    const key = await importKey(item.publicKey);
    if (!key) return false;
    try {
      return await subtle.verify({ name: 'Ed25519' }, key, item.signature.slice(), item.message.slice());
    } catch {
      return false;
    }
  };
  return Object.freeze({
    name: 'webcrypto',
    verifyBatch: (items: readonly Ed25519Item[]) => Promise.all(items.map(one)),
  });
}

// RFC 8032 §7.1 TEST 1 (empty message): the known answer the feature detection checks.
const KAT_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';
const KAT_SIG =
  'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b';

function fromHex(s: string): Uint8Array {
  return Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
}

let detected: Promise<Ed25519BatchVerifier> | undefined;

/**
 * WebCrypto's Ed25519 when the platform has it and it gives the known answers (a valid RFC 8032 signature
 * accepted, the same with one bit flipped refused), otherwise noble. Detected once per process / worker.
 */
export function platformEd25519(): Promise<Ed25519BatchVerifier> {
  detected ??= (async () => {
    const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
    if (!subtle) return nobleEd25519;
    try {
      const candidate = webCryptoEd25519(subtle);
      const good = { signature: fromHex(KAT_SIG), message: new Uint8Array(0), publicKey: fromHex(KAT_KEY) };
      const bad = { ...good, signature: good.signature.slice() };
      bad.signature[0] ^= 1;
      const [yes, no] = await candidate.verifyBatch([good, bad]);
      return yes && !no ? candidate : nobleEd25519;
    } catch {
      return nobleEd25519;
    }
  })();
  return detected;
}
