/**
 * `extension.download` (issue 17): a large file (alice.ton's generated /large.bin, EXTENSION_BENCH_BYTES, default
 * 100 MiB) downloaded by the built extension in Debian's Chromium from the devnet (in this process), as a user
 * does it: the tab navigates to the file, the service worker streams it through the bridge to Chrome's download
 * manager (src/background/downloads.ts). The figure is MB/s from the navigation to Chrome's item `complete`;
 * `sha256_ok` compares the file on disk with the generator's; `sw_memory_growth_mb` is the service worker's
 * largest JS heap (Runtime.getHeapUsage, sampled every 250 ms through the browser's DevTools session) minus its
 * heap right before the download.
 *
 * Same-run baselines, the same file over the same bridge relay, each in a process of its own: `baseline` is the
 * gateway of `tonsite fetch --bridge` with noble crypto, as the worker has (bench/noble-fetch.ts; the issue's
 * baseline, `ratio` is against it); `cli` is `tonsite fetch URL -o FILE --bridge` itself (the built CLI, on
 * node:crypto, whole-process time).
 *
 * The extension is built first (`npm run build`, as the e2e tests use it).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CDPSession } from 'playwright-core';
import {
  configureExtension,
  launchDemoBrowser,
  openTonSite,
  startDemoNetwork,
} from '../src/node/commands/demo.ts';
import { largeFileName, largeFileSha256 } from '../src/devnet/sites/index.ts';
import { buildCli, ROOT } from '../scripts/build-cli.ts';
import { mbps, report } from './harness.ts';

const BYTES = Number(process.env.EXTENSION_BENCH_BYTES ?? 100 * 1024 * 1024);

function sha256File(path: string): Promise<string> {
  return new Promise((res, rej) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => hash.update(d))
      .on('end', () => res(hash.digest('hex')))
      .on('error', rej);
  });
}

/** `tonsite fetch` in a child process; resolves with its wall-clock seconds. */
function cliFetch(args: string[]): Promise<{ seconds: number; stdout: string }> {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/tonsite.js', 'fetch', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', rej);
    child.on('close', (code) => {
      if (code !== 0) rej(new Error(`tonsite fetch exited with ${code}: ${stdout.slice(0, 300)}`));
      else res({ seconds: (performance.now() - started) / 1000, stdout });
    });
  });
}

/** bench/noble-fetch.ts in a child process. */
function nobleFetch(
  url: string,
  config: string,
  bridge: string,
): Promise<{ seconds: number; sha256: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/noble-fetch.ts', url, config, bridge], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', rej);
    child.on('close', (code) => {
      if (code !== 0) rej(new Error(`noble-fetch exited with ${code}: ${stdout.slice(0, 300)}`));
      else res(JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; sha256: string });
    });
  });
}

/** The service worker's JS heap through a non-flat target session of the browser's DevTools connection. */
async function workerHeap(cdp: CDPSession, extensionId: string): Promise<() => Promise<number>> {
  const { targetInfos } = (await cdp.send('Target.getTargets')) as {
    targetInfos: { targetId: string; type: string; url: string }[];
  };
  const target = targetInfos.find(
    (t) => t.type === 'service_worker' && t.url.startsWith(`chrome-extension://${extensionId}/`),
  );
  if (!target) throw new Error('no service worker target');
  const { sessionId } = (await cdp.send('Target.attachToTarget', {
    targetId: target.targetId,
    flatten: false,
  })) as { sessionId: string };
  let seq = 0;
  const waiting = new Map<number, (v: { usedSize: number }) => void>();
  cdp.on('Target.receivedMessageFromTarget', (e: { sessionId: string; message: string }) => {
    if (e.sessionId !== sessionId) return;
    const m = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
    if (m.id !== undefined && m.result) waiting.get(m.id)?.(m.result);
  });
  return async () => {
    const id = ++seq;
    const answer = new Promise<{ usedSize: number }>((r) => waiting.set(id, r));
    await cdp.send('Target.sendMessageToTarget', {
      sessionId,
      message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }),
    });
    const timeout = new Promise<never>((_, j) =>
      setTimeout(() => j(new Error('heap usage timed out')), 5000),
    );
    const { usedSize } = await Promise.race([answer, timeout]);
    waiting.delete(id);
    return usedSize;
  };
}

