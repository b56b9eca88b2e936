/**
 * Downloads streamed to disk (issue 17). A response the tab should not hold (download-kind.ts) is offered here:
 * it gets an unguessable single-use URL on the extension's own origin, `/download/<128-bit token>`, which the
 * offscreen document (src/offscreen) opens in an iframe. That navigation reaches the service worker's `fetch`
 * handler, which answers it with a ReadableStream pulled from the gateway's body: Chrome's download manager reads
 * it with backpressure (a read is asked only when it wants more), so the worker holds a chunk or two, not the
 * file. Measured in Chromium 156 (spike, issue 17 report):
 *   - `chrome.downloads.download({url})` of such a URL never reaches the worker's fetch handler (the download
 *     request has no client; it fails NETWORK_FAILED at once): the navigation of an extension frame does;
 *   - the worker's stream was ≤ 512 KiB ahead of the bytes on disk; 200 MiB landed in ~3 s;
 *   - the stream erroring, the user's cancel, or the worker being stopped all end the download `interrupted`
 *     and Chrome deletes the partial `.crdownload` file: nothing complete-looking is left;
 *   - Chrome cannot resume such a download (`canResume` false): resumption would re-request the URL without the
 *     worker. So the worker resumes it itself, inside the same download: a body that breaks mid-way (the site's
 *     peer gone, a bag's seeders gone) is continued by a Range request from the byte it stopped at
 *     (download-resume.ts, bound by If-Range), up to MAX_RESUMES times; only a download that cannot continue
 *     fails, and is then retried from the start (`retry`).
 * The file name and size Chrome shows come from the answer's Content-Disposition and Content-Length.
 *
 * Nothing the site sent runs on the extension origin: the answer is `attachment` with `nosniff` and a sandbox CSP,
 * and only a token this worker handed out gets one.
 */
import type { HeaderList } from '../net/http/index.ts';
import { headerValue } from '../net/http/index.ts';

export const DOWNLOAD_PATH = '/download/';
/** An offered download not opened within this time is dropped (its body cancelled). */
const CLAIM_MS = 60_000;
/** Finished downloads listed in the popup. */
const MAX_LISTED = 20;

export type DownloadState = 'starting' | 'streaming' | 'complete' | 'failed' | 'cancelled';

/** What the popup shows of a download. */
export interface DownloadInfo {
  /** Not the URL token: a separate id for the popup's buttons. */
  key: string;
  url: string;
  fileName: string;
  /** Declared length, when the site or bag gave one. */
  size: number | null;
  /** Bytes passed to Chrome so far. */
  bytes: number;
  /** Bytes per second over the last few seconds. */
  rate: number;
  /** Where the bytes come from: the site's ADNL peer, or the bag's ready seeders. */
  source: string;
  state: DownloadState;
  error: string | null;
  startedAt: number;
  endedAt: number | null;
  /** chrome.downloads id once Chrome created the item. */
  downloadId: number | null;
  /** A failed or cancelled download can be fetched again (from the start). */
  retryable: boolean;
}

/** An offered download: the response's headers and body, and how to fetch it again. */
export interface DownloadOffer {
  url: string;
  fileName: string;
  headers: HeaderList;
  /** Gzip/deflate were undone: the declared length does not describe the body. */
  coded: boolean;
  body: ReadableStream<Uint8Array>;
  source: () => string;
  /** Fetches the same URL again (retry); null when it may not be repeated. */
  again: (() => Promise<void>) | null;
  /**
   * The rest of the body from byte `offset` (a `Range: bytes=offset-` request, If-Range bound to the first
   * answer's validator): used when the body breaks mid-way, so Chrome's download goes on instead of failing.
   * Resolves null when the site does not answer the range as asked (then the download fails as before).
   */
  resume?: ((offset: number) => Promise<ReadableStream<Uint8Array> | null>) | null;
}

