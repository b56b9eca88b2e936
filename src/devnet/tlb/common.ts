/** Small block.tlb pieces shared by the devnet's state and block builders (the rest is in src/net/tlb). */
import { beginCell, storeCurrencyCollection } from '@ton/core';

/** CurrencyCollection with `grams` nanotons and no extra currencies. */
export function storeGrams(grams: bigint) {
  return storeCurrencyCollection({ coins: grams });
}

/** An empty cell builder (readability helper). */
export const cell = beginCell;
