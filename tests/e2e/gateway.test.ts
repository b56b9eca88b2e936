/**
 * The built-in gateway end to end: Chromium with the built extension, the devnet started in-process (liteserver,
 * TON DNS contracts, DHT, the demo sites over RLDP, the bridge). Every page here came through DNR → loader →
 * chrome.debugger Fetch → the service worker's TON stack → the bridge's UDP relay → the site.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTonSite } from '../../src/node/commands/demo.ts';
import type { GatewayState, ResolveReply } from '../../src/background/messages.ts';
import { startHarness, type Harness } from './harness.ts';
import { NO_RANGE_SIZE, noRangeByte } from './probe-site.ts';

/** Pages, popup and worker run on a shared 2-core machine: give state changes time to show. */
const POLL = { timeout: 15_000 };

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('service worker TON stack', () => {
  it('holds a liteserver pool through the bridge; the popup shows the masterchain block', async () => {
    const popup = await h.popup();
    await popup.waitForSelector('body[data-connection="ok"]', { timeout: 30_000 });
    const text = await popup.textContent('#masterchain');
    expect(text).toMatch(/^seqno \d+ from 127\.0\.0\.1:\d+/);
    const seqno = Number(/seqno (\d+)/.exec(text!)![1]);
    expect(seqno).toBeGreaterThan(0);
    const ls = h.network.devnet.liteservers[0];
    expect(await popup.textContent('#liteservers')).toContain(`${ls.host}:${ls.port} ready`);
    expect(await popup.textContent('#bridge')).toContain(h.network.bridge);
    await popup.close();
  });

  it('resolves a demo name through the bridge; the second answer comes from IndexedDB, across a restart', async () => {
    const first = await h.send<ResolveReply>({ type: 'resolve', name: 'docs.alice.ton' });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.cached).toBe(false);
    expect(first.resolution.answer).toMatchObject({ kind: 'record', record: { type: 'adnl' } });
    const before = (await h.send<GatewayState>({ type: 'getState' })).workerStartedAt;

    await h.stopWorker();
    const second = await h.send<ResolveReply>({ type: 'resolve', name: 'docs.alice.ton' });
    const after = (await h.send<GatewayState>({ type: 'getState' })).workerStartedAt;
    expect(after).not.toBe(before); // a new service-worker instance answered
    expect(second.ok && second.cached).toBe(true);
    expect(second.ok && second.resolution.answer).toEqual(first.resolution.answer);

    const missing = await h.send<ResolveReply>({ type: 'resolve', name: 'nobody.ton' });
    expect(missing.ok === false && missing.error.code).toBe('not_registered');
  });
});

