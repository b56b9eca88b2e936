import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBuild, packageVersion, packageZipPath } from '../../scripts/package.ts';
import { readZip, writeZip, ZipError } from '../../scripts/zip.ts';
import { attachFailedPage } from '../../src/loader/attach-failed.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tonsite-package-test-'));
  dirs.push(d);
  return d;
}

const text = (s: string) => new TextEncoder().encode(s);

describe('zip', () => {
  it('round-trips entries, deflated or stored', () => {
    const entries = [
      { name: 'manifest.json', data: text('{"version":"1.0.0"}'.repeat(50)) },
      { name: 'icons/icon16.png', data: new Uint8Array([137, 80, 78, 71, 1, 2, 3]) },
      { name: 'src/ü/empty.txt', data: new Uint8Array(0) },
    ];
    const zip = writeZip(entries);
    expect(readZip(zip)).toEqual(entries);
    expect(writeZip(entries)).toEqual(zip); // reproducible
  });

  it('is read by Info-ZIP unzip', () => {
    if (spawnSync('unzip', ['-v']).status !== 0) return; // not installed: the round trip above still holds
    const dir = tempDir();
    writeFileSync(join(dir, 'a.zip'), writeZip([{ name: 'd/a.txt', data: text('hello '.repeat(100)) }]));
    const r = spawnSync('unzip', ['-t', join(dir, 'a.zip')], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/No errors detected/);
  });

  it('round-trips any entries (property)', () => {
    const name = fc
      .array(fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/), { minLength: 1, maxLength: 3 })
      .filter((parts) => parts.every((p) => p !== '..' && p !== '.'))
      .map((parts) => parts.join('/'));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ name, data: fc.uint8Array({ maxLength: 2000 }) }), {
          selector: (e) => e.name,
          maxLength: 8,
        }),
        (entries) => {
          expect(readZip(writeZip(entries))).toEqual(entries);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses bad names and damaged archives with a ZipError', () => {
    for (const name of ['/abs', '../up', 'a//b', 'a\\b', ''])
      expect(() => writeZip([{ name, data: new Uint8Array(1) }])).toThrow(ZipError);
    const zip = writeZip([{ name: 'a.txt', data: text('abc'.repeat(100)) }]);
    expect(() => readZip(zip.subarray(0, zip.length - 5))).toThrow(ZipError);
    const flipped = zip.slice();
    flipped[40] ^= 0xff; // inside the deflated data
    expect(() => readZip(flipped)).toThrow(ZipError);
    expect(() => readZip(zip, 10)).toThrow(/beyond the limit/);
  });

  it('never crashes on damaged archives: entries or a ZipError (property)', () => {
    const zip = writeZip([
      { name: 'a.txt', data: text('abc'.repeat(100)) },
      { name: 'b/c.bin', data: new Uint8Array(64).fill(7) },
    ]);
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(zip.length - 1), value: fc.nat(255) }), { maxLength: 4 }),
        fc.nat(zip.length),
        (flips, cut) => {
          const damaged = zip.slice(0, Math.max(cut, zip.length - 30));
          for (const f of flips) if (f.at < damaged.length) damaged[f.at] = f.value;
          try {
            readZip(damaged);
          } catch (error) {
            expect(error).toBeInstanceOf(ZipError);
          }
        },
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          readZip(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(ZipError);
        }
      }),
    );
  });
});

describe('package', () => {
  it('is named after package.json version', () => {
    expect(packageZipPath('1.2.3')).toMatch(/\/tonsite-gateway-1\.2\.3\.zip$/);
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('checks the build: version, files the manifest names, no source maps unless asked', () => {
    const dir = tempDir();
    const manifest = {
      version: '1.2.3',
      background: { service_worker: 'sw.js' },
      icons: { '16': 'icons/i.png' },
    };
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'sw.js'), '');
    mkdirSync(join(dir, 'icons'));
    mkdirSync(join(dir, '.vite'));
    writeFileSync(join(dir, '.vite/manifest.json'), '{}');
    expect(() => checkBuild(dir, '1.2.3', false)).toThrow(/icons\/i.png/);
    writeFileSync(join(dir, 'icons/i.png'), '');
    expect(checkBuild(dir, '1.2.3', false)).toEqual(['icons/i.png', 'manifest.json', 'sw.js']);
    expect(() => checkBuild(dir, '1.2.4', false)).toThrow(/version 1.2.3/);
    writeFileSync(join(dir, 'sw.js.map'), '{}');
    expect(() => checkBuild(dir, '1.2.3', false)).toThrow(/source maps/);
    expect(checkBuild(dir, '1.2.3', true)).toContain('sw.js.map');
    expect(existsSync(join(dir, 'manifest.json'))).toBe(true);
  });
});

describe('attach-failed page', () => {
  it('says why and offers proxy mode with the command for the configured proxy address', () => {
    const page = attachFailedPage('Cannot attach to this target.', '127.0.0.1:8080');
    expect(page.text).toContain('Cannot attach to this target.');
    expect(page.text).toMatch(/policy/);
    expect(page.command).toBe('npx tonsite proxy');
    expect(page.switchLabel).toContain('127.0.0.1:8080');
    expect(attachFailedPage('x', '127.0.0.1:9090').command).toBe('npx tonsite proxy --listen 127.0.0.1:9090');
  });
});
