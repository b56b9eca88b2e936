/**
 * `npm run build:cli` (also `prepare`, so `npm ci` runs it): bundles the `tonsite` command's sources
 * (src/node/cli.ts and everything it imports) into build/cli/ with esbuild, so that bin/tonsite.js starts plain
 * JavaScript instead of compiling TypeScript through tsx at every run (`npm run bench -- cli`).
 *
 * - Two builds. The main one (build/cli/cli.js and its chunks) bundles npm packages too, so `tonsite fetch`
 *   loads a few files instead of @ton/core, noble and ws file by file. The commands that run the devnet
 *   (build/cli/devnet/) keep every package external: @ton/sandbox uses the @ton/core of node_modules, and a
 *   second copy of its classes would fail its instanceof checks. src/node/command.ts (CliError) is shared.
 * - Code splitting: every `await import()` of a command (src/node/cli.ts loads each command lazily) and of the
 *   devnet is its own chunk, so `tonsite --help` loads only the dispatcher and `tonsite fetch` never the sandbox.
 * - `import.meta.url` keeps meaning the SOURCE file's URL: the devnet finds its data files (demo sites, demo
 *   domains, ../shared/spec/dns.json) beside its sources, and those are not copied into the bundle.
 * - build/cli/inputs.json lists every file of ours the bundle was made from (and package-lock.json) and when the
 *   build started; bin/tonsite.js runs the bundle only when no input changed since, otherwise the sources through
 *   tsx. So after editing src/, `tonsite` is correct at once and fast again after `npm run build:cli`.
 *   `npm run build` (the extension) does not rebuild the CLI: `tonsite demo` runs it while running from build/cli.
 * - Source maps are linked, not enabled: `node --enable-source-maps bin/tonsite.js ...` maps stack traces to
 *   src/ (enabling them always would cost every run ~25 ms of CPU).
 */
import { build, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI_OUT_DIR = resolve(ROOT, 'build/cli');
export const CLI_ENTRY = 'src/node/cli.ts';

/** What bin/tonsite.js reads to decide whether the bundle is current. */
export interface CliBuildManifest {
  /** Date.now() when the build started: a source modified at or after it may not be in the bundle. */
  startedAt: number;
  /** Repository-relative '/'-separated paths of every file bundled (sources and package.json). */
  inputs: string[];
}

const posix = (path: string) => path.split(sep).join('/');

/** Rewrites `import.meta.url` in a source to that source's own URL, computed from the chunk's URL at run time. */
function sourceImportMetaUrl(outDir: string): Plugin {
  return {
    name: 'source-import-meta-url',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        // Every chunk lands directly in outDir, so one relative path serves whichever chunk the module ends in.
        const fromChunk = JSON.stringify(posix(relative(outDir, args.path)));
        return {
          contents: text.replaceAll('import.meta.url', `new URL(${fromChunk}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

/**
 * Commands that run the devnet (TVM from @ton/sandbox): built apart with every npm package external, so that the
 * devnet and @ton/sandbox share the one @ton/core of node_modules (two copies would fail its instanceof checks).
 */
const DEVNET_COMMANDS = ['demo', 'devnet'];

/** Packages never bundled: large, only for the devnet or the demo, or optional native add-ons of ws. */
const EXTERNAL = [
  '@ton/sandbox',
  '@ton-community/func-js',
  'playwright-core',
  'vite',
  'bufferutil',
  'utf-8-validate',
];

/** In the main build, the devnet commands are the other build's entries; command.ts (CliError) is shared. */
function devnetCommandsElsewhere(): Plugin {
  const commands = new RegExp(`^\\./commands/(${DEVNET_COMMANDS.join('|')})\\.ts$`);
  return {
    name: 'devnet-commands-elsewhere',
    setup(b) {
      b.onResolve({ filter: commands }, (args) => ({
        path: `./devnet/${commands.exec(args.path)![1]}.js`,
        external: true,
      }));
    },
  };
}

/** In the devnet build, src/node/command.ts is the main build's (one CliError class for cli.ts to catch). */
function sharedCommandModule(): Plugin {
  return {
    name: 'shared-command-module',
    setup(b) {
      b.onResolve({ filter: /\/command\.ts$/ }, (args) =>
        resolve(args.resolveDir, args.path) === resolve(ROOT, 'src/node/command.ts')
          ? { path: '../command.js', external: true }
          : undefined,
      );
    },
  };
}

/** Bundles the CLI into `outDir` (default build/cli) and writes its manifest; returns the manifest. */
export async function buildCli(outDir = CLI_OUT_DIR): Promise<CliBuildManifest> {
  const startedAt = Date.now();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  } as const;
  // Everything but the devnet, npm packages included: one module graph of a few files loads ~90 ms faster
  // than @ton/core, noble and ws file by file. Their CommonJS parts call require(): give them Node's.
  const main = await build({
    ...common,
    entryPoints: { cli: CLI_ENTRY, command: 'src/node/command.ts' },
    outdir: outDir,
    external: EXTERNAL,
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
    plugins: [devnetCommandsElsewhere(), sourceImportMetaUrl(outDir)],
  });
  const devnetDir = resolve(outDir, 'devnet');
  const devnet = await build({
    ...common,
    entryPoints: Object.fromEntries(DEVNET_COMMANDS.map((c) => [c, `src/node/commands/${c}.ts`])),
    outdir: devnetDir,
    packages: 'external',
    plugins: [sharedCommandModule(), sourceImportMetaUrl(devnetDir)],
  });
  // npm packages are bundled too: a changed lock (npm install) makes the build stale like a changed source.
  const inputs = [
    ...new Set([
      ...Object.keys(main.metafile.inputs),
      ...Object.keys(devnet.metafile.inputs),
      'package-lock.json',
    ]),
  ]
    .filter((path) => !path.split('/').includes('node_modules'))
    .sort();
  const manifest: CliBuildManifest = { startedAt, inputs };
  writeFileSync(resolve(outDir, 'inputs.json'), `${JSON.stringify(manifest)}\n`);
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { inputs } = await buildCli();
  const ms = Math.round(performance.now() - started);
  console.log(`build:cli: ${relative(ROOT, CLI_OUT_DIR)}/cli.js from ${inputs.length} files in ${ms} ms`);
}
