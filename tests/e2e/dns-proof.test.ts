/**
 * Verified DNS in the extension (issue 14): the service worker proves every `.ton` answer from the devnet's
 * init_block (block-proof chain with the validators' signatures, account-state proofs, dnsresolve computed from
 * the proven data, WebCrypto Ed25519). The devnet runs two liteservers; the second forges every DNS answer
 * (`--tamper-liteserver 1`). With both configured the honest one's proven answer is served and the popup says
 * "proof"; with only the forger, the tab gets the DNS-stage verification error page and nothing forged reaches
 * the IndexedDB DNS cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolveReply } from '../../src/background/messages.ts';
import {
  configureExtension,
  openTonSite,
  startDemoNetwork,
  tabIdOf,
  type DemoNetwork,
} from '../../src/node/commands/demo.ts';
import { evaluateInWorker, launchWithExtension, type ExtensionBrowser } from './browser.ts';

const POLL = { timeout: 20_000 };

let network: DemoNetwork;
let browser: ExtensionBrowser;
let honestAndForger: Record<string, unknown>;
let forgerOnly: Record<string, unknown>;

beforeAll(async () => {
  network = await startDemoNetwork({ liteservers: 2, tamperLiteservers: [1] });
  const liteservers = network.config.liteservers as unknown[];
  honestAndForger = network.config;
  forgerOnly = { ...network.config, liteservers: [liteservers[1]] };
  browser = await launchWithExtension();
  await configureExtension(browser.context, browser.extensionId, {
    bridgeUrls: [network.bridge],
    network: { name: 'devnet', config: honestAndForger },
  });
});

afterAll(async () => {
  await browser?.close();
  await network?.stop();
});

/** Every DNS cache entry the worker holds in IndexedDB, as JSON text. */
function dnsCacheText(): Promise<string> {
  return evaluateInWorker(
    browser.worker,
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('tonsite-dns');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('answers')) return resolve('[]');
          const all = db.transaction('answers').objectStore('answers').getAll();
          all.onsuccess = () => resolve(JSON.stringify(all.result));
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

describe('verified DNS in the service worker', () => {
  it('serves alice.ton from the proven answer; the popup shows the proof trust', async () => {
    const page = await browser.context.newPage();
    await openTonSite(page, 'http://alice.ton/');
    await page.waitForSelector('#js-status');
    const tabId = await tabIdOf(browser.context, browser.extensionId, 'http://alice.ton/');
    const popup = await browser.context.newPage();
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tab=${tabId}`);
    await popup.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    await expect.poll(() => popup.textContent('#tab-trust'), POLL).toMatch(/^proof at block \d+, from /);
    expect(await popup.textContent('#tab-trust')).toContain('config init_block');
    await Promise.all([popup.close(), page.close()]);
  });

  it('with only the forging liteserver: the verification error page, and nothing forged is cached', async () => {
    await configureExtension(browser.context, browser.extensionId, {
      bridgeUrls: [network.bridge],
      network: { name: 'devnet-forger', config: forgerOnly },
    });
    const page = await browser.context.newPage();
    await openTonSite(page, 'http://docs.alice.ton/');
    await page.waitForSelector('#title');
    expect(await page.getAttribute('body', 'data-tonsite-error')).toBe('dns');
    expect(await page.textContent('#title')).toMatch(/failed verification/);
    expect(await page.textContent('#detail')).toMatch(/failed verification \(/);
    expect(page.url()).toBe('http://docs.alice.ton/');
    expect(await dnsCacheText()).not.toContain('docs.alice.ton');

    // Back on the honest network the same name resolves to its real record, not from the cache.
    await configureExtension(browser.context, browser.extensionId, {
      bridgeUrls: [network.bridge],
      network: { name: 'devnet', config: honestAndForger },
    });
    const control = await browser.context.newPage();
    await control.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    const reply = (await control.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'resolve', name: 'docs.alice.ton' }),
    )) as ResolveReply;
    expect(reply.ok).toBe(true);
    if (reply.ok) {
      expect(reply.cached).toBe(false);
      expect(reply.trust).toBe('proof');
    }
    await Promise.all([control.close(), page.close()]);
  });
});
