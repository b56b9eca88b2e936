/**
 * Install-and-go (issue 16 items 3, 4, 6), with the extension loaded from the package zip (browser.ts):
 * - the first-run page opens on install; with no bridge answering it shows the command that starts one, and turns
 *   green by itself once a devnet bridge starts;
 * - with two bridges configured the popup names the one in use; stopping it, pages keep loading through the
 *   other — including a request that was in flight on the stopped one — and the popup names the other;
 * - when the debugger cannot attach, the loader page explains it and switches to proxy mode on a click.
 */
import type { Page } from 'playwright-core';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  configureExtension,
  openTonSite,
  startDemoNetwork,
  tabIdOf,
  type DemoNetwork,
} from '../../src/node/commands/demo.ts';
import {
  destinationsFromGlobalConfig,
  startBridge,
  udpRelayRoute,
  type BridgeServer,
} from '../../src/node/bridge/index.ts';
import { launchWithExtension, type ExtensionBrowser } from './browser.ts';
import { startProbeSite, type ProbeSite } from './probe-site.ts';

/** Pages, popup and worker run on a shared 2-core machine: give state changes time to show. */
const POLL = { timeout: 20_000, interval: 250 };

let network: DemoNetwork;
let probe: ProbeSite;
let browser: ExtensionBrowser;
let second: BridgeServer | null = null;
let secondUrl: string;
let welcome: Page;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A second bridge of the devnet (same liteservers, the /udp relay with loopback allowed) on `port`. */
function startSecondBridge(port: number): Promise<BridgeServer> {
  return startBridge({
    host: '127.0.0.1',
    port,
    destinations: destinationsFromGlobalConfig(network.devnet.globalConfig),
    routes: [udpRelayRoute({ allowLoopback: true })],
  });
}

async function popupFor(page: Page): Promise<Page> {
  const tabId = await tabIdOf(browser.context, browser.extensionId, page.url());
  const popup = await browser.context.newPage();
  await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tab=${tabId ?? ''}`);
  await popup.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  return popup;
}

/** The HTTP status the page's document was served with (an error page has 502/504...). */
function navigationStatus(page: Page): Promise<number> {
  return page.evaluate(
    () => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).responseStatus,
  );
}

/** The bridge the popup names as in use ('' while none). */
async function bridgeInUse(): Promise<string> {
  const popup = await browser.context.newPage();
  try {
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html`);
    await popup.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    return (await popup.getAttribute('#bridge', 'data-in-use')) ?? '';
  } finally {
    await popup.close();
  }
}

beforeAll(async () => {
  network = await startDemoNetwork();
  probe = await startProbeSite(network.dht, 'http://alice.ton/about.html');
  secondUrl = `ws://127.0.0.1:${await freePort()}`;
  // The first-run page is opened by the worker's runtime.onInstalled (reason "install") in this fresh profile.
  browser = await launchWithExtension({ keepWelcome: true });
  welcome = browser.welcome!;
});

afterAll(async () => {
  await browser?.close();
  await second?.close();
  probe?.close();
  await network?.stop();
});

describe('first run', () => {
  it('shows the command to start a bridge while none answers, and turns green once one starts', async () => {
    // Only a bridge that is not running yet (the default ws://127.0.0.1:8081 may be anyone's on this machine).
    await configureExtension(browser.context, browser.extensionId, {
      bridgeUrls: [secondUrl],
      network: { name: 'devnet', config: network.config },
    });
    await welcome.waitForLoadState('load');
    expect(await welcome.textContent('h1')).toMatch(/installed/);
    expect(await welcome.textContent('body')).toMatch(/TON Sites/);
    await expect.poll(() => welcome.getAttribute('body', 'data-bridges'), POLL).toBe('none');
    expect(await welcome.isVisible('#bridge-command')).toBe(true);
    expect(await welcome.textContent('#bridge-command')).toBe('npx tonsite bridge');
    expect(await welcome.getAttribute(`#bridges li[data-url="${secondUrl}"]`, 'data-ok')).toBe('false');

    second = await startSecondBridge(Number(new URL(secondUrl).port));
    // Nothing is clicked: the page checks again by itself.
    await expect.poll(() => welcome.getAttribute('body', 'data-bridges'), POLL).toBe('ok');
    expect(await welcome.isVisible('#bridge-command')).toBe(false);
    const line = await welcome.textContent(`#bridges li[data-url="${secondUrl}"]`);
    // Measured by its /healthz (readable by the extension's origin), not only by opening a WebSocket.
    expect(line).toMatch(/\d+ ms \(healthz\)/);
  });
});

