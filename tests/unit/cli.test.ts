import { describe, expect, it, vi } from 'vitest';
import { COMMANDS, main } from '../../src/node/cli.ts';

describe('tonsite CLI dispatch', () => {
  it('prints help listing the subcommands', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['--help'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/Usage: tonsite <command>/);
    log.mockRestore();
  });

  it('rejects an unknown subcommand with exit code 2', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(await main(['no-such-command'])).toBe(2);
    expect(err.mock.calls.flat().join('\n')).toMatch(/unknown command 'no-such-command'/);
    err.mockRestore();
  });

  it('prints per-command usage', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['demo', '--help'])).toBe(0);
    expect(log.mock.calls.flat().join('\n')).toMatch(/Usage: tonsite demo/);
    log.mockRestore();
  });

  it('lists each command under the name and summary the command itself has (loaded lazily)', async () => {
    for (const entry of COMMANDS) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({
        name: entry.name,
        summary: entry.summary,
      });
    }
  });
});
