/**
 * The extension's DNS cache store (src/background/dns-cache.ts) in a real IndexedDB: Chromium (Debian's, headless)
 * on a loopback page. Entries written by one store instance are read by a fresh one after a page reload (as after
 * a service-worker restart); stale entries are dropped; the store stays bounded. The stored value is a real
 * resolution's JSON (made here from the sandbox DNS) and comes back intact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Blockchain } from '@ton/sandbox';
import { deployDns, SandboxDnsSource } from '../../src/devnet/dns/index.ts';
import {
  dnsCacheKey,
  DNS_CATEGORY_SITE,
  resolutionFromJson,
  resolutionToJson,
  SourceResolver,
  type DnsCacheEntry,
} from '../../src/net/dns/index.ts';

let server: Server;
let browser: Browser;
let page: Page;
let url: string;
let bundle: string;

beforeAll(async () => {
  const out = await build({
    stdin: {
      contents:
        "import { IdbDnsCacheStore } from './src/background/dns-cache.ts'; globalThis.IdbDnsCacheStore = IdbDnsCacheStore;",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
    platform: 'browser',
  });
  bundle = out.outputFiles[0].text;
  server = createServer((_, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>t</title>'),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  page = await browser.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: bundle });
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

type StoreOp = {
  op: 'get' | 'set' | 'delete' | 'clear' | 'prune';
  key?: string;
  entry?: DnsCacheEntry;
  max?: number;
  now?: number;
  namespace?: string;
};

async function inPage(ops: StoreOp[]): Promise<unknown[]> {
  return page.evaluate(async (list) => {
    const results: unknown[] = [];
    for (const o of list) {
      const Store = (
        globalThis as unknown as {
          IdbDnsCacheStore: new (opts: object) => Record<string, (...a: unknown[]) => Promise<unknown>>;
        }
      ).IdbDnsCacheStore;
      const store = new Store({
        maxEntries: o.max ?? 1000,
        now: () => o.now ?? Date.now(),
        namespace: o.namespace,
      });
      if (o.op === 'get') results.push(await store.get(o.key));
      else if (o.op === 'set') results.push(await store.set(o.key, o.entry));
      else if (o.op === 'delete') results.push(await store.delete(o.key));
      else if (o.op === 'clear') results.push(await store.clear());
      else results.push(await store.prune());
    }
    return results;
  }, ops);
}

describe('IdbDnsCacheStore in Chromium', () => {
  it('keeps a real resolution across a reload and a fresh store instance', async () => {
    const chain = await Blockchain.create();
    await deployDns(chain);
    const res = await new SourceResolver(new SandboxDnsSource(chain)).resolve(
      'docs.alice.ton',
      DNS_CATEGORY_SITE,
    );
    const key = dnsCacheKey('docs.alice.ton', DNS_CATEGORY_SITE);
    const entry: DnsCacheEntry = {
      expiresAt: Date.now() + 60_000,
      value: { ok: true, resolution: resolutionToJson(res) },
    };
    await inPage([{ op: 'set', key, entry }]);
    await page.reload();
    await page.addScriptTag({ content: bundle });
    const [got] = (await inPage([{ op: 'get', key }])) as [DnsCacheEntry];
    expect(got).toEqual(entry);
    const back = resolutionFromJson(
      (got.value as { ok: true; resolution: ReturnType<typeof resolutionToJson> }).resolution,
    );
    expect(resolutionToJson(back)).toEqual(resolutionToJson(res));
  });

  it('drops stale entries, prunes, deletes, and evicts the soonest-expiring beyond the bound', async () => {
    await inPage([{ op: 'clear' }]);
    const e = (expiresAt: number): DnsCacheEntry => ({
      expiresAt,
      value: { ok: false, error: { code: 'not_registered', message: 'x', hops: [] } },
    });
    const now = 1_000_000;
    const r = await inPage([
      { op: 'set', key: 'stale', entry: e(now - 1), now },
      { op: 'get', key: 'stale', now },
      { op: 'set', key: 'a', entry: e(now + 10), now },
      { op: 'set', key: 'b', entry: e(now + 30), now },
      { op: 'set', key: 'c', entry: e(now + 20), now, max: 2 },
      { op: 'get', key: 'a', now },
      { op: 'get', key: 'b', now },
      { op: 'prune', now: now + 25 },
      { op: 'get', key: 'b', now: now + 25 },
      { op: 'delete', key: 'b' },
      { op: 'get', key: 'b', now },
    ]);
    expect(r[1]).toBeUndefined(); // stale on read
    expect(r[5]).toBeUndefined(); // evicted: expired soonest when the bound (2) was passed
    expect(r[6]).toEqual(e(now + 30));
    expect(r[7]).toBe(1); // prune removed c
    expect(r[8]).toEqual(e(now + 30));
    expect(r[10]).toBeUndefined();
  });

  it('keeps the answers of each verification mode apart (namespace)', async () => {
    const entry: DnsCacheEntry = {
      expiresAt: Date.now() + 60_000,
      value: { ok: false, error: { code: 'not_registered', message: 'x', hops: [] } },
    };
    const r = await inPage([
      { op: 'set', key: 'k', entry, namespace: 'cross-checked' },
      { op: 'get', key: 'k', namespace: 'proof' },
      { op: 'get', key: 'k', namespace: 'cross-checked' },
    ]);
    expect(r[1]).toBeUndefined();
    expect(r[2]).toEqual(entry);
  });
});
