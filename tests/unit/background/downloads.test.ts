/**
 * Downloads streamed to disk (issue 17): which responses are downloads and the names they get
 * (src/background/download-kind.ts), and the single-use stream registry the service worker's fetch handler
 * answers from (src/background/downloads.ts) over a scripted host. The same path runs in Chromium in
 * tests/e2e/download.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  dispositionName,
  downloadFileName,
  isDownload,
  safeFileName,
} from '../../../src/background/download-kind.ts';
import { DownloadStreams, type DownloadHost, type DownloadOffer } from '../../../src/background/downloads.ts';
import { parseContentRange, rangeResumer } from '../../../src/background/download-resume.ts';
import { headerValue, type HeaderList } from '../../../src/net/http/index.ts';

const get = (headers: HeaderList, resourceType = 'Document') => ({
  method: 'GET',
  resourceType,
  status: 200,
  headers,
  coded: false,
});

describe('isDownload', () => {
  it('attachments, unshown types and bodies over the limit are downloads; pages, scripts and ranges are not', () => {
    expect(isDownload(get([['Content-Disposition', 'attachment; filename="a.zip"']]))).toBe(true);
    expect(isDownload(get([['Content-Disposition', 'inline']]))).toBe(false);
    expect(isDownload(get([['Content-Type', 'application/zip']]))).toBe(true);
    expect(isDownload(get([['Content-Type', 'application/octet-stream']]))).toBe(true);
    expect(isDownload(get([['Content-Type', 'text/html; charset=utf-8']]))).toBe(false);
    expect(isDownload(get([['Content-Type', 'image/png']]))).toBe(false);
    expect(isDownload(get([['Content-Type', 'application/json']]))).toBe(false);
    expect(isDownload(get([]))).toBe(false);
    expect(isDownload(get([['Content-Length', '100']]), 50)).toBe(true);
    expect(isDownload({ ...get([['Content-Length', '100']]), coded: true }, 50)).toBe(false);
    // A script's fetch of a zip stays a fetch; an <a download> (resource type Other) of an attachment is saved.
    expect(isDownload(get([['Content-Type', 'application/zip']], 'Fetch'))).toBe(false);
    expect(isDownload(get([['Content-Disposition', 'attachment']], 'Other'))).toBe(true);
    expect(isDownload({ ...get([['Content-Disposition', 'attachment']]), method: 'POST' })).toBe(false);
    expect(isDownload({ ...get([['Content-Disposition', 'attachment']]), status: 206 })).toBe(false);
  });
});

describe('file names', () => {
  it('come from Content-Disposition (filename* first), else the URL, made safe', () => {
    expect(dispositionName([['Content-Disposition', 'attachment; filename="a b.zip"']])).toBe('a b.zip');
    expect(
      dispositionName([['Content-Disposition', `attachment; filename="x.bin"; filename*=UTF-8''%D1%84.bin`]]),
    ).toBe('ф.bin');
    expect(downloadFileName('http://a.ton/dir/file%20one.tar.gz?x=1', [])).toBe('file one.tar.gz');
    expect(downloadFileName('http://a.ton/', [])).toBe('download');
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('a\u0000b\nc')).toBe('a_b_c');
    expect(safeFileName('x'.repeat(500)).length).toBe(120);
  });
});

function scripted() {
  const opened: string[] = [];
  const cancelled: number[] = [];
  const alive: boolean[] = [];
  const erased: number[] = [];
  const host: DownloadHost = {
    open: async (url) => void opened.push(url),
    extensionUrl: (path) => `chrome-extension://id${path}`,
    cancel: async (id) => void cancelled.push(id),
    erase: async (id) => void erased.push(id),
    keepAlive: (on) => void alive.push(on),
  };
  return { host, opened, cancelled, alive, erased };
}

function body(chunks: Uint8Array[], fail?: Error) {
  let i = 0;
  let pulls = 0;
  const state = { pulls: 0, cancelled: null as unknown };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        state.pulls = ++pulls;
        if (i < chunks.length) c.enqueue(chunks[i++]);
        else if (fail) c.error(fail);
        else c.close();
      },
      cancel(reason) {
        state.cancelled = reason ?? 'cancelled';
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, state };
}

function offer(stream: ReadableStream<Uint8Array>, headers: HeaderList = []): DownloadOffer {
  return {
    url: 'http://a.ton/f.bin',
    fileName: 'f.bin',
    headers,
    coded: false,
    body: stream,
    source: () => 'peer',
    again: async () => undefined,
  };
}

async function readAll(response: Response): Promise<number> {
  const reader = response.body!.getReader();
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) return n;
    n += r.value.length;
  }
}

describe('DownloadStreams', () => {
  it('serves an offered body once at an unguessable URL, pulled as it is read', async () => {
    const { host, opened, alive } = scripted();
    const d = new DownloadStreams(host);
    const { stream, state } = body([new Uint8Array(10), new Uint8Array(20)]);
    await d.offer(offer(stream, [['Content-Length', '30']]));
    expect(opened).toHaveLength(1);
    const url = new URL(opened[0]);
    expect(url.pathname).toMatch(/^\/download\/[0-9a-f]{32}$/);
    expect(DownloadStreams.isDownloadUrl(url, 'chrome-extension://id')).toBe(true);
    const response = d.respond(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('30');
    expect(response.headers.get('content-disposition')).toBe("attachment; filename*=UTF-8''f.bin");
    expect(response.headers.get('content-security-policy')).toMatch(/sandbox/);
    // Nothing is read before Chrome reads.
    expect(state.pulls).toBe(0);
    expect(d.list()[0]).toMatchObject({ state: 'streaming', bytes: 0, size: 30 });
    expect(await readAll(response)).toBe(30);
    expect(d.list()[0]).toMatchObject({ state: 'complete', bytes: 30, retryable: false });
    // Single use, and a made-up token gets nothing.
    expect(d.respond(url).status).toBe(404);
    expect(d.respond(new URL('chrome-extension://id/download/' + '0'.repeat(32))).status).toBe(404);
    expect(alive).toEqual([true, true, false]);
  });

  it('a body that fails or ends short errors the stream (Chrome then deletes the partial file)', async () => {
    const { host, opened } = scripted();
    const d = new DownloadStreams(host);
    const failing = body([new Uint8Array(5)], new Error('seeders gone'));
    await d.offer(offer(failing.stream));
    await expect(readAll(d.respond(new URL(opened[0])))).rejects.toThrow('seeders gone');
    expect(d.list()[0]).toMatchObject({ state: 'failed', error: 'seeders gone', retryable: true });
    const short = body([new Uint8Array(5)]);
    await d.offer(offer(short.stream, [['Content-Length', '9']]));
    await expect(readAll(d.respond(new URL(opened[1])))).rejects.toThrow(/ended at 5 of 9/);
  });

  it('cancel goes through Chrome once it made the item, and cancels the body', async () => {
    const { host, opened, cancelled, erased } = scripted();
    const d = new DownloadStreams(host);
    const { stream, state } = body([new Uint8Array(5), new Uint8Array(5)]);
    const info = await d.offer(offer(stream));
    const response = d.respond(new URL(opened[0]));
    d.created({ id: 7, url: opened[0] });
    expect(d.list()[0].downloadId).toBe(7);
    // The item an <a download> made for the site's URL goes; others stay.
    d.created({ id: 6, url: 'http://a.ton/f.bin' });
    d.created({ id: 5, url: 'http://a.ton/other.bin' });
    expect(erased).toEqual([6]);
    expect(await d.cancel(info.key)).toBe(true);
    expect(cancelled).toEqual([7]);
    expect(d.list()[0]).toMatchObject({ state: 'cancelled', retryable: true });
    expect(state.cancelled).toBe('cancelled');
    await response.body?.cancel().catch(() => undefined);
  });

  it("Chrome's interruption ends the stream; retry fetches again", async () => {
    const { host, opened } = scripted();
    const d = new DownloadStreams(host);
    let again = 0;
    const { stream, state } = body([new Uint8Array(5)]);
    const info = await d.offer({ ...offer(stream), again: async () => void again++ });
    d.respond(new URL(opened[0]));
    d.created({ id: 3, url: opened[0] });
    d.changed({ id: 3, state: { current: 'interrupted' }, error: { current: 'NETWORK_FAILED' } });
    expect(d.list()[0]).toMatchObject({ state: 'failed', error: 'NETWORK_FAILED' });
    expect(state.cancelled).toBe('NETWORK_FAILED');
    expect(await d.retry(info.key)).toBe(true);
    expect(again).toBe(1);
    expect(await d.retry(info.key)).toBe(false);
  });

  it('an offer the offscreen document could not open fails and cancels the body', async () => {
    const { host } = scripted();
    const d = new DownloadStreams({ ...host, open: () => Promise.reject(new Error('no offscreen')) });
    const { stream, state } = body([new Uint8Array(5)]);
    await expect(d.offer(offer(stream))).rejects.toThrow('no offscreen');
    expect(d.list()[0]).toMatchObject({ state: 'failed' });
    expect(state.cancelled).toMatch(/could not start/);
  });
});

describe('resuming a broken download body with Range (download-resume.ts)', () => {
  const bytes = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => (from + i) & 0xff);
  const first: HeaderList = [
    ['Content-Length', '30'],
    ['ETag', '"v1"'],
  ];

  async function readBytes(response: Response): Promise<number[]> {
    const reader = response.body!.getReader();
    const out: number[] = [];
    for (;;) {
      const r = await reader.read();
      if (r.done) return out;
      out.push(...r.value);
    }
  }

  it('continues from the byte it stopped at, bound to the first answer by If-Range', async () => {
    const { host, opened } = scripted();
    const d = new DownloadStreams(host);
    const asked: HeaderList[] = [];
    const resume = rangeResumer(
      { headers: first, coded: false },
      [
        ['Range', 'bytes=0-'],
        ['Accept', '*/*'],
      ],
      async (h) => {
        asked.push(h);
        const start = Number(/bytes=(\d+)-/.exec(headerValue(h, 'range')!)![1]);
        // the second answer breaks too, after 5 more bytes
        const chunks = start === 10 ? [bytes(10, 5)] : [bytes(start, 30 - start)];
        return {
          status: 206,
          headers: [['Content-Range', `bytes ${start}-29/30`]],
          body: body(chunks, start === 10 ? new Error('peer gone again') : undefined).stream,
        };
      },
    );
    const broken = body([bytes(0, 10)], new Error('peer gone'));
    await d.offer({ ...offer(broken.stream, first), resume });
    expect(await readBytes(d.respond(new URL(opened[0])))).toEqual([...bytes(0, 30)]);
    expect(d.list()[0]).toMatchObject({ state: 'complete', bytes: 30 });
    expect(asked.map((h) => [headerValue(h, 'range'), headerValue(h, 'if-range')])).toEqual([
      ['bytes=10-', '"v1"'],
      ['bytes=15-', '"v1"'],
    ]);
    expect(asked[0].filter(([n]) => /^range$/i.test(n))).toHaveLength(1); // the tab's own Range replaced
  });

  it('refuses a 200, another range, another length or a coded answer: the download fails as before', async () => {
    const answers = [
      { status: 200, headers: [] as HeaderList },
      { status: 206, headers: [['Content-Range', 'bytes 0-29/30']] as HeaderList },
      { status: 206, headers: [['Content-Range', 'bytes 10-39/40']] as HeaderList },
      {
        status: 206,
        headers: [
          ['Content-Range', 'bytes 10-29/30'],
          ['Content-Encoding', 'gzip'],
        ] as HeaderList,
      },
    ];
    for (const answer of answers) {
      const { host, opened } = scripted();
      const d = new DownloadStreams(host);
      const rest = body([bytes(10, 20)]);
      const resume = rangeResumer({ headers: first, coded: false }, [], async () => ({
        ...answer,
        body: rest.stream,
      }));
      await d.offer({ ...offer(body([bytes(0, 10)], new Error('peer gone')).stream, first), resume });
      await expect(readBytes(d.respond(new URL(opened[0])))).rejects.toThrow('peer gone');
      expect(rest.state.cancelled).not.toBeNull();
    }
  });

  it('is not offered without a length and a validator, or for a coded body', () => {
    const fetchRange = async () => ({ status: 206, headers: [] as HeaderList, body: null });
    expect(rangeResumer({ headers: [['Content-Length', '30']], coded: false }, [], fetchRange)).toBeNull();
    expect(rangeResumer({ headers: [['ETag', '"v1"']], coded: false }, [], fetchRange)).toBeNull();
    expect(rangeResumer({ headers: first, coded: true }, [], fetchRange)).toBeNull();
    expect(
      rangeResumer(
        {
          headers: [
            ['Content-Length', '30'],
            ['ETag', 'W/"weak"'],
          ],
          coded: false,
        },
        [],
        fetchRange,
      ),
    ).toBeNull();
    expect(
      rangeResumer(
        {
          headers: [
            ['Content-Length', '30'],
            ['Last-Modified', 'Tue, 01 Dec 2026 10:00:00 GMT'],
          ],
          coded: false,
        },
        [],
        fetchRange,
      ),
    ).not.toBeNull();
    expect(parseContentRange('bytes 5-9/10')).toEqual({ start: 5, end: 9, total: 10 });
    expect(parseContentRange('bytes 5-10/10')).toBeNull();
    expect(parseContentRange('bytes */10')).toBeNull();
  });
});
