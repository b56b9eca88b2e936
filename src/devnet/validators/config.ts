/**
 * The devnet's ConfigParam 34 and 28, written with the client's own builders (src/net/lite/proof/validator-set.ts),
 * and the one field of ConfigParam 28 the devnet's catchain rotation reads.
 */
import type { Cell } from '@ton/core';
import { buildCatchainConfig, buildValidatorSet } from '../../net/lite/proof/validator-set.ts';
import type { DevnetValidator } from './keys.ts';

/** ConfigParam 28: catchain_config_new#c2 with shuffle_mc_validators = true (mainnet's choice). */
export function catchainConfigCell(options: { mcCatchainLifetime: number }): Cell {
  return buildCatchainConfig({ shuffleMcValidators: true, mcCatchainLifetime: options.mcCatchainLifetime });
}

/** ConfigParam 34: validators_ext#12 of `validators` (the first `main` are the masterchain's). */
export function validatorSetCell(
  validators: readonly DevnetValidator[],
  main: number,
  utimeSince: number,
  utimeUntil: number,
): Cell {
  return buildValidatorSet({
    utimeSince,
    utimeUntil,
    main,
    validators: validators.map((v) => ({ publicKey: v.keyPair.publicKey, weight: v.weight })),
  });
}

/**
 * mc_catchain_lifetime of ConfigParam 28 (catchain_config#c1 mc_catchain_lifetime:(## 32) ... or
 * catchain_config_new#c2 flags:(## 7) shuffle_mc_validators:Bool mc_catchain_lifetime:(## 32) ...).
 */
export function mcCatchainLifetime(cell: Cell | undefined): number {
  if (!cell) return 0;
  const s = cell.beginParse();
  const tag = s.loadUint(8);
  if (tag === 0xc2) s.skip(8);
  else if (tag !== 0xc1) return 0;
  return s.loadUint(32);
}
