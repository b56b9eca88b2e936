/**
 * TabStates after a service-worker restart: the tab's state is read back from chrome.storage.session, and calls
 * that arrive together (the document's record, the navigation, the popup's getState) must all land in one object —
 * a second copy loaded concurrently used to replace the first and drop what was added to it (the e2e "reads a bag
 * site again … after a worker restart" saw its document's entry vanish now and then).
 */
import { describe, expect, it } from 'vitest';
import { TabStates, type RequestEntry, type TabState } from '../../../src/background/tab-state.ts';

/** chrome.storage.session as a map whose reads answer after a macrotask (as the real one does). */
function slowStore(initial: Record<string, unknown> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    area: {
      get: (key: string) =>
        new Promise<Record<string, unknown>>((resolve) =>
          setTimeout(() => resolve(data.has(key) ? { [key]: structuredClone(data.get(key)) } : {}), 5),
        ),
      set: async (items: Record<string, unknown>) => {
        for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      },
      remove: async (key: string) => void data.delete(key),
    } as unknown as chrome.storage.StorageArea,
  };
}

const entry = (url: string): Omit<RequestEntry, 'id'> => ({
  method: 'GET',
  url,
  resourceType: 'Document',
  startedAt: 1,
  status: 200,
  bytes: 10,
  stages: [],
  totalMs: 1,
  error: null,
});

describe('TabStates', () => {
  it('keeps every request added while the stored state is being read back', async () => {
    const before: TabState = {
      tabId: 7,
      url: 'http://static.ton/',
      host: 'static.ton',
      site: null,
      bytes: 0,
      requests: [{ ...entry('http://static.ton/old'), id: 1 }],
      updatedAt: 0,
    };
    const { area, data } = slowStore({ 'tab:7': before });
    const tabs = new TabStates(area);
    await Promise.all([
      tabs.addRequest(7, entry('http://static.ton/')),
      tabs.navigated(7, 'http://static.ton/'),
      tabs.get(7),
      tabs.addRequest(7, entry('http://static.ton/app.js')),
    ]);
    const state = await tabs.get(7);
    expect(state?.requests.map((r) => r.url)).toEqual([
      'http://static.ton/old',
      'http://static.ton/',
      'http://static.ton/app.js',
    ]);
    expect(new Set(state?.requests.map((r) => r.id)).size).toBe(3);
    await tabs.flush();
    expect((data.get('tab:7') as TabState).requests).toHaveLength(3);
  });

  it('a tab never seen: concurrent first calls make one state', async () => {
    const { area } = slowStore();
    const tabs = new TabStates(area);
    await Promise.all([
      tabs.addRequest(3, entry('http://a.ton/')),
      tabs.addRequest(3, entry('http://a.ton/b')),
    ]);
    expect((await tabs.get(3))?.requests).toHaveLength(2);
  });
});
