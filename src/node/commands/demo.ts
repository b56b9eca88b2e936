/**
 * `tonsite demo` (`npm run demo`, the README's main job): starts the devnet in-process (liteserver, DNS contracts,
 * DHT, the demo TON Sites, the bridge), builds the extension, launches Debian's Chromium with it, points the
 * extension at the devnet (the same saveSettings message the options page sends: bridge URL + global config) and
 * opens the demo site. Headful when a display exists; `--headless --screenshot FILE` writes a PNG and exits.
 *
 * startDemoNetwork / launchDemoBrowser / configureExtension are also what the e2e tests use.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import type { Devnet } from '../../devnet/index.ts';
import type { DevnetDhtPlugin } from '../../devnet/dht/index.ts';
import type { PeerKind } from '../../devnet/peers/index.ts';
import type { DevnetStoragePlugin } from '../../devnet/storage/index.ts';
import type { DemoBag } from '../../devnet/storage/demo-bags.ts';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';
import { siteKindsOption } from './devnet.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const DEMO_URL = 'http://alice.ton/';

export interface DemoNetwork {
  devnet: Devnet;
  /** The devnet's DHT (tests publish extra sites in it). */
  dht: DevnetDhtPlugin;
  /** The TON Storage seeders (tests stop them). */
  storage: DevnetStoragePlugin;
  bridge: string;
  /** The global config clients use (liteservers, dht). */
  config: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * The devnet with everything the demo needs (src/devnet/plugins.ts, the same list as `tonsite devnet`): DNS names,
 * DHT, the demo sites over RLDP (alice.ton, docs.alice.ton, and alice's content from a C++-like and a
 * tonutils-like site), TON Storage seeders with the static.ton site bag. `siteKinds` changes a site's peer kind.
 */
export async function startDemoNetwork(
  options: {
    bridgePort?: number;
    siteKinds?: Record<string, PeerKind>;
    /** Liteservers (default: the devnet's) and which of them forge DNS answers (`--tamper-liteserver`). */
    liteservers?: number;
    tamperLiteservers?: number[];
    extraBags?: DemoBag[];
  } = {},
): Promise<DemoNetwork> {
  // Loaded lazily: the sandbox's WASM TVM is only needed here.
  const { startDevnet } = await import('../../devnet/index.ts');
  const { devnetPlugins } = await import('../../devnet/plugins.ts');
  const { plugins, dht, storage } = devnetPlugins({
    siteKinds: options.siteKinds,
    extraBags: options.extraBags,
  });
  const devnet = await startDevnet({
    bridgePort: options.bridgePort,
    plugins,
    liteservers: options.liteservers,
    tamperLiteservers: options.tamperLiteservers,
  });
  if (!devnet.endpoints.bridge) throw new Error('devnet started without a bridge');
  return {
    devnet,
    dht,
    storage,
    bridge: devnet.endpoints.bridge,
    config: JSON.parse(readFileSync(devnet.configPath, 'utf8')) as Record<string, unknown>,
    stop: () => devnet.stop(),
  };
}

export interface DemoBrowser {
  context: BrowserContext;
  extensionId: string;
  close(): Promise<void>;
}

/** Debian's Chromium (never a downloaded browser) with the unpacked extension from `extensionDir`. */
export async function launchDemoBrowser(options: {
  extensionDir: string;
  headless: boolean;
}): Promise<DemoBrowser> {
  if (!existsSync(CHROMIUM)) throw new CliError(`${CHROMIUM} not found: apt-get install -y chromium`);
  if (!existsSync(join(options.extensionDir, 'manifest.json'))) {
    throw new CliError(`${options.extensionDir}/manifest.json is missing: run npm run build`);
  }
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'tonsite-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    viewport: { width: 1100, height: 760 },
    args: [
      ...(options.headless ? ['--headless=new'] : []),
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${options.extensionDir}`,
      `--load-extension=${options.extensionDir}`,
    ],
    ignoreDefaultArgs: ['--disable-extensions', '--enable-automation'],
  });
  const worker =
    context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  return {
    context,
    extensionId: new URL(worker.url()).host,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Points the extension at a network: the options page's own saveSettings message, sent from an extension page
 * (only extension pages may talk to the service worker).
 */
export async function configureExtension(
  context: BrowserContext,
  extensionId: string,
  settings: { bridgeUrls: string[]; network: { name: string; config: Record<string, unknown> } },
): Promise<void> {
  const page = await context.newPage();
  try {
    await page.goto(`chrome-extension://${extensionId}/src/options/index.html`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const reply = (await page.evaluate(
      (patch) => chrome.runtime.sendMessage({ type: 'saveSettings', patch }),
      settings,
    )) as { ok: boolean; error?: string };
    if (!reply.ok) throw new CliError(`the extension refused the settings: ${reply.error}`);
  } finally {
    await page.close();
  }
}

/**
 * Opens a TON URL in `page` and waits until the site itself (not the loader page in between) has loaded.
 */
