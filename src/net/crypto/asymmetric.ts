/**
 * The public-key primitives of ADNL: TON's ECDH (td::Ed25519::compute_shared_secret, DIGEST §1) and Ed25519
 * signatures. A root ADNL-UDP datagram costs one ECDH before anything in it is authenticated (DIGEST §4.1), so a
 * forged first-contact datagram costs exactly that; pure JavaScript (@noble) spends ~1 ms on it, OpenSSL ~0.1 ms
 * (bench/adnl-udp.bench.ts `adnl-udp.forgedFirstContactCpu`). Like SymmetricPrimitives (primitives.ts) they are a
 * parameter of the ADNL code: `nobleAsymmetric` by default and in the service worker; Node hosts pass OpenSSL's
 * (src/node/native-crypto.ts `nativeAsymmetric`). Both give identical bytes and verdicts (tests/unit/crypto).
 *
 * The calls are synchronous: the ADNL receive path handles one datagram at a time. WebCrypto's Ed25519 (the
 * browser's native one) is asynchronous only; it can come in as an optional `verifyBatch(items): Promise<boolean[]>`
 * member that callers prefer when present, without changing the synchronous members.
 */
import { sharedSecret } from './ecdh.ts';
import { sign, verify } from './ed25519.ts';

export interface AsymmetricPrimitives {
  /** For stats and bench lines, e.g. `noble`. */
  readonly name: string;
  /**
   * 32-byte ECDH secret of our Ed25519 seed and the peer's Ed25519 public key (both moved to Curve25519).
   * CryptoError if the peer key is not a curve point or is of low order.
   */
  sharedSecret(secretKey: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;
  /** 64-byte Ed25519 signature of `message` by the 32-byte seed `secretKey`. */
  sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array;
  /** Strict RFC 8032 verification; anything malformed from the wire is `false`, never an exception. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
}

export const nobleAsymmetric: AsymmetricPrimitives = Object.freeze({
  name: 'noble',
  sharedSecret,
  sign,
  verify,
});
