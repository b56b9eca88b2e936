/**
 * getAccountState (lite_api.tl line 38/93): `state` = BoC of the Account cell as stored in the shard state
 * (empty when the account does not exist); `proof` = [block proof, state proof down to the account];
 * `shard_proof` = proof that the basechain block is the one the masterchain block lists (empty in the masterchain).
 */
import { Address } from '@ton/core';
import { LiteErrorCode, LiteServerError } from '../../../net/lite/errors.ts';
import type { TlCtor } from '../../../net/tl/index.ts';
import type { DevnetAccount, DevnetBlock } from '../../chain.ts';
import { prunedBranch } from '../../../net/tlb/index.ts';
import { resolveBlock, toTlBlockIdExt } from '../block-ids.ts';
import { accountKeep, blockAndStateProof, shardProof } from '../proofs.ts';
import type { HandlerContext } from './context.ts';

export function accountAddress(id: TlCtor<'liteServer.accountId'>): Address {
  if (id.workchain !== 0 && id.workchain !== -1) {
    throw new LiteServerError(LiteErrorCode.ERROR, `workchain ${id.workchain} does not exist`);
  }
  return new Address(id.workchain, Buffer.from(id.id));
}

/** Looks up an account at a masterchain block this server has. */
export function lookupAccount(
  ctx: HandlerContext,
  id: TlCtor<'tonNode.blockIdExt'>,
  account: TlCtor<'liteServer.accountId'>,
): { mc: DevnetBlock; address: Address; found: DevnetAccount } {
  const mc = resolveBlock(ctx.view, id);
  const address = accountAddress(account);
  const found = ctx.view.chain.account(mc, address);
  if (!found) throw new LiteServerError(LiteErrorCode.ERROR, 'no shard block for this account');
  return { mc, address, found };
}

export function getAccountState(
  fn: TlCtor<'liteServer.getAccountState'> | TlCtor<'liteServer.getAccountStatePrunned'>,
  ctx: HandlerContext,
): TlCtor<'liteServer.accountState'> {
  const { mc, found } = lookupAccount(ctx, fn.id, fn.account);
  let state = new Uint8Array(0);
  if (found.accountCell) {
    // getAccountStatePrunned sends the account as a pruned branch (hash and depth only).
    const cell =
      fn._ === 'liteServer.getAccountStatePrunned' ? prunedBranch(found.accountCell) : found.accountCell;
    state = new Uint8Array(cell.toBoc({ idx: false, crc32: true }));
  }
  return {
    _: 'liteServer.accountState',
    id: toTlBlockIdExt(mc),
    shardblk: toTlBlockIdExt(found.shardBlock),
    shard_proof: new Uint8Array(shardProof(mc, found.shardBlock)),
    proof: new Uint8Array(blockAndStateProof(found.shardBlock, accountKeep(found.shardBlock, found.path))),
    state,
  };
}
