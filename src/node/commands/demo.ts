/**
 * `tonsite demo`: builds the extension and opens Debian's Chromium with it loaded.
 * It grows with the project: later it also starts the devnet and the bridge and opens the demo site.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { parseOptions } from '../args.ts';
import { CliError, type Command } from '../command.ts';

const CHROMIUM = '/usr/bin/chromium';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'build the extension and open Chromium with it',
  usage: [
    'Usage: tonsite demo [--headless] [--screenshot FILE] [--no-build]',
    '',
    'Builds the extension (npm run build) and launches Chromium with it loaded.',
    'Headful when a display exists; --headless (implied without $DISPLAY) runs without a window.',
    '  --screenshot FILE  write a PNG of the gateway popup and exit',
    '  --no-build         use the existing dist/',
  ].join('\n'),
  async run(args) {
    const { values } = parseOptions(args, {
      headless: { type: 'boolean', default: false },
      screenshot: { type: 'string' },
      'no-build': { type: 'boolean', default: false },
    });
    if (!existsSync(CHROMIUM)) throw new CliError(`${CHROMIUM} not found: apt-get install -y chromium`);
    if (!values['no-build']) {
      const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
      if (build.status !== 0) throw new CliError('extension build failed');
    }
    const ext = resolve('dist');
    const headless = values.headless || values.screenshot !== undefined || !process.env.DISPLAY;
    const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tonsite-demo-')), {
      executablePath: CHROMIUM,
      headless: false,
      args: [
        ...(headless ? ['--headless=new'] : []),
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--disable-extensions-except=${ext}`,
        `--load-extension=${ext}`,
      ],
      ignoreDefaultArgs: ['--disable-extensions', '--enable-automation'],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const id = new URL(worker.url()).host;
    const page = context.pages()[0] ?? (await context.newPage());
    await page.setViewportSize({ width: 360, height: 240 });
    await page.goto(`chrome-extension://${id}/src/popup/index.html`);
    await page.waitForSelector('body[data-ready="true"]');
    console.log(JSON.stringify({ extensionId: id, extension: ext, headless }));
    if (values.screenshot) {
      await page.screenshot({ path: values.screenshot });
      await context.close();
      return 0;
    }
    if (headless) {
      await context.close();
      return 0;
    }
    await new Promise<void>((done) => context.on('close', () => done()));
    return 0;
  },
};