describe('two bridges', () => {
  it('the popup names the bridge in use; when it stops, pages keep loading through the other', async () => {
    const devnetBridge = network.bridge;
    await configureExtension(browser.context, browser.extensionId, {
      bridgeUrls: [devnetBridge, secondUrl],
      network: { name: 'devnet', config: network.config },
    });
    const page = await browser.context.newPage();
    await openTonSite(page, 'http://alice.ton/');
    const popup = await popupFor(page);
    const first = (await popup.getAttribute('#bridge', 'data-in-use')) ?? '';
    expect([devnetBridge, secondUrl]).toContain(first);
    expect(await popup.textContent('#bridge')).toContain(`in use: ${first}`);
    const other = first === devnetBridge ? secondUrl : devnetBridge;
    expect(await popup.textContent('#other-bridges')).toContain(other);
    await popup.close();

    // A request in flight on the bridge in use when it stops: the probe site answers /slow after 3 s.
    const probePage = await browser.context.newPage();
    await openTonSite(probePage, `${probe.origin}/`);
    const slowBefore = probe.log.filter((l) => l.startsWith('GET /slow')).length;
    await probePage.evaluate(() => {
      const w = window as unknown as { outcome: unknown };
      w.outcome = null;
      void fetch('/slow?ms=3000').then(
        async (r) => (w.outcome = { status: r.status, text: await r.text() }),
        (e: Error) => (w.outcome = { failure: String(e) }),
      );
    });
    await expect
      .poll(() => probe.log.filter((l) => l.startsWith('GET /slow')).length, POLL)
      .toBe(slowBefore + 1);

    // Stop the bridge in use (a bridge being shut down closes its streams with 1001).
    if (first === devnetBridge) await network.devnet.bridge!.close();
    else await second!.close();

    // The in-flight GET was sent again through the other bridge and answered.
    await expect
      .poll(() => probePage.evaluate(() => (window as unknown as { outcome: unknown }).outcome), POLL)
      .toEqual({ status: 200, text: expect.stringContaining('slow 3000') as unknown });
    // ...which the site saw twice: once through each bridge.
    expect(probe.log.filter((l) => l.startsWith('GET /slow')).length).toBe(slowBefore + 2);

    // The next pages load: a new name (DNS through the liteservers, DHT, RLDP) and a reload of the first one.
    const next = await browser.context.newPage();
    await openTonSite(next, 'http://docs.alice.ton/');
    expect(await navigationStatus(next)).toBe(200);
    const reloaded = await page.reload({ waitUntil: 'load' });
    expect(reloaded?.status()).toBe(200);
    expect(page.url()).toBe('http://alice.ton/');

    await expect.poll(() => bridgeInUse(), POLL).toBe(other);
  });
});

describe('when the debugger cannot attach', () => {
  it('the loader says so and offers proxy mode, with the command that starts the proxy', async () => {
    // A loader that is not a tab's top frame cannot have its tab attached: the same answer as a browser whose
    // policies forbid chrome.debugger (attach-failed), so the same page.
    const host = await browser.context.newPage();
    await host.goto(`chrome-extension://${browser.extensionId}/src/options/index.html`);
    await host.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    await host.evaluate((src) => {
      const iframe = document.createElement('iframe');
      iframe.id = 'loader';
      iframe.src = src;
      iframe.style.width = '800px';
      iframe.style.height = '600px';
      document.body.append(iframe);
    }, `chrome-extension://${browser.extensionId}/src/loader/index.html?u=http://alice.ton/`);
    const loader = host.frameLocator('#loader');
    await expect.poll(() => loader.locator('body').getAttribute('data-state'), POLL).toBe('problem');
    expect(await loader.locator('#problem-title').textContent()).toMatch(/does not let the extension/);
    expect(await loader.locator('#problem-text').textContent()).toMatch(/policy/);
    expect(await loader.locator('#problem-command').textContent()).toBe('npx tonsite proxy');

    await loader.locator('button', { hasText: 'Use proxy mode' }).click();
    await expect
      .poll(
        () =>
          host.evaluate(() =>
            chrome.runtime
              .sendMessage({ type: 'getSettings' })
              .then((r: { settings: { mode: string } }) => r.settings.mode),
          ),
        POLL,
      )
      .toBe('proxy');
    await host.evaluate(() =>
      chrome.runtime.sendMessage({ type: 'saveSettings', patch: { mode: 'gateway' } }),
    );
    await host.close();
  });
});
