/**
 * The two symmetric primitives every ADNL-UDP datagram costs: SHA-256 and AES-256-CTR (the "AES with digest" of
 * channel packets, DIGEST §1 and §4.4). They take most of a transfer's CPU (bench/rldp.bench.ts
 * `rldp.adnlCostPerSymbol`), so they are a parameter of the channel code: `noblePrimitives` (@noble, pure
 * JavaScript) everywhere by default and always in the service worker; a Node host may pass its platform's own
 * (src/node/native-crypto.ts, OpenSSL through node:crypto). Both give identical bytes (tests/unit/crypto).
 */
import { aesCtrInto } from './aes-ctr.ts';
import { sha256 } from './hash.ts';

export interface SymmetricPrimitives {
  /** For stats and bench lines, e.g. `noble`. */
  readonly name: string;
  sha256(data: Uint8Array): Uint8Array;
  /**
   * AES-256-CTR of `data` from the 16-byte counter block `iv`, written at the start of `out`; `out` may be
   * `data` itself (in place) but must not otherwise overlap it.
   */
  aesCtrInto(key: Uint8Array, iv: Uint8Array, data: Uint8Array, out: Uint8Array): void;
}

export const noblePrimitives: SymmetricPrimitives = Object.freeze({
  name: 'noble',
  sha256,
  aesCtrInto,
});