describe('demo site', () => {
  it('renders with its CSS, images and JS', async () => {
    const page = await h.openSite('http://alice.ton/');
    expect(await page.title()).toBe("Alice's TON Site");
    await expect.poll(() => page.textContent('#js-status'), POLL).toBe('JavaScript works on a TON Site.');
    const look = await page.evaluate(() => ({
      png: (document.getElementById('logo') as HTMLImageElement).naturalWidth,
      svg: (document.getElementById('vector') as HTMLImageElement).naturalWidth,
      styled: document.styleSheets.length > 0 && document.styleSheets[0].cssRules.length > 0,
      origin: location.origin,
    }));
    expect(look).toEqual({ png: 64, svg: expect.any(Number), styled: true, origin: 'http://alice.ton' });
    expect(look.svg).toBeGreaterThan(0);
    await page.close();
  });

  it('follows links to another page, a redirect and a second TON site; back and forward work', async () => {
    const page = await h.openSite('http://alice.ton/');
    await page.click('#about-link');
    await page.waitForSelector('#about');
    expect(page.url()).toBe('http://alice.ton/about.html');
    await page.goBack();
    await page.waitForSelector('#redirect-link');
    await page.click('#redirect-link');
    await page.waitForSelector('#about');
    expect(page.url()).toBe('http://alice.ton/about.html');
    await page.goBack();
    await page.waitForSelector('#docs-link');
    await page.click('#docs-link');
    await page.waitForSelector('#docs');
    expect(page.url()).toBe('http://docs.alice.ton/');
    await page.goBack();
    await page.waitForSelector('#docs-link');
    expect(page.url()).toBe('http://alice.ton/');
    await page.goForward();
    await page.waitForSelector('#docs');
    expect(page.url()).toBe('http://docs.alice.ton/');
    await page.close();
  });

  it('round-trips a form POST', async () => {
    const page = await h.openSite('http://alice.ton/');
    await page.fill('#message', 'hello <TON> & ünïcode');
    await page.click('#send');
    await page.waitForSelector('#echo');
    expect(page.url()).toBe('http://alice.ton/submit');
    expect(await page.textContent('#echo')).toBe('hello <TON> & ünïcode');
    // A binary body from page JS arrives byte for byte.
    const body = Array.from({ length: 3000 }, (_, i) => (i * 31) & 0xff);
    const echoed = await page.evaluate(async (bytes) => {
      const r = await fetch('/echo', { method: 'POST', body: new Uint8Array(bytes) });
      return {
        status: r.status,
        sha: r.headers.get('x-body-sha256'),
        length: (await r.arrayBuffer()).byteLength,
      };
    }, body);
    expect(echoed).toEqual({
      status: 200,
      sha: createHash('sha256').update(Uint8Array.from(body)).digest('hex'),
      length: 3000,
    });
    // A 1 MiB upload (many RLDP parts pulled by the site) arrives intact too.
    const big = await page.evaluate(async () => {
      const bytes = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
      const r = await fetch('/echo', { method: 'PUT', body: bytes });
      return {
        status: r.status,
        length: r.headers.get('x-body-length'),
        sha: r.headers.get('x-body-sha256'),
      };
    });
    const bigBody = new Uint8Array(1024 * 1024).map((_, i) => (i * 7) & 0xff);
    expect(big).toEqual({
      status: 200,
      length: String(bigBody.length),
      sha: createHash('sha256').update(bigBody).digest('hex'),
    });
    await page.close();
  });

  it('keeps cookies per site: several Set-Cookie headers land, are sent back, and only to their site', async () => {
    const page = await h.openSite('http://alice.ton/cookies');
    await page.waitForSelector('#cookies-set');
    const jar = await h.browser.context.cookies('http://alice.ton/');
    expect(jar.map((c) => c.name).sort()).toEqual(['session', 'theme', 'visited']);
    expect(jar.find((c) => c.name === 'session')?.httpOnly).toBe(true);
    await page.goto('http://alice.ton/');
    await expect.poll(() => page.textContent('#cookies'), POLL).toBe('theme=dark; visited=yes');

    // The probe site sees only its own cookies in the requests the gateway forwards.
    const probe = h.probe.origin;
    await page.goto(`${probe}/setcookie`);
    await page.waitForSelector('#set');
    const seen = await page.evaluate(async () => (await fetch('/headers')).json());
    const cookie = (seen.headers as [string, string][]).find(([n]) => n.toLowerCase() === 'cookie')?.[1];
    expect(cookie).toBe('probe=1; probe2=two');
    expect(await page.evaluate(() => document.cookie)).toBe('probe=1; probe2=two');

    await page.goto('http://docs.alice.ton/');
    await page.waitForSelector('#docs');
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.close();
  });
});

describe('TON Storage sites', () => {
  it('renders static.ton from its bag (DNS storage record), also by its .bag host', async () => {
    const page = await h.openSite('http://static.ton/');
    expect(await page.textContent('#title')).toBe('static.ton — served from a bag');
    await expect.poll(() => page.textContent('#js-status'), POLL).toBe('JavaScript from the bag works.');
    const look = await page.evaluate(() => ({
      logo: (document.getElementById('logo') as HTMLImageElement).naturalWidth,
      styled: document.styleSheets[0]?.cssRules.length > 0,
    }));
    expect(look).toEqual({ logo: expect.any(Number), styled: true });
    expect(look.logo).toBeGreaterThan(0);
    await page.click('#docs-link');
    await page.waitForURL('http://static.ton/docs/');

    const bag = h.network.storage.bags.find((b) => b.domain === 'static.ton')!;
    const bagHost = `${Buffer.from(bag.bag.info.bagId).toString('hex')}.bag`;
    await openTonSite(page, `http://${bagHost}/about.html`);
    expect(page.url()).toBe(`http://${bagHost}/about.html`);
    expect(await page.title()).not.toBe('');

    const popup = await h.popup(await h.tabId(page.url()));
    await expect.poll(() => popup.textContent('#tab-bag'), POLL).toBe(bagHost.slice(0, 64));
    await popup.close();
    await page.close();
  });
});

