/**
 * Downloads of any size streamed to disk by the extension (issue 17): a large file from an RLDP site (alice.ton's
 * generated /large.bin) and one from a TON Storage bag land in the downloads folder byte-identical (sha256) while
 * the tab keeps working; cancel from the popup leaves no complete-looking file; a seeder killed mid-way does not
 * spoil the bag download; a download failed with every seeder gone is retried from the popup and completes.
 *
 * The size is E2E_DOWNLOAD_BYTES (default 200 MiB, the issue's; measured on the shared 2-core machine at load 7:
 * 43 s from the RLDP site, 56 s from the bag, the retry test ~100 s with the swarm's 30 s revival wait).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadInfo } from '../../src/background/downloads.ts';
import type { DownloadsReply } from '../../src/background/messages.ts';
import { largeFileName, largeFileSha256 } from '../../src/devnet/sites/index.ts';
import { peerProfile } from '../../src/devnet/peers/index.ts';
import { DEVNET_SEEDER_KINDS } from '../../src/devnet/plugins.ts';
import { largeFileBag } from '../../src/devnet/storage/demo-bags.ts';
import { demoSeederKey, startSeeder, type Seeder } from '../../src/devnet/storage/index.ts';
import { hexOf } from '../../src/net/storage/index.ts';
import { evaluateInWorker } from './browser.ts';
import { startHarness, type Harness } from './harness.ts';

const SIZE = Number(process.env.E2E_DOWNLOAD_BYTES ?? 200 * 1024 * 1024);
const DONE = { timeout: 170_000, interval: 500 };

let h: Harness;
let folder: string;
let bagHost: string;
let sha: string;

beforeAll(async () => {
  const bag = largeFileBag(SIZE);
  h = await startHarness({ extraBags: [bag] });
  bagHost = `${hexOf(bag.bag.info.bagId)}.bag`;
  sha = largeFileSha256(SIZE);
  folder = mkdtempSync(join(tmpdir(), 'tonsite-downloads-'));
  // Chrome's own downloads folder (Playwright's default would name files by GUID).
  const cdp = await h.browser.context.browser()!.newBrowserCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {
    behavior: 'allow',
    downloadPath: folder,
    eventsEnabled: true,
  });
});
/** Seeders started again by the retry test (the devnet does not know them). */
const restarted: Seeder[] = [];

