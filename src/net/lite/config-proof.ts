/**
 * Config params out of liteServer.configInfo.config_proof without binding it to a trusted block (the unverified
 * DNS source; proof/config-proof.ts `checkConfigParams` is the verified form). The config_proof is a BoC of a
 * Merkle proof (exotic cell type 3) of the masterchain state, pruned to the path of each requested param
 * (DIGEST §3): MerkleProof → ShardStateUnsplit → McStateExtra → config dictionary, looked up key by key. The walk
 * itself is proof/shard-state.ts `configParamsFromState`, shared with the verified form.
 */
import { CellType, type Cell } from '@ton/core';
import { cellFromBoc } from './boc.ts';
import { LiteError } from './errors.ts';
import { ProofError } from './proof/errors.ts';
import { configParamsFromState } from './proof/shard-state.ts';

/**
 * Returns the requested params found in the proof (a param the config does not contain is absent from the map).
 * LiteError('bad-answer') if the proof is malformed or prunes a requested path.
 */
export function configParamsFromProof(configProof: Uint8Array, ids: readonly number[]): Map<number, Cell> {
  const proof = cellFromBoc(configProof, 'config proof');
  if (proof.type !== CellType.MerkleProof || proof.refs.length !== 1)
    throw new LiteError('bad-answer', 'config proof is not a Merkle proof');
  try {
    return configParamsFromState(proof.refs[0], ids);
  } catch (error) {
    if (error instanceof ProofError)
      throw new LiteError('bad-answer', `config proof: ${error.message}`, { cause: error });
    throw error;
  }
}
