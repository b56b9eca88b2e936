/**
 * One devnet (started in-process) + Chromium with the built extension configured for it, shared by the tests
 * of a file. Extension messages go through an extension page, as the popup and options page send them.
 */
import type { Page } from 'playwright-core';
import {
  configureExtension,
  openTonSite,
  startDemoNetwork,
  tabIdOf,
  type DemoNetwork,
} from '../../src/node/commands/demo.ts';
import { launchWithExtension, type ExtensionBrowser } from './browser.ts';
import { startProbeSite, type ProbeSite } from './probe-site.ts';

export interface Harness {
  network: DemoNetwork;
  browser: ExtensionBrowser;
  probe: ProbeSite;
  /** An open extension page (the options page) to send messages from. */
  control: Page;
  send<T>(request: unknown): Promise<T>;
  /** Stops the extension's service worker through DevTools (ServiceWorker.stopAllWorkers). */
  stopWorker(): Promise<void>;
  /** A new tab on a TON URL, once the site (not the loader) has loaded. */
  openSite(url: string): Promise<Page>;
  tabId(url: string): Promise<number>;
  popup(tabId?: number): Promise<Page>;
  close(): Promise<void>;
}

export async function startHarness(options: Parameters<typeof startDemoNetwork>[0] = {}): Promise<Harness> {
  const network = await startDemoNetwork(options);
  let browser: ExtensionBrowser | null = null;
  let probe: ProbeSite | null = null;
  try {
    probe = await startProbeSite(network.dht, 'http://alice.ton/about.html');
    browser = await launchWithExtension();
    const b = browser;
    await configureExtension(b.context, b.extensionId, {
      bridgeUrls: [network.bridge],
      network: { name: 'devnet', config: network.config },
    });
    const base = `chrome-extension://${b.extensionId}`;
    const control = await b.context.newPage();
    await control.goto(`${base}/src/options/index.html`);
    await control.waitForSelector('body[data-ready="true"]');
    const cdp = await b.context.newCDPSession(control);
    await cdp.send('ServiceWorker.enable');
    const p = probe;
    return {
      network,
      browser: b,
      probe: p,
      control,
      send: <T>(request: unknown) =>
        control.evaluate((r) => chrome.runtime.sendMessage(r), request) as Promise<T>,
      async stopWorker() {
        await cdp.send('ServiceWorker.stopAllWorkers');
      },
      async openSite(url) {
        const page = await b.context.newPage();
        await openTonSite(page, url);
        return page;
      },
      async tabId(url) {
        const id = await tabIdOf(b.context, b.extensionId, url);
        if (id === null) throw new Error(`no tab shows ${url}`);
        return id;
      },
      async popup(tabId) {
        const page = await b.context.newPage();
        await page.goto(`${base}/src/popup/index.html${tabId === undefined ? '' : `?tab=${tabId}`}`);
        await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
        return page;
      },
      async close() {
        await b.close();
        p.close();
        await network.stop();
      },
    };
  } catch (error) {
    await browser?.close();
    probe?.close();
    await network.stop();
    throw error;
  }
}