afterAll(async () => {
  for (const s of restarted) s.stop();
  await h?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

const downloads = async () => (await h.send<DownloadsReply>({ type: 'getDownloads' })).downloads;
const downloadOf = async (url: string): Promise<DownloadInfo | undefined> =>
  (await downloads()).filter((d) => d.url === url).pop();

function fileSha(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The extension's running service worker (a new one after stopWorker). */
async function worker(): Promise<Worker> {
  const running = h.browser.context.serviceWorkers().filter((w) => w.url().includes(h.browser.extensionId));
  return running.pop() ?? (await h.browser.context.waitForEvent('serviceworker', { timeout: 15_000 }));
}

/** What Chrome's download manager says of the item for `file` (its own record, not ours). */
async function chromeItem(file: string) {
  const items = await evaluateInWorker(await worker(), () =>
    chrome.downloads.search({ orderBy: ['startTime'] }).then((all) =>
      all.map((d) => ({
        filename: d.filename,
        state: d.state,
        totalBytes: d.totalBytes,
        error: d.error ?? null,
      })),
    ),
  );
  return items.filter((d) => d.filename.endsWith(`/${file}`)).pop();
}

/** Starts a download as a user does: the tab navigates to the file. */
async function startFrom(page: Page, path: string): Promise<void> {
  await page.evaluate((p) => void (location.href = p), path);
}

/** The tab is still on its page and still served while the file streams. */
async function tabWorks(page: Page, origin: string): Promise<void> {
  expect(new URL(page.url()).origin).toBe(origin);
  const status = await page.evaluate(() => fetch('/no-such-page').then((r) => r.status));
  expect(status).toBe(404);
}

describe('downloads stream to disk', () => {
  it(`a ${SIZE}-byte file from an RLDP site lands byte-identical; the tab keeps working`, async () => {
    const page = await h.openSite('http://alice.ton/');
    const path = `/large.bin?bytes=${SIZE}`;
    await startFrom(page, path);
    await expect
      .poll(async () => (await downloadOf(`http://alice.ton${path}`))?.state, DONE)
      .toBe('streaming');
    await tabWorks(page, 'http://alice.ton');
    const name = largeFileName(SIZE);
    await expect.poll(async () => (await chromeItem(name))?.state, DONE).toBe('complete');
    expect(await chromeItem(name)).toMatchObject({ totalBytes: SIZE, error: null });
    expect(statSync(join(folder, name)).size).toBe(SIZE);
    expect(fileSha(join(folder, name))).toBe(sha);
    const info = await downloadOf(`http://alice.ton${path}`);
    expect(info).toMatchObject({ state: 'complete', bytes: SIZE, size: SIZE });
    expect(info?.source).toMatch(/^alice\.ton: peer .* at 127\.0\.0\.1:\d+, RLDP v2$/);
    await tabWorks(page, 'http://alice.ton');
    await page.close();
  });

  it(`a ${SIZE}-byte file from a bag lands byte-identical with one of its two seeders killed mid-way`, async () => {
    const page = await h.openSite(`http://${bagHost}/`);
    const url = `http://${bagHost}/large.bin`;
    await startFrom(page, '/large.bin');
    await expect.poll(async () => (await downloadOf(url))?.bytes ?? 0, DONE).toBeGreaterThan(SIZE / 4);
    await tabWorks(page, `http://${bagHost}`);
    h.network.storage.seeders[0].stop();
    await expect.poll(async () => (await chromeItem('large.bin'))?.state, DONE).toBe('complete');
    expect(await chromeItem('large.bin')).toMatchObject({ totalBytes: SIZE, error: null });
    expect(fileSha(join(folder, 'large.bin'))).toBe(sha);
    expect(await downloadOf(url)).toMatchObject({ state: 'complete', bytes: SIZE });
    await page.close();
  });

  it('an <a download> link saves the file once: the failed item Chrome made for the site URL is removed', async () => {
    const page = await h.openSite('http://alice.ton/');
    const bytes = 8 * 1024 * 1024 + 3;
    await page.evaluate((n) => {
      const a = document.createElement('a');
      a.href = `/large.bin?bytes=${n}`;
      a.download = '';
      document.body.append(a);
      a.click();
    }, bytes);
    const name = largeFileName(bytes);
    await expect.poll(async () => (await chromeItem(name))?.state, DONE).toBe('complete');
    expect(fileSha(join(folder, name))).toBe(largeFileSha256(bytes));
    const items = async () =>
      evaluateInWorker(await worker(), () =>
        chrome.downloads.search({}).then((all) => all.map((d) => `${d.state} ${d.filename} ${d.url}`)),
      );
    await expect
      .poll(async () => (await items()).filter((i) => i.includes(`bytes=${bytes}`) || i.includes(name)), DONE)
      .toHaveLength(1);
    await tabWorks(page, 'http://alice.ton');
    await page.close();
  });

  it('cancel from the popup stops the stream and leaves no complete-looking file', async () => {
    const page = await h.openSite('http://alice.ton/');
    // Larger than the other: it is still streaming when the popup's Cancel is clicked.
    const bytes = SIZE * 4;
    const path = `/large.bin?bytes=${bytes}`;
    await startFrom(page, path);
    await expect
      .poll(async () => (await downloadOf(`http://alice.ton${path}`))?.bytes ?? 0, DONE)
      .toBeGreaterThan(0);
    const popup = await h.popup(await h.tabId('http://alice.ton/'));
    const row = popup.locator('#downloads li[data-state="streaming"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain(largeFileName(bytes));
    expect(await row.textContent()).toMatch(/MiB of .* MiB/);
    await row.locator('button.download-cancel').click();
    await expect
      .poll(async () => (await downloadOf(`http://alice.ton${path}`))?.state, DONE)
      .toBe('cancelled');
    await expect.poll(async () => (await chromeItem(largeFileName(bytes)))?.state, DONE).toBe('interrupted');
    const name = largeFileName(bytes);
    await expect.poll(() => readdirSync(folder).filter((f) => f.startsWith(name)), DONE).toEqual([]);
    expect(existsSync(join(folder, name))).toBe(false);
    await popup.close();
    await tabWorks(page, 'http://alice.ton');
    await page.close();
  });

  it('a bag download failed with every seeder gone is retried from the popup and completes', async () => {
    rmSync(join(folder, 'large.bin'), { force: true });
    // The previous test's pieces are in the piece cache (IndexedDB): without clearing it no seeder is needed.
    await h.send({ type: 'clearStorageCache' });
    const page = await h.openSite(`http://${bagHost}/`);
    const url = `http://${bagHost}/large.bin`;
    const before = (await downloads()).filter((d) => d.url === url).length;
    await startFrom(page, '/large.bin');
    await expect
      .poll(async () => (await downloads()).filter((d) => d.url === url).length, DONE)
      .toBe(before + 1);
    const seeders = h.network.storage.seeders;
    await expect.poll(async () => (await downloadOf(url))?.bytes ?? 0, DONE).toBeGreaterThan(SIZE / 8);
    const gone = seeders.map((s) => ({ key: s.keyPair, address: s.address }));
    for (const s of seeders) s.stop();
    await expect.poll(async () => (await downloadOf(url))?.state, DONE).toBe('failed');
    const failed = (await downloadOf(url))!;
    expect(failed.retryable).toBe(true);
    // Chrome marked it interrupted and removed the partial file: nothing complete-looking is left.
    await expect.poll(async () => (await chromeItem('large.bin'))?.state, DONE).toBe('interrupted');
    expect(readdirSync(folder).filter((f) => f.startsWith('large.bin'))).toEqual([]);

    const popup = await h.popup();
    const row = popup.locator(`#downloads li[data-key="${failed.key}"]`);
    await row.locator('button.download-retry').waitFor({ timeout: 15_000 });

    // The seeders come back at their addresses (the DHT still lists them).
    for (const [i, g] of gone.entries()) {
      restarted.push(
        await startSeeder({
          keyPair: g.key,
          bags: h.network.storage.bags.map((b) => b.bag),
          host: g.address.host,
          port: g.address.port,
          profile: peerProfile(DEVNET_SEEDER_KINDS[i] ?? 'ours'),
        }),
      );
      expect(restarted[i].keyPair.publicKey).toEqual(demoSeederKey(i).publicKey);
    }
    // Retry from the popup. The swarm takes a dead peer back 30 s after it died (swarm.ts reviveAfterMs): a retry
    // before that fails again, and is retried.
    await row.locator('button.download-retry').click();
    await expect
      .poll(
        async () => {
          const last = await downloadOf(url);
          if (last?.state === 'failed' && last.retryable)
            await h.send({ type: 'retryDownload', key: last.key });
          return last?.state;
        },
        { timeout: 150_000, interval: 3000 },
      )
      .toBe('complete');
    await expect.poll(async () => (await chromeItem('large.bin'))?.state, DONE).toBe('complete');
    expect(fileSha(join(folder, 'large.bin'))).toBe(sha);
    await popup.close();
    await page.close();
  }, 300_000);

  it('a download whose service worker is stopped ends interrupted, its partial file deleted', async () => {
    const page = await h.openSite('http://alice.ton/');
    const bytes = SIZE * 4 + 1;
    const path = `/large.bin?bytes=${bytes}`;
    await startFrom(page, path);
    await expect
      .poll(async () => (await downloadOf(`http://alice.ton${path}`))?.bytes ?? 0, DONE)
      .toBeGreaterThan(0);
    await h.stopWorker();
    const name = largeFileName(bytes);
    await expect.poll(async () => (await chromeItem(name))?.state, DONE).toBe('interrupted');
    await expect.poll(() => readdirSync(folder).filter((f) => f.startsWith(name)), DONE).toEqual([]);
    // The next instance serves the tab as before.
    await tabWorks(page, 'http://alice.ton');
    await page.close();
  });
});
