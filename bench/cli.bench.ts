/**
 * `cli.startup`: whole-process time of the `tonsite` command as a user runs it (`node bin/tonsite.js ...`, a new
 * process each time, wall clock from spawn to exit), beside the same-run baseline `node -e ''` (Node's own
 * start). Cases:
 * - `--help`: the dispatcher alone (src/node/cli.ts loads no command for it);
 * - `fetch`: `tonsite fetch http://alice.ton/` of the devnet's small demo page (1.4 kB): DNS through the devnet's
 *   liteserver, the site's address from its DHT, HTTP over RLDP — everything a real first fetch does, on loopback;
 * - the same `--help` through tsx, as bin/tonsite.js ran before the build (the sources compiled at every run).
 *
 * The CLI is bundled first (scripts/build-cli.ts), so bin/tonsite.js runs the build of the current sources.
 * "Warm cache": every case is run once before it is timed (the OS file cache holds Node, node_modules and the
 * bundle); the figure is the median of RUNS runs, with the fastest beside it and the child's CPU time (user +
 * system, from a preload that reads process.cpuUsage() at exit).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, ROOT } from '../scripts/build-cli.ts';
import { report } from './harness.ts';

const RUNS = 7;
const TSX_RUNS = 3;

interface Run {
  ms: number;
  cpuMs: number;
  code: number | null;
  stdout: string;
}

/** One child process; `cpuProbe` is a preload that writes `{"cpu": µs}` to fd 3 when the child exits. */
function runOnce(args: string[], cpuProbe: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['--import', cpuProbe, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
    });
    let stdout = '';
    let probe = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: string) => (probe += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const cpu = probe ? (JSON.parse(probe) as { cpu: number }).cpu : NaN;
      resolve({ ms, cpuMs: cpu / 1000, code, stdout });
    });
  });
}

async function measure(
  args: string[],
  cpuProbe: string,
  runs: number,
  check: (run: Run) => void,
): Promise<{ ms: number; minMs: number; cpuMs: number }> {
  check(await runOnce(args, cpuProbe)); // warm-up: the OS file cache, the devnet's first answers
  const all: Run[] = [];
  for (let i = 0; i < runs; i++) {
    const run = await runOnce(args, cpuProbe);
    check(run);
    all.push(run);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    ms: round(median(all.map((r) => r.ms))),
    minMs: round(Math.min(...all.map((r) => r.ms))),
    cpuMs: round(median(all.map((r) => r.cpuMs))),
  };
}

const exitedZero = (run: Run) => {
  if (run.code !== 0) throw new Error(`child exited with ${run.code}: ${run.stdout.slice(0, 200)}`);
};

export default async function cliBench(): Promise<void> {
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'tonsite-cli-bench-'));
  const cpuProbe = join(dir, 'cpu-probe.mjs');
  writeFileSync(
    cpuProbe,
    "import { writeSync } from 'node:fs';\n" +
      "process.on('exit', () => { const u = process.cpuUsage(); try { writeSync(3, JSON.stringify({ cpu: u.user + u.system })); } catch {} });\n",
  );
  try {
    const baseline = await measure(['-e', ''], cpuProbe, RUNS, exitedZero);
    const emit = (name: string, figure: { ms: number; minMs: number; cpuMs: number }, runs: number) =>
      report({
        bench: 'cli.startup',
        case: name,
        value: figure.ms,
        unit: 'ms',
        minMs: figure.minMs,
        cpuMs: figure.cpuMs,
        runs,
        baseline: { case: "node -e ''", ms: baseline.ms, minMs: baseline.minMs, cpuMs: baseline.cpuMs },
      });

    const help = await measure(['bin/tonsite.js', '--help'], cpuProbe, RUNS, (run) => {
      exitedZero(run);
      if (!run.stdout.includes('Usage: tonsite')) throw new Error('no usage text from --help');
    });
    emit('--help', help, RUNS);

    // The devnet in this process: DNS contracts, DHT and the demo sites (as `tonsite devnet`), no bridge.
    const { startDevnet } = await import('../src/devnet/index.ts');
    const { devnetPlugins } = await import('../src/devnet/plugins.ts');
    const { plugins } = devnetPlugins({});
    const devnet = await startDevnet({ plugins, bridge: false, blockIntervalMs: 0, demoAccounts: false });
    try {
      const config = join(dir, 'global-config.json');
      writeFileSync(config, JSON.stringify(devnet.globalConfig));
      const url = 'http://alice.ton/';
      const fetch = await measure(
        ['bin/tonsite.js', 'fetch', url, '--network', config, '--json'],
        cpuProbe,
        RUNS,
        (run) => {
          exitedZero(run);
          const out = JSON.parse(run.stdout) as { ok: boolean; status: number; bytes: number };
          if (!out.ok || out.status !== 200)
            throw new Error(`fetch ${url} failed: ${run.stdout.slice(0, 300)}`);
        },
      );
      emit(`fetch ${url} (devnet)`, fetch, RUNS);
    } finally {
      await devnet.stop();
    }

    // Before the build: the same dispatcher compiled from TypeScript by tsx in the process.
    const viaTsx = await measure(
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        "const { main } = await import('./src/node/cli.ts'); process.exitCode = await main(['--help']);",
      ],
      cpuProbe,
      TSX_RUNS,
      exitedZero,
    );
    emit('--help through tsx (no build)', viaTsx, TSX_RUNS);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
