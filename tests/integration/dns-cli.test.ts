/**
 * `tonsite resolve` against the devnet (DNS plugin, two liteservers, the bridge): every demo name, the --json
 * shape documented in README.md, --trace, the error cases, and the real `bin/tonsite.js` once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetDnsPlugin, type DeployedDns } from '../../src/devnet/dns/index.ts';
import {
  DNS_CATEGORY_SITE,
  DNS_CATEGORY_STORAGE,
  DNS_CATEGORY_WALLET,
  recordToJson,
} from '../../src/net/dns/index.ts';
import { main } from '../../src/node/cli.ts';

let devnet: Devnet;
let dns: DeployedDns;

beforeAll(async () => {
  const plugin = devnetDnsPlugin();
  devnet = await startDevnet({ liteservers: 2, plugins: [plugin], blockIntervalMs: 0, demoAccounts: false });
  dns = await plugin.ready;
});

afterAll(async () => {
  await devnet?.stop();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const code = await main(args);
    return { code, out: log.mock.calls.flat().join('\n'), err: error.mock.calls.flat().join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const categoryName = (c: bigint) =>
  c === DNS_CATEGORY_SITE
    ? 'site'
    : c === DNS_CATEGORY_STORAGE
      ? 'storage'
      : c === DNS_CATEGORY_WALLET
        ? 'wallet'
        : null;

describe('tonsite resolve on the devnet', () => {
  it('returns the right record for every demo name and category, proven (--json)', async () => {
    for (const d of dns.names.filter((n) => !n.expired)) {
      for (const [category, record] of d.records) {
        const cat = categoryName(category) ?? category.toString(16).padStart(64, '0');
        const { code, out } = await run([
          'resolve',
          d.name,
          '--category',
          cat,
          '--config',
          devnet.configPath,
          '--json',
        ]);
        expect(code, `${d.name} ${cat}`).toBe(0);
        const json = JSON.parse(out);
        expect(json.ok).toBe(true);
        // issue 14: every hop proven from the devnet's init_block (a key block) — the demo resolvers are all
        // known DNS contract codes
        expect(json.trust, `${d.name} ${cat}`).toBe('proof');
        expect(json.anchor).toMatchObject({ source: expect.stringMatching(/init_block|key block/) });
        expect(json.block.seqno).toBeGreaterThan(0);
        expect(json.resolution.name).toBe(d.name);
        expect(json.resolution.answer).toEqual({ kind: 'record', record: recordToJson(record) });
        expect(json.resolution.sources).toHaveLength(1);
        expect(json.resolution.hops.at(-1).contract).toBe(d.item.toRawString());
      }
    }
  });

  it('--category all lists every record', async () => {
    const { code, out } = await run([
      'resolve',
      'alice.ton',
      '--category',
      'all',
      '--config',
      devnet.configPath,
      '--json',
    ]);
    expect(code).toBe(0);
    const names = JSON.parse(out).resolution.answer.records.map(
      (r: { categoryName: string }) => r.categoryName,
    );
    expect(names).toEqual(expect.arrayContaining(['site', 'wallet', 'dns_next_resolver']));
  });

  it('--trace prints every hop of a sub-domain, through the bridge', async () => {
    const { code, out } = await run([
      'resolve',
      'docs.alice.ton',
      '--config',
      devnet.configPath,
      '--bridge',
      devnet.endpoints.bridge as string,
      '--trace',
    ]);
    expect(code).toBe(0);
    const hops = out.split('\n').filter((l) => l.startsWith(';; hop'));
    expect(hops).toHaveLength(5);
    expect(hops[0]).toContain('-> 32 bits (ton), next resolver');
    expect(hops[2]).toContain('dnsresolve("\\0docs\\0") -> 8 bits (.), next resolver');
    expect(out).toMatch(/docs\.alice\.ton\tsite\tadnl [a-z2-7]{55}\.adnl/);
    expect(out).toMatch(
      /;; proof from 127\.0\.0\.1:\d+ @ masterchain seqno \d+ \(proven\) \(anchor: config init_block 1\)/,
    );
  });

  it('--verify cross-checked compares two liteservers instead of checking proofs', async () => {
    const { code, out } = await run([
      'resolve',
      'alice.ton',
      '--config',
      devnet.configPath,
      '--json',
      '--verify',
      'cross-checked',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.trust).toBe('cross-checked');
    expect(json.resolution.sources).toHaveLength(2);
    expect(
      (await run(['resolve', 'alice.ton', '--config', devnet.configPath, '--verify', 'none'])).code,
    ).toBe(2);
  });

  it('the unregistered names, an expired name and a missing record exit 1 with the error', async () => {
    for (const name of dns.unregistered) {
      const { code, out } = await run(['resolve', name, '--config', devnet.configPath, '--json']);
      expect(code, name).toBe(1);
      expect(JSON.parse(out)).toMatchObject({ ok: false, error: { code: 'not_registered' } });
    }
    const expired = await run([
      'resolve',
      'oldsite.ton',
      '--config',
      devnet.configPath,
      '--json',
      '--single',
      '--verify',
      'cross-checked',
    ]);
    expect(JSON.parse(expired.out)).toMatchObject({
      ok: false,
      trust: 'single-source',
      error: { code: 'expired' },
    });
    const provenExpired = await run(['resolve', 'oldsite.ton', '--config', devnet.configPath, '--json']);
    expect(JSON.parse(provenExpired.out)).toMatchObject({
      ok: false,
      trust: 'proof',
      error: { code: 'expired' },
    });
    const none = await run(['resolve', 'wallet-only.ton', '--config', devnet.configPath, '--trace']);
    expect(none.code).toBe(1);
    expect(none.err).toContain("wallet-only.ton has no 'site' record");
    expect(none.err).toContain(';; hop 3:');
  });

  it('usage errors exit 2', async () => {
    expect((await run(['resolve', 'a..ton', '--config', devnet.configPath])).code).toBe(2);
    expect(
      (await run(['resolve', 'alice.ton', '--config', devnet.configPath, '--category', 'web'])).code,
    ).toBe(2);
    // --network and --config name the network twice (without either it is mainnet, which tests never contact).
    expect(
      (await run(['resolve', 'alice.ton', '--network', 'testnet', '--config', devnet.configPath])).code,
    ).toBe(2);
  });

  it('works as the installed command (bin/tonsite.js)', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['bin/tonsite.js', 'resolve', 'static.ton', '--config', devnet.configPath, '--json'],
      { timeout: 60_000 },
    );
    const json = JSON.parse(stdout);
    expect(json.resolution.answer.record).toMatchObject({ type: 'storage' });
  });
});
