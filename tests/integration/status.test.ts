/**
 * `tonsite status --json` against the devnet: in-process (main()) with a lagging and a stopped server, and the
 * real command line — `tonsite devnet` as a child process printing its one JSON line, then `tonsite status`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { main } from '../../src/node/cli.ts';
import type { StatusReport } from '../../src/node/commands/status.ts';

let devnet: Devnet;

beforeAll(async () => {
  devnet = await startDevnet({ liteservers: 3, blockIntervalMs: 0 });
});

afterAll(async () => {
  await devnet?.stop();
});

async function status(...args: string[]): Promise<{ code: number; report: StatusReport }> {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const code = await main([
      'status',
      '--config',
      devnet.configPath,
      '--json',
      '--timeout',
      '3000',
      ...args,
    ]);
    return { code, report: JSON.parse(String(log.mock.calls.at(-1)?.[0])) as StatusReport };
  } finally {
    log.mockRestore();
  }
}

describe('tonsite status', () => {
  it('reports every devnet liteserver reachable with its seqno, directly and through the bridge', async () => {
    for (const bridge of [[], ['--bridge', devnet.bridge!.url]]) {
      const { code, report } = await status(...bridge);
      expect(code).toBe(0);
      expect(report.via).toBe(bridge[1] ?? 'tcp');
      expect(report.reachable).toBe(3);
      expect(report.bestSeqno).toBe(devnet.chain.last.id.seqno);
      for (const s of report.servers) {
        expect(s.reachable).toBe(true);
        expect(s.seqno).toBe(devnet.chain.last.id.seqno);
        expect(s.lag).toBe(0);
        expect(s.latencyMs).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it('shows a frozen server lagging and a stopped one unreachable', async () => {
    devnet.liteservers[1].freeze();
    for (let i = 0; i < 10; i++) devnet.seal();
    await devnet.liteservers[2].stop();
    const { code, report } = await status();
    expect(code).toBe(0);
    const [ok, lagging, stopped] = report.servers;
    expect(ok).toMatchObject({ reachable: true, lag: 0, lagging: false });
    expect(lagging).toMatchObject({ reachable: true, lag: 10, lagging: true });
    expect(stopped.reachable).toBe(false);
    expect(stopped.error).toBeTruthy();
  });
});

describe('tonsite devnet + tonsite status as processes', () => {
  it('prints one JSON line of endpoints, serves status, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/tonsite.js', 'devnet', '--liteservers', '2'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`devnet exited early (${code})`)));
      });
      const endpoints = JSON.parse(line) as { bridge: string; config: string; liteservers: unknown[] };
      expect(endpoints.bridge).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      expect(endpoints.liteservers).toHaveLength(2);
      const run = spawnSync(
        process.execPath,
        ['bin/tonsite.js', 'status', '--config', endpoints.config, '--bridge', endpoints.bridge, '--json'],
        { encoding: 'utf8' },
      );
      expect(run.status).toBe(0);
      const report = JSON.parse(run.stdout) as StatusReport;
      expect(report.reachable).toBe(2);
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
