/**
 * Requests that outlive the service worker (issue 15 item 5). The worker is stopped through DevTools while a slow
 * response of the probe site is in flight, its request paused in the debugger's Fetch domain. Chromium keeps such
 * a request paused with no timeout and sends no new event for it (measured: held-requests.ts), so without help it
 * hangs until reload. Here every one of them completes (GET, served again by the new worker instance) or gets the
 * error page (POST, never sent twice) within a few seconds, woken by the page's content script, and the tab keeps
 * working. Nothing in these tests messages the worker between the stop and the answer: that would wake it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayState } from '../../src/background/messages.ts';
import { startHarness, type Harness } from './harness.ts';

/** "Within a few seconds" of the stop: the site's 3 s delay once more, plus the worker's restart. */
const ANSWERED = { timeout: 10_000, interval: 100 };
const SLOW_MS = 3000;

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Outcome {
  status?: number;
  error?: string | null;
  text?: string;
  failure?: string;
}

/** Starts `fetch(path)` in the page; its outcome lands in window.outcome. */
async function startFetch(page: Page, path: string, init: RequestInit = {}): Promise<void> {
  await page.evaluate(
    ([path, init]) => {
      const w = window as unknown as { outcome: Outcome | null };
      w.outcome = null;
      void fetch(path, init).then(
        async (r) =>
          (w.outcome = { status: r.status, error: r.headers.get('X-Tonsite-Error'), text: await r.text() }),
        (e: Error) => (w.outcome = { failure: String(e) }),
      );
    },
    [path, init] as const,
  );
}

const outcome = (page: Page) =>
  page.evaluate(() => (window as unknown as { outcome: Outcome | null }).outcome);

/** Waits until the probe site has received `request` `times` times: the response is then in flight. */
async function received(request: string, times = 1): Promise<void> {
  await expect
    .poll(() => h.probe.log.filter((r) => r === request).length, { timeout: 30_000, interval: 50 })
    .toBeGreaterThanOrEqual(times);
}

const workerStartedAt = async () => (await h.send<GatewayState>({ type: 'getState' })).workerStartedAt;

describe('a request in flight when the service worker stops', () => {
  it('a GET sub-resource completes, served again by the next worker instance; the tab keeps working', async () => {
    const page = await h.openSite(`${h.probe.origin}/`);
    const before = await workerStartedAt();
    const path = `/slow?ms=${SLOW_MS}&n=get`;
    await startFetch(page, path);
    await received(`GET ${path}`);
    await h.stopWorker();
    await expect.poll(() => outcome(page), ANSWERED).not.toBeNull();
    expect(await outcome(page)).toMatchObject({
      status: 200,
      error: null,
      text: expect.stringContaining('slow'),
    });
    // A new instance answered it (the stopped one never could): the site saw the request a second time.
    expect(h.probe.log.filter((r) => r === `GET ${path}`)).toHaveLength(2);
    expect(await workerStartedAt()).not.toBe(before);
    // The tab is usable without a reload.
    await startFetch(page, '/slow?ms=0&n=after-get');
    await expect.poll(() => outcome(page), ANSWERED).toMatchObject({ status: 200 });
    await page.close();
  });

  it('a POST gets the error page instead of being sent twice', async () => {
    const page = await h.openSite(`${h.probe.origin}/`);
    const before = await workerStartedAt();
    const path = `/slow?ms=${SLOW_MS}&n=post`;
    await startFetch(page, path, { method: 'POST', body: 'payload' });
    await received(`POST ${path}`);
    await h.stopWorker();
    await expect.poll(() => outcome(page), ANSWERED).not.toBeNull();
    expect(await outcome(page)).toMatchObject({ status: 500, error: 'internal' });
    expect((await outcome(page))?.text).toMatch(/restarted while this request was in flight/);
    await sleep(SLOW_MS);
    expect(h.probe.log.filter((r) => r === `POST ${path}`)).toHaveLength(1);
    expect(await workerStartedAt()).not.toBe(before);
    await startFetch(page, '/slow?ms=0&n=after-post', { method: 'POST', body: 'again' });
    await expect.poll(() => outcome(page), ANSWERED).toMatchObject({ status: 200 });
    await page.close();
  });

  it('a navigation completes; links work afterwards', async () => {
    const page = await h.openSite(`${h.probe.origin}/`);
    const before = await workerStartedAt();
    const path = `/slow?ms=${SLOW_MS}&n=nav`;
    const navigation = page.goto(`${h.probe.origin}${path}`, { timeout: 30_000 });
    await received(`GET ${path}`);
    await h.stopWorker();
    const started = Date.now();
    const response = await navigation;
    expect(Date.now() - started).toBeLessThan(ANSWERED.timeout);
    expect(response?.status()).toBe(200);
    expect(await page.textContent('#slow')).toBe(`slow ${SLOW_MS}`);
    expect(await workerStartedAt()).not.toBe(before);
    await page.goto(`${h.probe.origin}/`);
    await page.waitForSelector('#probe');
    await page.close();
  });

  it("a new tab's first navigation, still showing the loader page, completes", async () => {
    const before = await workerStartedAt();
    const page = await h.browser.context.newPage();
    const path = `/slow?ms=${SLOW_MS}&n=first`;
    // DNR → loader page → attach → location.replace: the loader stays until the site's answer commits.
    void page.goto(`${h.probe.origin}${path}`).catch(() => undefined);
    await received(`GET ${path}`);
    expect(page.url()).toMatch(/^chrome-extension:\/\/.*\/loader\//);
    await h.stopWorker();
    await page.waitForSelector('#slow', { timeout: ANSWERED.timeout });
    expect(page.url()).toBe(`${h.probe.origin}${path}`);
    expect(await workerStartedAt()).not.toBe(before);
    await page.close();
  });
});
