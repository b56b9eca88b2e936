/** Launches Debian's Chromium (never a downloaded browser) with the built extension from dist/. */
import type { BrowserContext, Worker } from 'playwright-core';
import { resolve } from 'node:path';
import { launchDemoBrowser } from '../../src/node/commands/demo.ts';

export { CHROMIUM } from '../../src/node/commands/demo.ts';
export const EXTENSION_DIR = resolve('dist');

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  close(): Promise<void>;
}

/** The same launch as `tonsite demo --headless` (one set of Chromium flags), plus the extension's worker. */
export async function launchWithExtension(): Promise<ExtensionBrowser> {
  const browser = await launchDemoBrowser({ extensionDir: EXTENSION_DIR, headless: true });
  const { context } = browser;
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  return { context, worker, extensionId: browser.extensionId, close: () => browser.close() };
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