describe('TON Storage sites, seeders gone', () => {
  it('reads a bag site again from the IndexedDB piece cache after its seeders stopped and a worker restart', async () => {
    const page = await h.openSite('http://static.ton/');
    await expect.poll(() => page.textContent('#js-status'), POLL).toBe('JavaScript from the bag works.');
    for (const seeder of h.network.storage.seeders) seeder.stop();
    await h.stopWorker();
    const reloadedAt = Date.now();
    await page.reload();
    await page.waitForSelector('#title', { timeout: 60_000 });
    expect(await page.textContent('#title')).toBe('static.ton — served from a bag');
    await expect.poll(() => page.textContent('#js-status'), POLL).toBe('JavaScript from the bag works.');
    // The document really went through the (new) worker's gateway, not the browser's HTTP cache. The worker
    // records a request after answering it (its log comes once the body was read): the page may render first.
    const tabId = await h.tabId('http://static.ton/');
    const served = async () => {
      const state = await h.send<GatewayState>({ type: 'getState', tabId });
      return state
        .tab!.requests.filter(
          (r) => r.url === 'http://static.ton/' && r.resourceType === 'Document' && r.startedAt >= reloadedAt,
        )
        .map((r) => r.status);
    };
    // (Its entry vanished now and then: a new worker read the tab's state back twice at once and kept the copy
    // without it — fixed in tab-state.ts, tests/unit/background/tab-state.test.ts.)
    await expect.poll(served, POLL).toEqual([200]);
    await page.close();
  });

  it('shows the piece cache in the options page and the popup; Clear empties it', async () => {
    const options = await h.browser.context.newPage();
    await options.goto(`chrome-extension://${h.browser.extensionId}/src/options/index.html`);
    const usage = () => options.getAttribute('#storage-cache-usage', 'data-bytes').then(Number);
    await expect.poll(usage, POLL).toBeGreaterThan(0);
    expect(await options.textContent('#storage-cache-usage')).toMatch(/^[\d.]+ (B|KiB|MiB) of 128 MiB$/);
    expect(await options.textContent('#storage-cache-counts')).toMatch(/^[1-9]\d* pieces?, [1-9]\d* bags?$/);
    const popup = await h.popup();
    await expect
      .poll(() => popup.getAttribute('#storage-cache', 'data-bytes').then(Number), POLL)
      .toBe(await usage());

    await options.click('#clear-storage-cache');
    await expect.poll(() => options.textContent('#storage-cache-status'), POLL).toBe('Cleared.');
    expect(await options.textContent('#storage-cache-usage')).toBe('0 B of 128 MiB');
    expect(await options.textContent('#storage-cache-counts')).toBe('0 pieces, 0 bags');
    // The popup polls every 2 s.
    await expect.poll(() => popup.textContent('#storage-cache'), POLL).toBe('Storage cache: 0 B of 128 MiB');
    await Promise.all([popup.close(), options.close()]);
  });
});

describe('security', () => {
  it('gives page JS no extension API', async () => {
    const page = await h.openSite('http://alice.ton/');
    const api = await page.evaluate(() => {
      const c = (globalThis as { chrome?: { runtime?: { id?: string }; storage?: unknown; tabs?: unknown } })
        .chrome;
      return { id: c?.runtime?.id, storage: c?.storage === undefined, tabs: c?.tabs === undefined };
    });
    expect(api).toEqual({ id: undefined, storage: true, tabs: true });
    await page.close();
  });

  it("keeps one TON site from reading another's localStorage and cookies", async () => {
    const page = await h.openSite('http://alice.ton/');
    await page.evaluate(() => localStorage.setItem('secret', 'alice-only'));
    await page.goto('http://docs.alice.ton/');
    await page.waitForSelector('#docs');
    const view = await page.evaluate(async () => {
      let crossRead: string;
      try {
        crossRead = await (await fetch('http://alice.ton/cookies', { credentials: 'include' })).text();
      } catch (error) {
        crossRead = `blocked: ${(error as Error).name}`;
      }
      return { secret: localStorage.getItem('secret'), cookie: document.cookie, crossRead };
    });
    expect(view.secret).toBeNull();
    expect(view.cookie).toBe('');
    expect(view.crossRead).toMatch(/^blocked/); // CORS: the site sent no Access-Control-Allow-Origin
    await page.close();
  });
});

