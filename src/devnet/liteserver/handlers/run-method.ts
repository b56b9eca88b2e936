/**
 * runSmcMethod (lite_api.tl line 39/95) on the sandbox's TVM (../../tvm.ts) at the requested block.
 * Mode bits answered: 0 → shard_proof + proof (as getAccountState), 1 → state_proof (MERKLE_PROOF of the whole
 * Account cell), 2 → result (the emulator's VmStack BoC). Bits 3 (init_c7) and 4 (lib_extras) are not produced and
 * are cleared in the answer's mode, so the answer stays self-consistent.
 */
import { LiteErrorCode, LiteServerError } from '../../../net/lite/errors.ts';
import type { TlCtor } from '../../../net/tl/index.ts';
import { merkleProof, serializeBocRoots } from '../../../net/tlb/index.ts';
import { GetMethodFailure, runGetMethod } from '../../tvm.ts';
import { toTlBlockIdExt } from '../block-ids.ts';
import { accountKeep, blockAndStateProof, shardProof, subtree } from '../proofs.ts';
import type { HandlerContext } from './context.ts';
import { lookupAccount } from './account.ts';

const ANSWERED_MODE_BITS = 0b111;

export async function runSmcMethod(
  fn: TlCtor<'liteServer.runSmcMethod'>,
  ctx: HandlerContext,
): Promise<TlCtor<'liteServer.runMethodResult'>> {
  const { mc, address, found } = lookupAccount(ctx, fn.id, fn.account);
  if (!found.shardAccount?.account || !found.accountCell) {
    throw new LiteServerError(LiteErrorCode.ERROR, `account ${address.toRawString()} does not exist`);
  }
  if (fn.method_id < 0n || fn.method_id > 0xffffffffn) {
    throw new LiteServerError(LiteErrorCode.PROTOVIOLATION, 'method_id out of range');
  }
  let run;
  try {
    run = await runGetMethod({
      blockchain: ctx.view.chain.blockchain,
      address,
      shardAccount: found.shardAccount,
      methodId: Number(fn.method_id),
      params: fn.params,
      configBase64: mc.configBase64 ?? ctx.view.chain.configBase64,
      utime: mc.utime,
      blockHash: mc.id.rootHash,
    });
  } catch (error) {
    if (error instanceof GetMethodFailure) throw new LiteServerError(LiteErrorCode.ERROR, error.message);
    throw error;
  }
  const mode = fn.mode & ANSWERED_MODE_BITS;
  const answer: TlCtor<'liteServer.runMethodResult'> = {
    _: 'liteServer.runMethodResult',
    mode,
    id: toTlBlockIdExt(mc),
    shardblk: toTlBlockIdExt(found.shardBlock),
    exit_code: run.exitCode,
  };
  if (mode & 1) {
    answer.shard_proof = new Uint8Array(shardProof(mc, found.shardBlock));
    answer.proof = new Uint8Array(
      blockAndStateProof(found.shardBlock, accountKeep(found.shardBlock, found.path)),
    );
  }
  if (mode & 2) {
    const accountCell = found.accountCell;
    answer.state_proof = new Uint8Array(serializeBocRoots([merkleProof(accountCell, subtree(accountCell))]));
  }
  if (mode & 4) answer.result = new Uint8Array(run.stackBoc);
  return answer;
}
