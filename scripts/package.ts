/**
 * `npm run package`: builds the extension for release and writes `tonsite-gateway-<version>.zip` in the
 * repository root, ready for the Chrome Web Store (a zip with manifest.json at its top level) or to be unpacked
 * and loaded with "Load unpacked".
 *
 * - The same vite build as `npm run build` (vite.config.ts: manifest version = package.json version), into
 *   build/extension/ so that dist/ (the development build, with source maps) is left alone.
 * - No source maps unless asked: `npm run package -- --sourcemap` or TONSITE_SOURCEMAP=1.
 * - Checked before zipping: manifest.json is there with the package's version, every file the manifest names
 *   exists, and no .map file is in a build without source maps.
 * - The zip is written by scripts/zip.ts (reproducible: fixed timestamps, sorted entries).
 *
 * The e2e tests load the extension from this zip's unpacked contents (tests/e2e/browser.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeZip, type ZipEntry } from './zip.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_BUILD_DIR = resolve(ROOT, 'build/extension');

export function packageVersion(): string {
  return (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where `npm run package` writes the zip. */
export function packageZipPath(version = packageVersion()): string {
  return resolve(ROOT, `tonsite-gateway-${version}.zip`);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Files the manifest refers to (worker, pages, icons, content scripts, web-accessible resources). */
function manifestFiles(manifest: Record<string, unknown>): string[] {
  const m = manifest as {
    background?: { service_worker?: string };
    action?: { default_popup?: string; default_icon?: Record<string, string> };
    options_ui?: { page?: string };
    icons?: Record<string, string>;
    content_scripts?: { js?: string[]; css?: string[] }[];
    web_accessible_resources?: { resources?: string[] }[];
  };
  return [
    m.background?.service_worker,
    m.action?.default_popup,
    m.options_ui?.page,
    ...Object.values(m.icons ?? {}),
    ...Object.values(m.action?.default_icon ?? {}),
    ...(m.content_scripts ?? []).flatMap((c) => [...(c.js ?? []), ...(c.css ?? [])]),
    ...(m.web_accessible_resources ?? []).flatMap((w) => w.resources ?? []).filter((r) => !r.includes('*')),
  ].filter((f): f is string => typeof f === 'string');
}

/** Checks a built extension directory; returns the files to put in the zip (without build bookkeeping). */
export function checkBuild(dir: string, version: string, sourcemap: boolean): string[] {
  const manifestPath = join(dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`${manifestPath} is missing`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  if (manifest.version !== version)
    throw new Error(`manifest version ${String(manifest.version)} is not package.json's ${version}`);
  for (const file of manifestFiles(manifest)) {
    if (!existsSync(join(dir, file))) throw new Error(`the manifest names ${file}, which the build lacks`);
  }
  // vite's own bookkeeping (.vite/manifest.json) is not part of the extension.
  const files = filesUnder(dir).filter((f) => !f.startsWith('.vite/'));
  const maps = files.filter((f) => f.endsWith('.map'));
  if (!sourcemap && maps.length > 0)
    throw new Error(`source maps in a build without them: ${maps.join(', ')}`);
  return files;
}

export async function buildPackage(options: { sourcemap: boolean }): Promise<{ zip: string; files: number }> {
  const version = packageVersion();
  rmSync(PACKAGE_BUILD_DIR, { recursive: true, force: true });
  mkdirSync(PACKAGE_BUILD_DIR, { recursive: true });
  const { build } = await import('vite');
  await build({
    root: ROOT,
    configFile: resolve(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: PACKAGE_BUILD_DIR, emptyOutDir: true, sourcemap: options.sourcemap },
  });
  const files = checkBuild(PACKAGE_BUILD_DIR, version, options.sourcemap);
  const entries: ZipEntry[] = files.map((name) => ({
    name,
    data: readFileSync(join(PACKAGE_BUILD_DIR, name)),
  }));
  const zip = packageZipPath(version);
  writeFileSync(zip, writeZip(entries));
  return { zip, files: entries.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sourcemap = process.argv.includes('--sourcemap') || process.env.TONSITE_SOURCEMAP === '1';
  buildPackage({ sourcemap }).then(
    ({ zip, files }) => {
      const bytes = statSync(zip).size;
      process.stdout.write(JSON.stringify({ package: relative(ROOT, zip), files, bytes, sourcemap }) + '\n');
    },
    (error: unknown) => {
      process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
