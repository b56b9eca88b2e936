/**
 * Get methods on the devnet's real TVM: the @ton/sandbox emulator (WASM), run on the code, data and balance of an
 * account as stored in a sealed block, with that block's config and time — what a liteserver does for
 * liteServer.runSmcMethod. The result stack is the emulator's own VmStack BoC, passed through untouched.
 */
import { Cell, parseTuple, type Address, type ShardAccount } from '@ton/core';
import type { Blockchain } from '@ton/sandbox';
import { createHash } from 'node:crypto';
import { cellFromBoc } from '../net/lite/index.ts';

/** Largest runSmcMethod params BoC accepted (get-method arguments are small; this bounds hostile input). */
export const MAX_PARAMS_BYTES = 64 * 1024;

/** Gas limit of a get method run by the devnet liteserver. */
export const GET_METHOD_GAS_LIMIT = 1_000_000n;

export interface GetMethodRun {
  exitCode: number;
  /** VmStack cell as the TVM left it (block.tlb vm_stack). */
  stack: Cell;
  /** The emulator's own BoC of that stack (what runMethodResult.result carries, byte for byte). */
  stackBoc: Buffer;
  gasUsed: bigint;
}

export class GetMethodFailure extends Error {
  override name = 'GetMethodFailure';
}

export async function runGetMethod(args: {
  blockchain: Blockchain;
  address: Address;
  shardAccount: ShardAccount;
  methodId: number;
  /** VmStack BoC from the request (liteServer.runSmcMethod params); empty = no arguments. */
  params: Uint8Array;
  /** Config BoC (base64) of the block the method runs at. */
  configBase64: string;
  utime: number;
  /** Block root hash: seeds c7's random seed, so runs at one block are reproducible. */
  blockHash: Buffer;
}): Promise<GetMethodRun> {
  const account = args.shardAccount.account;
  const state = account?.storage.state;
  if (!account || state?.type !== 'active' || !state.state.code || !state.state.data) {
    throw new GetMethodFailure('account is not active');
  }
  if (args.params.length > MAX_PARAMS_BYTES) throw new GetMethodFailure('params too large');
  let stack;
  try {
    stack = args.params.length === 0 ? [] : parseTuple(cellFromBoc(args.params, 'params'));
  } catch {
    throw new GetMethodFailure('cannot parse params as a VmStack BoC');
  }
  const res = await args.blockchain.executor.runGetMethod({
    code: state.state.code,
    data: state.state.data,
    methodId: args.methodId,
    stack,
    config: args.configBase64,
    verbosity: 'short',
    libs: args.blockchain.libs,
    address: args.address,
    unixTime: args.utime,
    balance: account.storage.balance.coins,
    randomSeed: createHash('sha256').update(args.blockHash).digest(),
    gasLimit: GET_METHOD_GAS_LIMIT,
    debugEnabled: false,
  });
  if (!res.output.success) throw new GetMethodFailure(`TVM emulator error: ${res.output.error}`);
  return {
    exitCode: res.output.vm_exit_code,
    stack: Cell.fromBase64(res.output.stack),
    stackBoc: Buffer.from(res.output.stack, 'base64'),
    gasUsed: BigInt(res.output.gas_used),
  };
}