export default async function extensionBench(): Promise<void> {
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  if (build.status !== 0) throw new Error('npm run build failed');
  await buildCli();
  const dir = mkdtempSync(join(tmpdir(), 'tonsite-extension-bench-'));
  const network = await startDemoNetwork();
  let browser: Awaited<ReturnType<typeof launchDemoBrowser>> | null = null;
  try {
    const path = `/large.bin?bytes=${BYTES}`;
    const url = `http://alice.ton${path}`;
    const sha = largeFileSha256(BYTES);

    // Baseline: the CLI over the same bridge.
    const config = join(dir, 'global-config.json');
    writeFileSync(config, JSON.stringify(network.config));
    const cliOut = join(dir, 'cli.bin');
    const cli = await cliFetch([url, '-o', cliOut, '--network', config, '--bridge', network.bridge]);
    const cliOk = (await sha256File(cliOut)) === sha;
    rmSync(cliOut, { force: true });
    const noble = await nobleFetch(url, config, network.bridge);

    browser = await launchDemoBrowser({ extensionDir: resolve(ROOT, 'dist'), headless: true });
    const b = browser;
    await configureExtension(b.context, b.extensionId, {
      bridgeUrls: [network.bridge],
      network: { name: 'devnet', config: network.config },
    });
    const folder = join(dir, 'downloads');
    const cdp = await b.context.browser()!.newBrowserCDPSession();
    await cdp.send('Browser.setDownloadBehavior', {
      behavior: 'allow',
      downloadPath: folder,
      eventsEnabled: true,
    });
    let completed: (ok: boolean) => void = () => undefined;
    const finished = new Promise<boolean>((r) => (completed = r));
    cdp.on('Browser.downloadProgress', (e: { state: string }) => {
      if (e.state === 'completed') completed(true);
      if (e.state === 'canceled') completed(false);
    });
    const page = await b.context.newPage();
    await openTonSite(page, 'http://alice.ton/');
    const heap = await workerHeap(cdp, b.extensionId);
    const before = await heap();
    let peak = before;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await heap().catch(() => peak));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const started = performance.now();
    await page.evaluate((p) => void (location.href = p), path);
    const ok = await finished;
    const seconds = (performance.now() - started) / 1000;
    sampling = false;
    await sampler;
    const shaOk = ok && (await sha256File(join(folder, largeFileName(BYTES)))) === sha;
    const value = mbps(BYTES, seconds);
    const baseline = mbps(BYTES, noble.seconds);
    const cliRate = mbps(BYTES, cli.seconds);
    report({
      bench: 'extension.download',
      value,
      unit: 'MB/s',
      bytes: BYTES,
      seconds: Math.round(seconds * 100) / 100,
      sha256_ok: shaOk,
      sw_memory_growth_mb: Math.round(((peak - before) / 1e6) * 10) / 10,
      sw_heap_before_mb: Math.round((before / 1e6) * 10) / 10,
      ratio: Math.round((value / baseline) * 100) / 100,
      baseline: {
        case: "tonsite fetch's gateway with noble crypto, --bridge",
        value: baseline,
        unit: 'MB/s',
        seconds: Math.round(noble.seconds * 100) / 100,
        sha256_ok: noble.sha256 === sha,
      },
      cli: {
        case: 'tonsite fetch -o FILE --bridge (node:crypto, whole process)',
        value: cliRate,
        unit: 'MB/s',
        seconds: Math.round(cli.seconds * 100) / 100,
        sha256_ok: cliOk,
      },
      goals: { ratio: 0.8, sw_memory_growth_mb: 64 },
    });
  } finally {
    await browser?.close();
    await network.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