export interface DownloadHost {
  /** Opens `url` (on the extension origin) in the offscreen document's iframe. */
  open(url: string): Promise<void>;
  /** The extension URL of `path`. */
  extensionUrl(path: string): string;
  cancel(downloadId: number): Promise<void>;
  /** Cancels an item and removes it from Chrome's list (the file is not kept). */
  erase(downloadId: number): Promise<void>;
  /** Keeps the worker running while a download streams (an extension API call every 20 s). */
  keepAlive(on: boolean): void;
  now?(): number;
}

interface Entry {
  info: DownloadInfo;
  offer: DownloadOffer;
  token: string;
  claimed: boolean;
  reader: ReadableStreamDefaultReader<Uint8Array> | null;
  timer: ReturnType<typeof setTimeout> | null;
  /** Samples [ms, bytes] for the rate. */
  samples: [number, number][];
}

function randomHex(bytes: number): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  let out = '';
  for (const x of b) out += x.toString(16).padStart(2, '0');
  return out;
}

const TOKEN_RE = /^[0-9a-f]{32}$/;
/** Range requests one download may make after its body broke (each must have made progress since the last). */
const MAX_RESUMES = 5;
const RATE_WINDOW_MS = 3000;

export class DownloadStreams {
  readonly #host: DownloadHost;
  readonly #now: () => number;
  readonly #byToken = new Map<string, Entry>();
  readonly #byKey = new Map<string, Entry>();

  constructor(host: DownloadHost) {
    this.#host = host;
    this.#now = host.now ?? (() => Date.now());
  }

  /**
   * Hands `offer` to Chrome's download manager; resolves once the offscreen frame was asked to open it, rejects
   * (the body cancelled) when it could not be.
   */
  async offer(offer: DownloadOffer): Promise<DownloadInfo> {
    const token = randomHex(16);
    const declared = Number(headerValue(offer.headers, 'content-length') ?? NaN);
    const info: DownloadInfo = {
      key: randomHex(8),
      url: offer.url,
      fileName: offer.fileName,
      size: !offer.coded && Number.isSafeInteger(declared) && declared >= 0 ? declared : null,
      bytes: 0,
      rate: 0,
      source: offer.source(),
      state: 'starting',
      error: null,
      startedAt: this.#now(),
      endedAt: null,
      downloadId: null,
      retryable: false,
    };
    const entry: Entry = { info, offer, token, claimed: false, reader: null, timer: null, samples: [] };
    entry.timer = setTimeout(() => {
      if (!entry.claimed) this.#end(entry, 'failed', 'the download was not opened in time');
    }, CLAIM_MS);
    this.#byToken.set(token, entry);
    this.#byKey.set(info.key, entry);
    this.#trim();
    this.#update();
    try {
      await this.#host.open(this.#host.extensionUrl(`${DOWNLOAD_PATH}${token}`));
    } catch (error) {
      // The tab gets the error page instead of a 204 that would look like nothing happened.
      this.#end(entry, 'failed', `could not start the download: ${(error as Error).message ?? error}`);
      throw error;
    }
    return { ...info };
  }

  /** Whether a request URL is one of ours (the fetch handler answers it). */
  static isDownloadUrl(url: URL, origin: string): boolean {
    // protocol + host, not url.origin: that is 'null' for chrome-extension: outside Chromium.
    return `${url.protocol}//${url.host}` === origin && url.pathname.startsWith(DOWNLOAD_PATH);
  }

