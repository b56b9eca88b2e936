import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayState } from '../../src/background/messages.ts';
import { evaluateInWorker, launchWithExtension, type ExtensionBrowser } from './browser.ts';

/** Pages, popup and worker run on a shared 2-core machine: give state changes time to show. */
const POLL = { timeout: 15_000 };

describe('built extension in Chromium', () => {
  let browser: ExtensionBrowser;
  let proxy: Server;
  const proxied: string[] = [];

  beforeAll(async () => {
    // Stands in for `tonsite proxy` / Tonutils-Proxy: an HTTP proxy gets absolute-form request targets.
    proxy = createServer((req, res) => {
      proxied.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><p id="via">via proxy: ${req.url}</p>`);
    });
    await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
    browser = await launchWithExtension();
  });
  afterAll(async () => {
    await browser?.close();
    proxy?.close();
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
    await expect.poll(() => popup.textContent('#enabled-label'), POLL).toBe('Gateway on');
    expect(await popup.textContent('#infobar-note')).toMatch(/started debugging this browser/);

    await toggle.click();
    await expect.poll(() => popup.textContent('#enabled-label'), POLL).toBe('Gateway off');
    await popup.close();

    // A fresh popup reads the persisted state back from the service worker's IndexedDB.
    const again = await browser.context.newPage();
    await again.goto(url);
    await again.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    expect(await again.locator('#enabled').isChecked()).toBe(false);
    await again.locator('#enabled').click();
    await expect.poll(() => again.textContent('#enabled-label'), POLL).toBe('Gateway on');
    await again.close();
  });

  it('installs the DNR session rules of the built-in gateway', async () => {
    const rules = await evaluateInWorker(browser.worker, () =>
      chrome.declarativeNetRequest.getSessionRules(),
    );
    expect(rules.map((r) => r.condition.regexFilter)).toEqual([
      expect.stringContaining('(ton|adnl|bag|t\\.me)'),
      expect.stringMatching(/^\^https:/),
    ]);
    expect(rules[0].action.redirect?.regexSubstitution).toBe(
      `chrome-extension://${browser.extensionId}/src/loader/index.html?u=\\0`,
    );
  });

  it('options page: proxy mode sends TON hosts to the HTTP proxy through a PAC script, no debugger', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    await options.waitForSelector('body[data-ready="true"]');
    expect(await options.textContent('#network-name')).toBe('mainnet');
    await options.check('input[name=mode][value=proxy]');
    await options.fill('#proxy', `127.0.0.1:${(proxy.address() as AddressInfo).port}`);
    await options.click('#save');
    await expect.poll(() => options.textContent('#save-status'), POLL).toBe('Saved.');

    const page = await browser.context.newPage();
    await page.goto('http://alice.ton/hello?x=1');
    expect(await page.textContent('#via')).toBe('via proxy: http://alice.ton/hello?x=1');
    expect(proxied).toContain('http://alice.ton/hello?x=1');
    const state = (await options.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'getState' }),
    )) as GatewayState;
    expect(state.settings.mode).toBe('proxy');
    expect(state.attachedTabs).toEqual([]);
    expect(
      await evaluateInWorker(browser.worker, () => chrome.declarativeNetRequest.getSessionRules()),
    ).toEqual([]);

    // A bad value is refused with the field named; back to the built-in gateway.
    await options.fill('#bridges', 'http://not-a-websocket');
    await options.click('#save');
    await expect.poll(() => options.textContent('#save-status'), POLL).toMatch(/ws:\/\//);
    await options.fill('#bridges', 'ws://127.0.0.1:8081');
    await options.check('input[name=mode][value=gateway]');
    await options.click('#save');
    await expect.poll(() => options.textContent('#save-status'), POLL).toBe('Saved.');
    // Back in gateway mode the loader takes the navigation; with no bridge running (mainnet settings, nothing on
    // 127.0.0.1:8081) the tab gets the error page of the bridge stage.
    await page.goto('http://alice.ton/again').catch(() => undefined);
    await page.waitForSelector('body[data-tonsite-error]', { timeout: 30_000 });
    expect(page.url()).toBe('http://alice.ton/again');
    expect(await page.getAttribute('body', 'data-tonsite-error')).toBe('bridge');
    expect(await page.textContent('#title')).toBe('The bridge is unreachable');
    expect(await page.textContent('#detail')).toMatch(/no bridge answered \(ws:\/\/127\.0\.0\.1:8081\)/);
    await Promise.all([page.close(), options.close()]);
  });

  it('options page: imports a pasted network config', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    await options.waitForSelector('body[data-ready="true"]');
    const config = {
      liteservers: [
        { ip: 2130706433, port: 4924, id: { '@type': 'pub.ed25519', key: 'A'.repeat(43) + '=' } },
      ],
    };
    await options.fill('#config-text', JSON.stringify(config));
    await options.fill('#config-name', 'my devnet');
    await options.click('#save');
    await expect.poll(() => options.textContent('#save-status'), POLL).toBe('Saved.');
    expect(await options.textContent('#network-name')).toBe('my devnet');
    expect(await options.textContent('#network-summary')).toBe('(1 liteserver, 0 DHT nodes)');
    await options.click('#use-mainnet');
    await options.click('#save');
    await expect.poll(() => options.textContent('#network-name'), POLL).toBe('mainnet');
    await options.close();
  });
});
