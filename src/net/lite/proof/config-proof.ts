/**
 * Config params bound to a trusted masterchain block (PROOFS.md §4): liteServer.configInfo for a getConfigParams
 * query without mode 0x8000. `state_proof` is a header proof of `id` (its state hash); `config_proof` a Merkle proof
 * of the masterchain state with that hash, walked ShardStateUnsplit → McStateExtra → config → param. The same two
 * steps as ton crypto/block/check-proof.cpp `check_extract_state_proof` (header proof, then "root hash mismatch in
 * the shardchain state proof"); tonutils-go ton/getconfig.go reads the same path.
 */
import type { Cell } from '@ton/core';
import { sameBlockId, type BlockIdExt, type ConfigInfo } from '../client.ts';
import { checkBlockHeaderProof, describeId } from './block-header.ts';
import { ProofError } from './errors.ts';
import { openMerkleProof, proofRoots } from './merkle.ts';
import { configParamsFromState } from './shard-state.ts';

type Id = Omit<BlockIdExt, '_'>;

/** getConfigParams mode bit: the config of the last key block, proven by a block proof (not handled here). */
export const CONFIG_MODE_FROM_KEY_BLOCK = 0x8000;

/** The fields of liteServer.configInfo that are checked. */
export type ConfigInfoAnswer = Pick<ConfigInfo, 'mode' | 'state_proof' | 'config_proof'> & { id: Id };

/**
 * The requested params proven at the trusted block (a param the config lacks is absent from the map; only the
 * value's root cell is required to be in the proof). ProofError on anything that does not verify.
 */
export function checkConfigParams(
  answer: ConfigInfoAnswer,
  trusted: Id | { id: Id },
  ids: readonly number[],
): Map<number, Cell> {
  const mc: Id = 'id' in trusted && typeof trusted.id === 'object' ? trusted.id : (trusted as Id);
  if ((answer.mode & CONFIG_MODE_FROM_KEY_BLOCK) !== 0)
    throw new ProofError(
      'config',
      'config of the last key block (mode 0x8000) is not bound to the trusted state',
    );
  if (!sameBlockId(answer.id, mc))
    throw new ProofError(
      'block-header',
      `config is for ${describeId(answer.id)}, not the trusted ${describeId(mc)}`,
    );
  const [header] = proofRoots(answer.state_proof, 1, 'config state_proof');
  const { stateHash } = checkBlockHeaderProof(header, mc, 'config state_proof');
  const [proof] = proofRoots(answer.config_proof, 1, 'config_proof');
  const state = openMerkleProof(proof, stateHash, 'config_proof');
  return configParamsFromState(state, ids, 'config_proof');
}