  /** The answer to the fetch of a download URL: the stream once, 404 for an unknown or used token. */
  respond(url: URL): Response {
    const token = url.pathname.slice(DOWNLOAD_PATH.length);
    const entry = TOKEN_RE.test(token) ? this.#byToken.get(token) : undefined;
    // Single use: the token is forgotten as it is claimed.
    this.#byToken.delete(token);
    if (!entry || entry.claimed || entry.info.state !== 'starting') {
      return new Response('no such download\n', {
        status: 404,
        headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' },
      });
    }
    entry.claimed = true;
    if (entry.timer) clearTimeout(entry.timer);
    entry.info.state = 'streaming';
    this.#update();
    let reader = entry.offer.body.getReader();
    entry.reader = reader;
    let resumes = 0;
    let resumedAt = -1;
    /** After a broken body: the rest by a Range request, when the site allows it (null: fail as before). */
    const resume = async (): Promise<ReadableStreamDefaultReader<Uint8Array> | null> => {
      const offset = entry.info.bytes;
      if (!entry.offer.resume || resumes >= MAX_RESUMES || offset === resumedAt || this.#ended(entry))
        return null;
      resumes++;
      resumedAt = offset;
      const rest = await entry.offer.resume(offset).catch(() => null);
      if (!rest || this.#ended(entry)) {
        await rest?.cancel('download ended').catch(() => undefined);
        return null;
      }
      void reader.cancel('resumed').catch(() => undefined);
      reader = rest.getReader();
      entry.reader = reader;
      return reader;
    };
    const stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          let r: ReadableStreamReadResult<Uint8Array>;
          for (;;) {
            try {
              r = await reader.read();
            } catch (error) {
              if (await resume()) continue;
              // Chrome marks the download interrupted and deletes the partial file.
              this.#end(entry, 'failed', error instanceof Error ? error.message : String(error));
              controller.error(error);
              return;
            }
            const short = r.done && entry.info.size !== null && entry.info.bytes < entry.info.size;
            if (short && (await resume())) continue;
            break;
          }
          if (r.done) {
            if (entry.info.size !== null && entry.info.bytes !== entry.info.size) {
              const e = new Error(`the body ended at ${entry.info.bytes} of ${entry.info.size} bytes`);
              this.#end(entry, 'failed', e.message);
              controller.error(e);
              return;
            }
            this.#end(entry, 'complete', null);
            controller.close();
            return;
          }
          this.#progress(entry, r.value.length);
          controller.enqueue(r.value);
        },
        cancel: (reason) => {
          this.#end(entry, 'cancelled', reason === undefined ? 'cancelled' : String(reason));
          return reader.cancel(reason).catch(() => undefined);
        },
      },
      { highWaterMark: 0 },
    );
    const headers = new Headers({
      'Content-Type': 'application/octet-stream',
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(entry.info.fileName)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      'Cache-Control': 'no-store',
    });
    if (entry.info.size !== null) headers.set('Content-Length', String(entry.info.size));
    return new Response(stream, { status: 200, headers });
  }

  /**
   * chrome.downloads.onCreated: the item Chrome made for one of our URLs. An `<a download>` link is a download
   * request from the start: Chrome made an item for the site's URL too, which our 204 would leave as a failed
   * "file" beside the real one (measured): that item is removed.
   */
  created(item: { id: number; url?: string; finalUrl?: string }): void {
    for (const u of [item.finalUrl, item.url]) {
      const entry = u ? this.#entryOfUrl(u) : undefined;
      if (entry) {
        entry.info.downloadId = item.id;
        return;
      }
    }
    const site = [...this.#byKey.values()].find((e) => e.offer.url === item.url && !this.#ended(e));
    if (site) void this.#host.erase(item.id).catch(() => undefined);
  }

  /** chrome.downloads.onChanged: an item of ours interrupted (by the user or Chrome) ends its stream. */
  changed(delta: { id: number; state?: { current?: string }; error?: { current?: string } }): void {
    const entry = [...this.#byKey.values()].find((e) => e.info.downloadId === delta.id);
    if (!entry) return;
    if (delta.state?.current === 'interrupted' && !this.#ended(entry)) {
      const error = delta.error?.current ?? 'interrupted';
      this.#end(entry, error === 'USER_CANCELED' ? 'cancelled' : 'failed', error);
      void entry.reader?.cancel(error).catch(() => undefined);
    }
  }

  list(): DownloadInfo[] {
    const now = this.#now();
    return [...this.#byKey.values()].map((e) => {
      if (e.info.state === 'streaming') e.info.rate = this.#rate(e, now);
      return { ...e.info };
    });
  }

  /** The popup's cancel: through Chrome when it has the item (it then cancels our stream), else directly. */
  async cancel(key: string): Promise<boolean> {
    const entry = this.#byKey.get(key);
    if (!entry || this.#ended(entry)) return false;
    if (entry.info.downloadId !== null) {
      await this.#host.cancel(entry.info.downloadId).catch(() => undefined);
    }
    if (!this.#ended(entry)) {
      this.#end(entry, 'cancelled', 'cancelled');
      await (entry.reader ?? entry.offer.body).cancel('cancelled').catch(() => undefined);
    }
    return true;
  }

  /** The popup's retry: the same URL fetched again and saved as a new download (Chrome cannot resume it). */
  async retry(key: string): Promise<boolean> {
    const entry = this.#byKey.get(key);
    if (!entry || !entry.info.retryable || !entry.offer.again) return false;
    entry.info.retryable = false;
    try {
      await entry.offer.again();
    } catch (error) {
      // Still listed, to be retried again (e.g. once a seeder is back).
      entry.info.retryable = true;
      entry.info.error = `retry failed: ${error instanceof Error ? error.message : String(error)}`;
      throw error;
    }
    this.#byKey.delete(key);
    return true;
  }

  get streaming(): number {
    let n = 0;
    for (const e of this.#byKey.values()) if (!this.#ended(e)) n++;
    return n;
  }

  #entryOfUrl(url: string): Entry | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return undefined;
    }
    const token = parsed.pathname.slice(DOWNLOAD_PATH.length);
    for (const e of this.#byKey.values()) if (e.token === token) return e;
    return undefined;
  }

  #ended(entry: Entry): boolean {
    const s = entry.info.state;
    return s === 'complete' || s === 'failed' || s === 'cancelled';
  }

  #progress(entry: Entry, n: number): void {
    entry.info.bytes += n;
    const now = this.#now();
    entry.samples.push([now, entry.info.bytes]);
    while (entry.samples.length > 2 && now - entry.samples[0][0] > RATE_WINDOW_MS) entry.samples.shift();
    // The peer can change (a bag's swarm); look it up now and then.
    if (entry.samples.length % 64 === 0) entry.info.source = entry.offer.source();
  }

  #rate(entry: Entry, now: number): number {
    const first = entry.samples[0];
    if (!first) return 0;
    const ms = now - first[0];
    return ms > 0 ? Math.round(((entry.info.bytes - first[1]) * 1000) / ms) : 0;
  }

  #end(entry: Entry, state: 'complete' | 'failed' | 'cancelled', error: string | null): void {
    if (this.#ended(entry)) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.#byToken.delete(entry.token);
    if (!entry.claimed) void entry.offer.body.cancel(error ?? state).catch(() => undefined);
    entry.info.state = state;
    entry.info.error = error;
    entry.info.endedAt = this.#now();
    entry.info.rate =
      entry.info.endedAt > entry.info.startedAt
        ? Math.round((entry.info.bytes * 1000) / (entry.info.endedAt - entry.info.startedAt))
        : 0;
    entry.info.source = entry.offer.source();
    entry.info.retryable = state !== 'complete' && entry.offer.again !== null;
    this.#update();
  }

  /** Forgets the oldest finished downloads beyond MAX_LISTED. */
  #trim(): void {
    const ended = [...this.#byKey.values()].filter((e) => this.#ended(e));
    for (const e of ended.slice(0, Math.max(0, ended.length - MAX_LISTED))) this.#byKey.delete(e.info.key);
  }

  #update(): void {
    this.#host.keepAlive(this.streaming > 0);
  }
}
