/**
 * The built `tonsite` (scripts/build-cli.ts) and how bin/tonsite.js picks it: the bundle only while no source it
 * was made from has changed (bin/current-build.js), the TypeScript sources through tsx otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { currentCliBuild } from '../../bin/current-build.js';
import { buildCli, ROOT } from '../../scripts/build-cli.ts';

describe('currentCliBuild (bin/current-build.js)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tonsite-cli-build-'));
  const root = pathToFileURL(`${dir}/`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A fake tree: src/a.ts and src/b.ts modified at `sourcesAt`, a build that started at `startedAt`. */
  function tree(sourcesAt: number, startedAt: number, inputs = ['src/a.ts', 'src/b.ts']) {
    rmSync(join(dir, 'src'), { recursive: true, force: true });
    rmSync(join(dir, 'build'), { recursive: true, force: true });
    mkdirSync(join(dir, 'src'));
    mkdirSync(join(dir, 'build/cli'), { recursive: true });
    for (const name of ['a.ts', 'b.ts']) {
      writeFileSync(join(dir, 'src', name), '');
      utimesSync(join(dir, 'src', name), sourcesAt / 1000, sourcesAt / 1000);
    }
    writeFileSync(join(dir, 'build/cli/cli.js'), '');
    writeFileSync(join(dir, 'build/cli/inputs.json'), JSON.stringify({ startedAt, inputs }));
  }

  it('takes a build made after every input was last modified', () => {
    tree(1_000_000_000_000, 1_000_000_060_000);
    expect(currentCliBuild(root)?.href).toBe(new URL('build/cli/cli.js', root).href);
  });

  it('refuses it once an input is modified at or after the build started', () => {
    tree(1_000_000_000_000, 1_000_000_060_000);
    const later = 1_000_000_060_000 / 1000;
    utimesSync(join(dir, 'src/b.ts'), later, later);
    expect(currentCliBuild(root)).toBeNull();
  });

  it('refuses it when an input is gone, the manifest is missing or malformed', () => {
    tree(1_000_000_000_000, 1_000_000_060_000, ['src/a.ts', 'src/gone.ts']);
    expect(currentCliBuild(root)).toBeNull();
    tree(1_000_000_000_000, 1_000_000_060_000, []);
    expect(currentCliBuild(root)).toBeNull();
    tree(1_000_000_000_000, 1_000_000_060_000);
    writeFileSync(join(dir, 'build/cli/inputs.json'), '{"startedAt":');
    expect(currentCliBuild(root)).toBeNull();
    rmSync(join(dir, 'build'), { recursive: true });
    expect(currentCliBuild(root)).toBeNull();
  });
});

describe('the CLI build (scripts/build-cli.ts)', () => {
  const out = mkdtempSync(join(ROOT, '.scratch-cli-build-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('bundles a CLI that runs, loads no command for --help and keeps the devnet apart', async () => {
    const { inputs } = await buildCli(out);
    expect(inputs).toContain('src/node/cli.ts');
    expect(inputs).toContain('src/node/commands/fetch.ts');
    expect(inputs).toContain('src/devnet/index.ts');
    expect(inputs).toContain('package-lock.json');
    expect(inputs.some((p) => p.includes('node_modules'))).toBe(false);

    const run = (args: string[]) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { main } = await import(${JSON.stringify(pathToFileURL(join(out, 'cli.js')).href)});` +
            `process.exitCode = await main(${JSON.stringify(args)});`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: tonsite <command>/);
    // A devnet command's CliError (its own build, command.ts shared) is caught like any other.
    const devnet = run(['devnet', '--liteservers', '0']);
    expect(devnet.status).toBe(2);
    expect(devnet.stderr).toMatch(/tonsite devnet: --liteservers must be an integer/);

    // The dispatcher imports commands only dynamically, and the devnet commands from the devnet build.
    const cli = readFileSync(join(out, 'cli.js'), 'utf8');
    expect(cli).not.toMatch(/^import .*from "\.\/(fetch|bridge|resolve|status|proxy|bag)-/m);
    expect(cli).toContain('import("./devnet/devnet.js")');
    expect(cli).not.toContain('@ton/sandbox');
  }, 60_000);
});
