/**
 * The devnet's validators: Ed25519 keys (derived from a seed and an epoch, so a rotation yields a new set and a
 * seeded devnet is reproducible) with unequal weights. Signing uses node:crypto (the devnet is a Node host): a
 * masterchain seal signs with several keys, and OpenSSL's Ed25519 is ~20x faster than the isomorphic noble code
 * src/net uses; the signatures are the same bytes (Ed25519 is deterministic).
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { keyPairFromSeed, sha256, type KeyPair } from '../../net/crypto/index.ts';
import { nodeIdShort } from '../../net/lite/proof/validator-set.ts';

/** DER prefix of a PKCS#8 Ed25519 private key whose last 32 bytes are the seed (RFC 8410). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface DevnetValidator {
  keyPair: KeyPair;
  weight: bigint;
  /** node:crypto key for signing. */
  signingKey: KeyObject;
  /** sha256(pub.ed25519 key): how signature sets name the validator. */
  nodeIdShort: Uint8Array;
}

/** Weights 10, 17, 24, ...: unequal, so "2/3 of the weight" differs from "2/3 of the validators". */
function weightOf(index: number): bigint {
  return BigInt(10 + 7 * index) * 1_000_000_000n;
}

/** `count` validators of epoch `epoch` derived from `seed`. */
export function deriveValidators(seed: string, epoch: number, count: number): DevnetValidator[] {
  if (!Number.isInteger(count) || count < 1 || count > 1000)
    throw new RangeError('validators must be 1..1000');
  return Array.from({ length: count }, (_, i) => {
    const secret = sha256(new TextEncoder().encode(`tonsite devnet validator ${seed} epoch ${epoch} #${i}`));
    const keyPair = keyPairFromSeed(secret);
    const signingKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, Buffer.from(secret)]),
      format: 'der',
      type: 'pkcs8',
    });
    return { keyPair, weight: weightOf(i), signingKey, nodeIdShort: nodeIdShort(keyPair.publicKey) };
  });
}

/** Ed25519 signature of `message` by `validator`. */
export function signWith(validator: DevnetValidator, message: Uint8Array): Uint8Array {
  return new Uint8Array(nodeSign(null, message, validator.signingKey));
}