export async function openTonSite(page: Page, url: string, timeoutMs = 30_000): Promise<void> {
  await page.goto(url, { timeout: timeoutMs });
  await page.waitForURL((u) => u.protocol === 'http:', { timeout: timeoutMs });
  await page.waitForLoadState('load', { timeout: timeoutMs });
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'devnet + bridge + Chromium with the extension, on the demo TON Site',
  usage: [
    'Usage: tonsite demo [--headless] [--screenshot FILE] [--popup-screenshot FILE] [--no-build] [--url URL]',
    '                    [--site-kind NAME=KIND,...]',
    '',
    'Starts the devnet (liteserver, TON DNS, DHT, demo sites alice.ton, docs.alice.ton, cpp-node.alice.ton and',
    'tonutils.alice.ton, TON Storage seeders with the static.ton bag, the bridge), builds',
    'the extension (npm run build), launches Chromium with it configured for the devnet and opens the demo site.',
    'Headful when a display exists ($DISPLAY); --headless (implied without a display) runs without a window.',
    'Runs until the browser window is closed or Ctrl-C.',
    '',
    '  --screenshot FILE        write a PNG of the demo page and exit',
    '  --popup-screenshot FILE  also write a PNG of the popup for that tab',
    '  --url URL                the page to open (default http://alice.ton/)',
    '  --no-build               use the existing dist/',
    '  --site-kind NAME=KIND    how a demo site behaves: ours, cpp or tonutils (e.g. alice=tonutils); the',
    '                           sites cpp-node.alice.ton and tonutils.alice.ton run those kinds by default',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      headless: { type: 'boolean', default: false },
      screenshot: { type: 'string' },
      'popup-screenshot': { type: 'string' },
      url: { type: 'string', default: DEMO_URL },
      'no-build': { type: 'boolean', default: false },
      'site-kind': { type: 'string' },
    });
    const siteKinds = await siteKindsOption(values['site-kind']);
    if (!existsSync(CHROMIUM)) throw new CliError(`${CHROMIUM} not found: apt-get install -y chromium`);
    if (!values['no-build']) {
      const build = spawnSync('npm', ['run', 'build', '--silent'], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (build.status !== 0) throw new CliError('extension build failed');
    }
    const shots = values.screenshot !== undefined || values['popup-screenshot'] !== undefined;
    const headless = values.headless || shots || !process.env.DISPLAY;
    const network = await startDemoNetwork({ siteKinds }).catch((error: Error) => {
      throw new CliError(`devnet failed to start: ${error.message}`);
    });
    let browser: DemoBrowser | null = null;
    try {
      browser = await launchDemoBrowser({ extensionDir: resolve('dist'), headless });
      await configureExtension(browser.context, browser.extensionId, {
        bridgeUrls: [network.bridge],
        network: { name: 'devnet', config: network.config },
      });
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await openTonSite(page, values.url);
      console.log(
        JSON.stringify({
          url: page.url(),
          title: await page.title(),
          extensionId: browser.extensionId,
          bridge: network.bridge,
          config: network.devnet.configPath,
          headless,
        }),
      );
      if (values.screenshot) await page.screenshot({ path: values.screenshot });
      if (values['popup-screenshot']) await popupScreenshot(browser, page, values['popup-screenshot']);
      if (!headless) {
        await new Promise<void>((done) => {
          browser!.context.on('close', () => done());
          process.once('SIGINT', () => done());
          process.once('SIGTERM', () => done());
        });
      }
      return 0;
    } finally {
      await browser?.close();
      await network.stop();
    }
  },
};

/** The id of the tab showing `url` (asked from an extension page, which has the tabs API). */
export async function tabIdOf(
  context: BrowserContext,
  extensionId: string,
  url: string,
): Promise<number | null> {
  const helper = await context.newPage();
  try {
    await helper.goto(`chrome-extension://${extensionId}/src/options/index.html`);
    return await helper.evaluate(
      (target) => chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === target)?.id ?? null),
      url,
    );
  } finally {
    await helper.close();
  }
}

/** The popup as it looks for `page`'s tab (opened as a page: a headless browser has no toolbar to click). */
async function popupScreenshot(browser: DemoBrowser, page: Page, file: string): Promise<void> {
  const tabId = await tabIdOf(browser.context, browser.extensionId, page.url());
  const popup = await browser.context.newPage();
  try {
    await popup.setViewportSize({ width: 448, height: 600 });
    await popup.goto(`chrome-extension://${browser.extensionId}/src/popup/index.html?tab=${tabId ?? ''}`);
    await popup.waitForSelector('body[data-connection]', { timeout: 30_000 });
    await popup.waitForSelector('#requests li', { timeout: 10_000 }).catch(() => undefined);
    // The real popup scrolls its request log; the picture shows all of it, down to the first request's stages.
    await popup.addStyleTag({ content: '#requests { max-height: none !important; }' });
    await popup.screenshot({ path: file, fullPage: true });
  } finally {
    await popup.close();
  }
}