describe('gateway plumbing', () => {
  it('serves a cross-site iframe through its own debugger session', async () => {
    const page = await h.openSite(`${h.probe.origin}/iframe`);
    await page.waitForSelector('#outer');
    const frame = page.frames().find((f) => f.url() === 'http://alice.ton/about.html');
    expect(frame).toBeDefined();
    await frame!.waitForSelector('#about', { timeout: 20_000 });
    expect(await frame!.textContent('#about')).toBe('About Alice');
    await page.close();
  });

  it('answers Range requests in bounded windows (206), also for a site that ignores Range', async () => {
    const page = await h.openSite('http://alice.ton/');
    const big = await page.evaluate(async () => {
      const r = await fetch('/big.bin', { headers: { Range: 'bytes=1000-' } });
      return {
        status: r.status,
        range: r.headers.get('content-range'),
        length: (await r.arrayBuffer()).byteLength,
      };
    });
    expect(big).toEqual({ status: 206, range: 'bytes 1000-4195303/20971520', length: 4 * 1024 * 1024 });

    await page.goto(`${h.probe.origin}/`);
    await page.waitForSelector('#probe');
    const cut = await page.evaluate(async () => {
      const r = await fetch('/norange', { headers: { Range: 'bytes=1000000-' } });
      const bytes = new Uint8Array(await r.arrayBuffer());
      return {
        status: r.status,
        range: r.headers.get('content-range'),
        length: bytes.length,
        head: [...bytes.slice(0, 4)],
      };
    });
    const start = 1_000_000;
    expect(cut).toEqual({
      status: 206,
      range: `bytes ${start}-${NO_RANGE_SIZE - 1}/${NO_RANGE_SIZE}`,
      length: NO_RANGE_SIZE - start,
      head: [0, 1, 2, 3].map((i) => noRangeByte(start + i)),
    });

    const huge = await page.evaluate(async () => {
      const r = await fetch('/huge');
      return { status: r.status, stage: r.headers.get('x-tonsite-error') };
    });
    expect(huge).toEqual({ status: 502, stage: 'too-large' });
    await page.close();
  });

  it('shows an error page per failure stage, with the detail and a retry', async () => {
    const page = await h.browser.context.newPage();
    const cases: [string, string, RegExp][] = [
      ['http://nobody.ton/', 'dns', /nobody\.ton is not registered/],
      ['http://wallet-only.ton/', 'dns', /has no site record/],
      ['http://oldsite.ton/', 'dns', /has expired/],
      ['http://blog.docs.alice.ton/', 'dht', /server of blog\.docs\.alice\.ton was not found/],
      [`http://${'5e'.repeat(32)}.bag/`, 'storage', /^Nobody seeds [0-9a-f]{64}\.bag$/],
    ];
    for (const [url, stage, title] of cases) {
      await openTonSite(page, url);
      await page.waitForSelector('#title');
      expect(await page.getAttribute('body', 'data-tonsite-error')).toBe(stage);
      expect(await page.textContent('#title')).toMatch(title);
      expect((await page.textContent('#detail'))!.length).toBeGreaterThan(0);
      expect(await page.isVisible('#retry')).toBe(true);
      expect(page.url()).toBe(url);
    }
    // Retry reloads the same URL through the gateway.
    await page.click('#retry');
    await page.waitForSelector('#title');
    expect(page.url()).toBe(cases[cases.length - 1][0]);

    await page.goto('https://alice.ton/');
    await page.waitForSelector('body[data-state="problem"]');
    expect(await page.textContent('#problem-title')).toBe('TON Sites use http://, not https://');
    await page.click('#problem-actions a');
    await page.waitForURL('http://alice.ton/');
    await page.waitForSelector('#js-status');
    await page.close();
  });

  it("lists the tab's requests in the popup with their stages and durations", async () => {
    const page = await h.openSite('http://docs.alice.ton/');
    await page.waitForSelector('#docs');
    const tabId = await h.tabId('http://docs.alice.ton/');
    const popup = await h.popup(tabId);
    await popup.waitForSelector('#requests li');
    const entries = await popup.$$eval('#requests li', (items) =>
      items.map((li) => ({
        text: li.textContent ?? '',
        stages: [...li.querySelectorAll('.stage')].map((s) => (s as HTMLElement).dataset.stage),
      })),
    );
    const doc = entries.find((e) => /^#\d+ GET docs\.alice\.ton\/ → 200/.test(e.text));
    expect(doc?.stages).toEqual(expect.arrayContaining(['dns', 'request', 'body']));
    expect(doc?.text).toMatch(/request [\d.]+ ms/);
    expect(entries.some((e) => /^#\d+ GET docs\.alice\.ton\/style\.css → 200/.test(e.text))).toBe(true);
    expect(await popup.textContent('#tab-host')).toBe('docs.alice.ton');
    expect(await popup.textContent('#tab-record')).toMatch(/^adnl [a-z0-9]{55}\.adnl$/);
    expect(await popup.textContent('#tab-source')).toMatch(/^127\.0\.0\.1:\d+ .*\(proof, \d+ hops/);
    expect(await popup.textContent('#tab-peer')).toMatch(/\.adnl at 127\.0\.0\.1:\d+$/);
    expect(await popup.textContent('#tab-rldp')).toMatch(/^v1/); // docs.alice.ton speaks RLDP v1 only
    await popup.close();
    await page.close();
  });

  it('detaches a tab that leaves TON hosts, and attaches it again when it comes back', async () => {
    const page = await h.openSite('http://alice.ton/about.html');
    const tabId = await h.tabId('http://alice.ton/about.html');
    expect((await h.send<GatewayState>({ type: 'getState' })).attachedTabs).toContain(tabId);
    await page.goto('data:text/html,<p id="plain">a plain page</p>');
    await expect
      .poll(async () => (await h.send<GatewayState>({ type: 'getState' })).attachedTabs, POLL)
      .not.toContain(tabId);
    await page.goBack();
    await page.waitForURL('http://alice.ton/about.html');
    await page.waitForSelector('#about');
    expect((await h.send<GatewayState>({ type: 'getState' })).attachedTabs).toContain(tabId);
    await page.close();
    await expect
      .poll(async () => (await h.send<GatewayState>({ type: 'getState' })).attachedTabs, POLL)
      .not.toContain(tabId);
  });

  it('keeps working after the service worker is stopped mid-session', async () => {
    const page = await h.openSite('http://alice.ton/');
    const before = (await h.send<GatewayState>({ type: 'getState' })).workerStartedAt;
    await h.stopWorker();
    await page.click('#about-link');
    await page.waitForSelector('#about', { timeout: 30_000 });
    await page.goBack();
    await page.waitForSelector('#docs-link');
    await page.click('#docs-link');
    await page.waitForSelector('#docs', { timeout: 30_000 });
    const after = (await h.send<GatewayState>({ type: 'getState' })).workerStartedAt;
    expect(after).not.toBe(before);
    // The new worker instance still knows the tab and records what it serves.
    const docsTab = await h.tabId('http://docs.alice.ton/');
    const popup = await h.popup(docsTab);
    await expect.poll(() => popup.textContent('#tab-host'), POLL).toBe('docs.alice.ton');
    await expect.poll(() => popup.textContent('#tab-record'), POLL).toMatch(/^adnl /);
    await popup.close();
    await page.close();
  });

  it('toggle off: TON URLs are not intercepted; on again: they are, without reloading the extension', async () => {
    const page = await h.openSite('http://alice.ton/');
    const popup = await h.popup();
    await popup.click('#enabled');
    await expect.poll(() => popup.textContent('#enabled-label'), POLL).toBe('Gateway off');
    expect((await h.send<GatewayState>({ type: 'getState' })).attachedTabs).toEqual([]);

    const off = await h.browser.context.newPage();
    const error = await off.goto('http://alice.ton/about.html').then(
      () => null,
      (e: Error) => e.message,
    );
    expect(error).toMatch(/ERR_NAME_NOT_RESOLVED/);
    // The tab that was on the site is not served any more either.
    expect(
      await page.evaluate(() =>
        fetch('/app.js').then(
          () => 'served',
          () => 'failed',
        ),
      ),
    ).toBe('failed');

    await popup.click('#enabled');
    await expect.poll(() => popup.textContent('#enabled-label'), POLL).toBe('Gateway on');
    // From a fresh page: navigating away from Chromium's own error page raced the redirect once in ~10 runs under
    // load (the navigation ended on chrome-error://); that edge is noted, not what this test is about.
    // (Leaving that page for about:blank raced its own chrome-error:// navigation too: a new page is used.)
    await off.close();
    const on = await h.browser.context.newPage();
    await openTonSite(on, 'http://alice.ton/about.html');
    await on.waitForSelector('#about');
    await Promise.all([on.close(), page.close(), popup.close()]);
  });
});
