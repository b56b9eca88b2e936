/**
 * The DNS contracts we answer for without a TVM, and the code hashes that identify them.
 *
 * Pinned here are the codes whose BoCs our sources hold and whose deployment we checked (src/devnet/dns/contracts.ts:
 * the root's code+data hash to the mainnet ConfigParam-4 address; the collection + item codes hash to the testnet
 * .ton collection). Mainnet's .ton collection/items and Fragment's .t.me contracts run other builds whose hashes must
 * be taken from proven state; callers add them with `withNativeDnsCodes` once they have them.
 */
import { DnsNativeInputError, type NativeDnsKind } from './errors.ts';

export type { NativeDnsKind } from './errors.ts';

/** Hex code hash -> contract kind. */
export type NativeDnsCodes = ReadonlyMap<string, NativeDnsKind>;

export const NATIVE_DNS_CODES: NativeDnsCodes = new Map<string, NativeDnsKind>([
  // "Root DNS resolver 2.0" (dns-contract func/root-dns.fc), the mainnet root's code.
  ['9ffe14989a82dd5e0ec22a6f2a14f784a72c347d7552c6f220d9c3e13b7e2778', 'root'],
  // dns-contract func/nft-collection.fc, as deployed for testnet .ton (and by our devnet).
  ['c45a70715e226a2aafa76c7781f3ced852aa044a3eb52b9097341761846a4125', 'ton-collection'],
  // dns-contract func/nft-item.fc, the item code of that collection.
  ['3f0ab9253170c86aaeebfeabb2de0bc2d35b4c854a98ea37dc2cdffde8f4e811', 'ton-item'],
]);

/** `codes` plus more (hex hash -> kind), e.g. hashes read from proven mainnet states. */
export function withNativeDnsCodes(
  codes: NativeDnsCodes,
  more: Iterable<[string, NativeDnsKind]>,
): NativeDnsCodes {
  const out = new Map(codes);
  for (const [hash, kind] of more) {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new DnsNativeInputError(`not a lowercase hex code hash: ${hash}`);
    out.set(hash, kind);
  }
  return out;
}
