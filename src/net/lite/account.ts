/** Account ids for lite queries and the `Account` (block.tlb) carried in liteServer.accountState. */
import { Address, loadAccount, type Account, type Cell } from '@ton/core';
import { cellFromBoc } from './boc.ts';
import { LiteError } from './errors.ts';

/** `liteServer.accountId workchain:int id:int256`. */
export interface LiteAccountId {
  workchain: number;
  id: Uint8Array;
}

/** Anything naming an account: a @ton/core Address, a friendly/raw address string, or a LiteAccountId. */
export type AccountRef = Address | string | LiteAccountId;

export function toLiteAccountId(account: AccountRef): LiteAccountId {
  if (typeof account === 'string') {
    let address: Address;
    try {
      address = Address.parse(account);
    } catch (error) {
      throw new LiteError('bad-argument', `bad address ${JSON.stringify(account.slice(0, 80))}`, {
        cause: error,
      });
    }
    return toLiteAccountId(address);
  }
  if (account instanceof Address) {
    return { workchain: account.workChain, id: new Uint8Array(account.hash) };
  }
  if (
    !Number.isInteger(account.workchain) ||
    !(account.id instanceof Uint8Array) ||
    account.id.length !== 32
  ) {
    throw new LiteError('bad-argument', 'account id must be { workchain: int, id: 32 bytes }');
  }
  return { workchain: account.workchain, id: account.id };
}

/**
 * Parses the `state` BoC of liteServer.accountState: `account_none$0` → null, `account$1 ...` → @ton/core
 * Account. An empty `state` (some servers send it for a missing account) is also null.
 */
export function parseAccountState(state: Uint8Array): { account: Account | null; root: Cell | null } {
  if (state.length === 0) return { account: null, root: null };
  const root = cellFromBoc(state, 'account state');
  try {
    const cs = root.beginParse();
    if (!cs.loadBit()) return { account: null, root };
    return { account: loadAccount(cs), root };
  } catch (error) {
    throw new LiteError('bad-boc', `account state: ${(error as Error).message}`, { cause: error });
  }
}
