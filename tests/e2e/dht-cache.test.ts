/**
 * src/background/dht-cache.ts against Chromium's real IndexedDB: the module is bundled (with idb) by esbuild,
 * served from a loopback http origin and driven from the page. Needs no extension build.
 */
import { createServer, type Server } from 'node:http';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from './browser.ts';

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const bundle = await build({
    stdin: {
      contents:
        "import { IdbDhtCache } from './src/background/dht-cache.ts'; globalThis.IdbDhtCache = IdbDhtCache;",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
  });
  const js = bundle.outputFiles[0].text;
  server = createServer((req, res) => {
    if (req.url === '/cache.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    } else {
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script src="/cache.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
});

describe('IdbDhtCache in Chromium', () => {
  it('stores, reads back, expires, evicts and prunes entries', async () => {
    const result = await page.evaluate(async () => {
      interface Entry {
        value: Uint8Array;
        expiresAt: number;
      }
      interface Cache {
        get(k: string): Promise<Entry | undefined>;
        set(k: string, e: Entry): Promise<void>;
        delete(k: string): Promise<void>;
        prune(): Promise<number>;
      }
      const Ctor = (globalThis as unknown as { IdbDhtCache: new (o: object) => Cache }).IdbDhtCache;
      let now = 1000;
      const cache = new Ctor({ maxEntries: 3, now: () => now });
      await cache.set('a', { value: new Uint8Array([1, 2, 3]), expiresAt: 2000 });
      const a = await cache.get('a');
      const readBack = a ? Array.from(a.value) : null;
      const isBytes = a?.value instanceof Uint8Array;
      // A fresh instance (as after a service-worker restart) sees the same entry.
      const again = await new Ctor({ now: () => now }).get('a');
      await cache.set('b', { value: new Uint8Array([2]), expiresAt: 1500 });
      await cache.set('c', { value: new Uint8Array([3]), expiresAt: 3000 });
      await cache.set('d', { value: new Uint8Array([4]), expiresAt: 4000 }); // over maxEntries: 'b' goes
      const afterEvict = await Promise.all(
        ['a', 'b', 'c', 'd'].map(async (k) => (await cache.get(k)) !== undefined),
      );
      now = 2500; // 'a' expired
      const expiredA = await cache.get('a');
      await cache.set('e', { value: new Uint8Array([5]), expiresAt: 2400 });
      const pruned = await cache.prune();
      await cache.delete('c');
      const deletedC = await cache.get('c');
      return { readBack, isBytes, again: again !== undefined, afterEvict, expiredA, pruned, deletedC };
    });
    expect(result.readBack).toEqual([1, 2, 3]);
    expect(result.isBytes).toBe(true);
    expect(result.again).toBe(true);
    expect(result.afterEvict).toEqual([true, false, true, true]);
    expect(result.expiredA).toBeUndefined();
    expect(result.pruned).toBe(1);
    expect(result.deletedC).toBeUndefined();
  });
});
