/** `tonsite devnet` flags of the validators, key blocks and the forging liteserver: checked before anything starts. */
import { describe, expect, it } from 'vitest';
import { CliError } from '../../../src/node/command.ts';
import { devnetCommand } from '../../../src/node/commands/devnet.ts';

async function refusal(args: string[]): Promise<CliError> {
  const error = await devnetCommand.run(args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(CliError);
  expect((error as CliError).exitCode).toBe(2);
  return error as CliError;
}

describe('tonsite devnet flags', () => {
  it('documents them', () => {
    for (const flag of [
      '--validators',
      '--validator-seed',
      '--key-block-interval',
      '--rotation-interval',
      '--simplex-from',
      '--tamper-liteserver',
    ])
      expect(devnetCommand.usage).toContain(flag);
  });

  it('refuses out-of-range values with exit code 2', async () => {
    expect((await refusal(['--tamper-liteserver', '1'])).message).toMatch(
      /--tamper-liteserver must be .* 0\.\.0/,
    );
    expect((await refusal(['--liteservers', '2', '--tamper-liteserver', '0,2'])).message).toMatch(
      /--tamper-liteserver/,
    );
    expect((await refusal(['--validators', '0'])).message).toMatch(/--validators/);
    expect((await refusal(['--key-block-interval', 'x'])).message).toMatch(/--key-block-interval/);
    expect((await refusal(['--rotation-interval', '-1'])).message).toMatch(/--rotation-interval/);
    expect((await refusal(['--simplex-from', '1.5'])).message).toMatch(/--simplex-from/);
  });
});
