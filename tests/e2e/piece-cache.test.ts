/**
 * src/background/piece-cache.ts against Chromium's real IndexedDB (bundled with idb by esbuild, served from a
 * loopback origin, driven from the page): pieces and infos read back, also by a fresh instance, and the byte bound
 * evicts the least recently used pieces. Needs no extension build.
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
        "import { IdbPieceCache } from './src/background/piece-cache.ts'; globalThis.IdbPieceCache = IdbPieceCache;",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    write: false,
  });
  const js = bundle.outputFiles[0].text;
  server = createServer((req, res) => {
    if (req.url === '/cache.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<!doctype html><script src="/cache.js"></script>');
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

describe('IdbPieceCache in Chromium', () => {
  it('keeps pieces and torrent infos, bounded by bytes, least recently used out', async () => {
    const result = await page.evaluate(async () => {
      interface Piece {
        data: Uint8Array;
        proof: Uint8Array;
      }
      interface Cache {
        getPiece(bag: string, i: number): Promise<Piece | undefined>;
        putPiece(bag: string, i: number, p: Piece): Promise<void>;
        getInfo(bag: string): Promise<Uint8Array | undefined>;
        putInfo(bag: string, boc: Uint8Array): Promise<void>;
        stats(): Promise<{ pieces: number; bytes: number; bags: number; maxBytes: number }>;
      }
      const Ctor = (globalThis as unknown as { IdbPieceCache: new (o: object) => Cache }).IdbPieceCache;
      let now = 0;
      const cache = new Ctor({ maxBytes: 1000, now: () => now });
      const piece = (fill: number) => ({
        data: new Uint8Array(300).fill(fill),
        proof: new Uint8Array(10).fill(fill),
      });
      await cache.putInfo('bag', new Uint8Array([1, 2, 3]));
      for (let i = 0; i < 3; i++) {
        now = i * 100_000;
        await cache.putPiece('bag', i, piece(i));
      }
      now = 400_000;
      await cache.getPiece('bag', 0); // piece 0 is used again: piece 1 is now the oldest
      now = 500_000;
      await cache.putPiece('bag', 3, piece(3)); // 4 × 310 > 1000: one piece goes
      const held = await Promise.all(
        [0, 1, 2, 3].map(async (i) => (await cache.getPiece('bag', i))?.data[0] ?? null),
      );
      const fresh = new Ctor({ maxBytes: 1000 });
      const info = await fresh.getInfo('bag');
      const p3 = await fresh.getPiece('bag', 3);
      await cache.putPiece('bag', 9, { data: new Uint8Array(2000), proof: new Uint8Array(0) }); // larger than all
      return {
        held,
        info: info ? [...info] : null,
        p3: p3
          ? { data: p3.data.length, proof: [...p3.proof.slice(0, 2)], bytes: p3.data instanceof Uint8Array }
          : null,
        stats: await cache.stats(),
        tooBig: (await cache.getPiece('bag', 9)) === undefined,
      };
    });
    expect(result.held).toEqual([0, null, 2, 3]);
    expect(result.info).toEqual([1, 2, 3]);
    expect(result.p3).toEqual({ data: 300, proof: [3, 3], bytes: true });
    expect(result.stats).toEqual({ pieces: 3, bytes: 930, bags: 1, maxBytes: 1000 });
    expect(result.tooBig).toBe(true);
  });

  it('clear() forgets every piece and torrent info, for every instance', async () => {
    const result = await page.evaluate(async () => {
      interface Cache {
        getPiece(bag: string, i: number): Promise<unknown>;
        putPiece(bag: string, i: number, p: { data: Uint8Array; proof: Uint8Array }): Promise<void>;
        getInfo(bag: string): Promise<Uint8Array | undefined>;
        putInfo(bag: string, boc: Uint8Array): Promise<void>;
        stats(): Promise<{ pieces: number; bytes: number; bags: number }>;
        clear(): Promise<void>;
      }
      const Ctor = (globalThis as unknown as { IdbPieceCache: new (o: object) => Cache }).IdbPieceCache;
      const cache = new Ctor({});
      await cache.putInfo('other', new Uint8Array([9]));
      await cache.putPiece('other', 0, { data: new Uint8Array(50), proof: new Uint8Array(5) });
      const before = await cache.stats();
      await new Ctor({}).clear();
      return {
        before: before.pieces > 0 && before.bags > 0,
        after: await cache.stats(),
        piece: (await cache.getPiece('other', 0)) ?? null,
        info: (await cache.getInfo('other')) ?? null,
      };
    });
    expect(result.before).toBe(true);
    expect(result.after).toMatchObject({ pieces: 0, bytes: 0, bags: 0 });
    expect(result.piece).toBeNull();
    expect(result.info).toBeNull();
  });
});
