import { describe, expect, it } from 'vitest';
import { HeldRequests } from '../../../src/background/held-requests.ts';
import type { PausedRequest } from '../../../src/background/serve.ts';

/** The part of chrome.storage.session HeldRequests uses, in memory (values copied like the real one). */
function memoryArea(): chrome.storage.StorageArea {
  const data = new Map<string, unknown>();
  return {
    get: async (key: string) => (data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}),
    set: async (items: Record<string, unknown>) => {
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
  } as unknown as chrome.storage.StorageArea;
}

function paused(
  requestId: string,
  method = 'GET',
  extra: Partial<PausedRequest['request']> = {},
): PausedRequest {
  return {
    requestId,
    request: { url: `http://a.ton/${requestId}`, method, headers: { Accept: '*/*' }, ...extra },
    frameId: 'F',
    resourceType: 'Fetch',
  };
}

describe('HeldRequests', () => {
  it('hands the next instance what the last one did not answer, once', async () => {
    const area = memoryArea();
    const first = new HeldRequests(area);
    expect(await first.previous()).toEqual([]);
    await first.add({ tabId: 1 }, paused('a'));
    await first.add({ tabId: 1, sessionId: 'S' }, paused('b', 'POST', { postData: 'x', hasPostData: true }));
    await first.add({ tabId: 2 }, paused('c'));
    await first.done({ tabId: 2 }, 'c');

    const second = new HeldRequests(area);
    const left = await second.previous();
    expect(left.map((h) => [h.source, h.paused.requestId, h.replay])).toEqual([
      [{ tabId: 1 }, 'a', true],
      [{ tabId: 1, sessionId: 'S' }, 'b', false],
    ]);
    // The POST is kept without its body or headers: it only gets the error page.
    expect(left[1].paused.request).toEqual({ url: 'http://a.ton/b', method: 'POST', headers: {} });
    expect(await second.previous()).toEqual([]);

    // Still stored until answered: a third instance finds what the second did not answer yet.
    await second.done({ tabId: 1 }, 'a');
    const third = new HeldRequests(area);
    expect((await third.previous()).map((h) => h.paused.requestId)).toEqual(['b']);
  });

  it('forgets a detached tab and keeps a large request only for the error page', async () => {
    const area = memoryArea();
    const first = new HeldRequests(area);
    await first.add({ tabId: 1 }, paused('a'));
    await first.add({ tabId: 2 }, paused('big', 'GET', { headers: { Cookie: 'x'.repeat(20_000) } }));
    await first.forgetTab(1);
    const left = await new HeldRequests(area).previous();
    expect(left.map((h) => [h.paused.requestId, h.replay, h.paused.request.headers])).toEqual([
      ['big', false, {}],
    ]);
  });

  it('ignores malformed stored entries', async () => {
    const area = memoryArea();
    await area.set({ heldRequests: [{ source: { tabId: 'x' } }, null, 7] });
    expect(await new HeldRequests(area).previous()).toEqual([]);
  });
});
