import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateInWorker, launchWithExtension, type ExtensionBrowser } from './browser.ts';

describe('built extension in Chromium', () => {
  let browser: ExtensionBrowser;

  beforeAll(async () => {
    browser = await launchWithExtension();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('starts its MV3 service worker', async () => {
    expect(browser.extensionId).toMatch(/^[a-p]{32}$/);
    const manifest = await evaluateInWorker(browser.worker, () => chrome.runtime.getManifest());
    expect(manifest.manifest_version).toBe(3);
    expect(manifest.permissions).toEqual(
      expect.arrayContaining([
        'debugger',
        'declarativeNetRequest',
        'storage',
        'proxy',
        'tabs',
        'webNavigation',
      ]),
    );
  });

  it('renders the popup with a toggle whose state persists', async () => {
    const url = `chrome-extension://${browser.extensionId}/src/popup/index.html`;
    const popup = await browser.context.newPage();
    await popup.goto(url);
    await popup.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const toggle = popup.locator('#enabled');
    expect(await toggle.isChecked()).toBe(true);
    await expect.poll(() => popup.textContent('#enabled-label')).toBe('Gateway on');

    await toggle.click();
    await expect.poll(() => popup.textContent('#enabled-label')).toBe('Gateway off');
    await popup.close();

    // A fresh popup reads the persisted state back from the service worker's IndexedDB.
    const again = await browser.context.newPage();
    await again.goto(url);
    await again.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    expect(await again.locator('#enabled').isChecked()).toBe(false);
    await again.locator('#enabled').click();
    await expect.poll(() => again.textContent('#enabled-label')).toBe('Gateway on');
    await again.close();
  });
});
