/**
 * `tonsite bridge` with no flags (issue 16: install and go): it starts on the built-in mainnet config, prints its
 * JSON line and stops cleanly on SIGTERM, contacting nothing (only a client's request would make it connect; no
 * client connects here, and no machine here reaches mainnet). Only --listen is given, to take a free port.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('tonsite bridge with no network flags', () => {
  it('serves mainnet by default, prints its JSON line and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['bin/tonsite.js', 'bridge', '--listen', '127.0.0.1:0', '--quiet'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const out = JSON.parse(line) as { bridge: string; network: string; liteservers: number };
    expect(out.network).toBe('mainnet');
    expect(out.liteservers).toBeGreaterThan(0);
    expect(out.bridge).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
