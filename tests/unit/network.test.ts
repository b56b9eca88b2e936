/**
 * `--network mainnet|testnet|FILE` on every CLI network command (issue 16 item 1): mainnet by default, the same
 * built-in configs as the extension, a file by path, `--config FILE` as the older spelling. Picking a network
 * contacts nothing (these tests have no network at all).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/node/cli.ts';
import { networkFromOptions } from '../../src/node/network.ts';

const spec = (name: string): unknown => JSON.parse(readFileSync(`../shared/spec/${name}`, 'utf8'));

describe('networkFromOptions', () => {
  it('is mainnet by default, with the published mainnet config', () => {
    const net = networkFromOptions({})!;
    expect(net.name).toBe('mainnet');
    expect(net.config).toEqual(spec('global-config-mainnet.json'));
  });

  it('knows testnet by name and reads any other name as a global config file', () => {
    expect(networkFromOptions({ network: 'testnet' })!.config).toEqual(spec('global-config-testnet.json'));
    const dir = mkdtempSync(join(tmpdir(), 'tonsite-network-'));
    const file = join(dir, 'devnet.json');
    writeFileSync(file, JSON.stringify({ liteservers: [] }));
    expect(networkFromOptions({ network: file })).toEqual({ name: file, config: { liteservers: [] } });
    expect(networkFromOptions({ config: file })).toEqual({ name: file, config: { liteservers: [] } });
  });

  it('gives no network when a command may work without one (a static peer) and none was named', () => {
    expect(networkFromOptions({}, 'none')).toBeNull();
  });

  it('refuses both options at once and unreadable files with a CLI error', () => {
    expect(() => networkFromOptions({ network: 'mainnet', config: 'x.json' })).toThrow(/not both/);
    expect(() => networkFromOptions({ network: '/nonexistent/config.json' })).toThrow(/cannot read config/);
  });
});

describe('network commands document --network', () => {
  it.each(['resolve', 'fetch', 'proxy', 'status', 'bridge'])(
    'tonsite %s --help names mainnet as the default',
    async (cmd) => {
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      expect(await main([cmd, '--help'])).toBe(0);
      expect(log.mock.calls.flat().join('\n')).toMatch(
        /--network NET +mainnet \(default\), testnet, or FILE/,
      );
      log.mockRestore();
    },
  );
});
