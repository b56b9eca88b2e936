/**
 * Launches Debian's Chromium (never a downloaded browser) with the extension as it ships: the zip `npm run package`
 * writes (tonsite-gateway-<version>.zip), unpacked once per test process into a temporary directory.
 */
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { launchDemoBrowser } from '../../src/node/commands/demo.ts';
import { packageZipPath } from '../../scripts/package.ts';
import { readZip } from '../../scripts/zip.ts';

export { CHROMIUM } from '../../src/node/commands/demo.ts';

let unpacked: string | null = null;

/** The newest modification time of a file under `dir` (ms). */
function newestUnder(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    newest = Math.max(newest, stat.isDirectory() ? newestUnder(path) : stat.mtimeMs);
  }
  return newest;
}

/**
 * The directory Chromium loads the extension from: the package zip's contents. Throws when the zip is missing
 * or older than a source file (run `npm run package`; `npm run test:e2e` does).
 */
export function extensionDir(): string {
  if (unpacked) return unpacked;
  const zip = packageZipPath();
  let built: number;
  try {
    built = statSync(zip).mtimeMs;
  } catch {
    throw new Error(`${zip} is missing: run npm run package (the e2e tests load the packaged extension)`);
  }
  const newest = Math.max(newestUnder(resolve('src')), statSync(resolve('manifest.json')).mtimeMs);
  if (newest > built) throw new Error(`${zip} is older than the sources: run npm run package`);
  const dir = mkdtempSync(join(tmpdir(), 'tonsite-extension-'));
  for (const entry of readZip(readFileSync(zip))) {
    const path = join(dir, ...entry.name.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.data);
  }
  unpacked = dir;
  return dir;
}

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** The first-run page the worker opened on install; null unless `keepWelcome` (otherwise it is closed). */
  welcome: Page | null;
  close(): Promise<void>;
}

const isWelcome = (page: Page) => page.url().endsWith('/src/welcome/index.html');

/**
 * The same launch as `tonsite demo --headless` (one set of Chromium flags), plus the extension's worker. The
 * first-run page (opened on install) is waited for and closed unless `keepWelcome`: it messages the worker every
 * few seconds, which would wake a worker the tests stop on purpose.
 */
export async function launchWithExtension(
  options: { keepWelcome?: boolean } = {},
): Promise<ExtensionBrowser> {
  const browser = await launchDemoBrowser({ extensionDir: extensionDir(), headless: true });
  const { context } = browser;
  try {
    const worker =
      context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    const welcome =
      context.pages().find(isWelcome) ??
      (await context.waitForEvent('page', { predicate: isWelcome, timeout: 30_000 }));
    if (!options.keepWelcome) await welcome.close();
    return {
      context,
      worker,
      extensionId: browser.extensionId,
      welcome: options.keepWelcome ? welcome : null,
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** `worker.evaluate` can hang after unusual navigations (INTERCEPTION.md): always bound it. */
export async function evaluateInWorker<T>(worker: Worker, fn: () => T | Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`service worker evaluate timed out after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([worker.evaluate(fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
