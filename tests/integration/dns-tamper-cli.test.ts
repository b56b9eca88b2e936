/**
 * Issue 14 "must show" at the command line: a devnet whose second liteserver forges every DNS answer
 * (`--tamper-liteserver 1`: other site records, re-hashed blocks and Merkle proofs consistent with them, the
 * honest validators' signatures since it has no keys). With a config holding only the forger, `tonsite resolve`
 * and `tonsite fetch` exit non-zero naming the proof that failed; with the forger listed first and an honest
 * server after it, the honest answer wins and is proven. `--verify cross-checked` with only the forger shows what
 * the proofs prevent: the forged record is taken.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { devnetPlugins } from '../../src/devnet/plugins.ts';
import { main } from '../../src/node/cli.ts';

let devnet: Devnet;
let forgerOnly: string;
let forgerFirst: string;
let honestOnly: string;

beforeAll(async () => {
  const { plugins } = devnetPlugins({});
  devnet = await startDevnet({
    liteservers: 2,
    tamperLiteservers: [1],
    plugins,
    bridge: false,
    blockIntervalMs: 0,
    demoAccounts: false,
  });
  for (let i = 0; i < 3; i++) devnet.seal();
  const config = devnet.globalConfig as { liteservers: unknown[] };
  const [honest, forger] = config.liteservers;
  const dir = dirname(devnet.configPath);
  forgerOnly = join(dir, 'forger-only.json');
  forgerFirst = join(dir, 'forger-first.json');
  honestOnly = join(dir, 'honest-only.json');
  writeFileSync(honestOnly, JSON.stringify({ ...config, liteservers: [honest] }));
  writeFileSync(forgerOnly, JSON.stringify({ ...config, liteservers: [forger] }));
  writeFileSync(forgerFirst, JSON.stringify({ ...config, liteservers: [forger, honest] }));
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const error = vi.spyOn(console, 'error').mockImplementation(() => {});
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, out: log.mock.calls.flat().join('\n'), err: error.mock.calls.flat().join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
    write.mockRestore();
  }
}

describe('a liteserver that forges DNS answers', () => {
  it('alone: resolve exits 1 naming the failed proof', async () => {
    for (const name of ['alice.ton', 'docs.alice.ton', 'gateway.t.me', 'static.ton']) {
      const { code, out } = await run(['resolve', name, '--config', forgerOnly, '--json']);
      expect(code, name).toBe(1);
      const json = JSON.parse(out);
      expect(json).toMatchObject({ ok: false, trust: 'proof', error: { code: 'proof_failed' } });
      expect(json.error.message).toMatch(
        /failed verification \((signature|backward-link|merkle|link|block-header)/,
      );
    }
    const text = await run(['resolve', 'alice.ton', '--config', forgerOnly]);
    expect(text.code).toBe(1);
    expect(text.err).toContain("the liteserver's answer failed verification");
  });

  it('alone: fetch exits 1 at the DNS stage naming the proof, and serves nothing', async () => {
    const { code, err } = await run(['fetch', 'http://alice.ton/', '--config', forgerOnly]);
    expect(code).toBe(1);
    expect(err).toMatch(/^tonsite fetch: \[dns\] .*failed verification/m);
  });

  it('listed before an honest server: the honest, proven answer wins', async () => {
    const honest = JSON.parse((await run(['resolve', 'alice.ton', '--config', honestOnly, '--json'])).out);
    const { code, out } = await run(['resolve', 'alice.ton', '--config', forgerFirst, '--json']);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.trust).toBe('proof');
    expect(json.resolution.answer).toEqual(honest.resolution.answer);
    expect(json.resolution.sources[0]).toContain(
      `${devnet.liteservers[0].host}:${devnet.liteservers[0].port} @`,
    );
  });

  it('without proofs (--verify cross-checked --single) the forgery would have been taken', async () => {
    const honest = JSON.parse((await run(['resolve', 'alice.ton', '--config', honestOnly, '--json'])).out);
    const { code, out } = await run([
      'resolve',
      'alice.ton',
      '--config',
      forgerOnly,
      '--json',
      '--verify',
      'cross-checked',
    ]);
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(json.trust).toBe('single-source');
    expect(json.resolution.answer).not.toEqual(honest.resolution.answer);
  });
});
