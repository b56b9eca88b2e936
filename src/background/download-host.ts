/**
 * The Chrome side of downloads.ts: the offscreen document that opens download URLs in a frame (one per extension;
 * made on first use, reason BLOBS: it only hands streams to the download manager), chrome.downloads.cancel, and
 * the keep-alive that runs only while a download streams.
 */
import type { DownloadHost } from './downloads.ts';
import { OFFSCREEN_OPEN, type OffscreenOpen } from './offscreen-messages.ts';

const OFFSCREEN_PAGE = 'src/offscreen/index.html';
/** MV3 stops a worker ~30 s after its last extension event; an API call every 20 s resets that. */
const KEEPALIVE_MS = 20_000;

let creating: Promise<void> | null = null;

async function ensureOffscreen(): Promise<void> {
  if (await chrome.offscreen.hasDocument()) return;
  creating ??= chrome.offscreen
    .createDocument({
      url: OFFSCREEN_PAGE,
      reasons: [chrome.offscreen.Reason.BLOBS],
      justification: 'Saves TON Site and TON Storage downloads to disk as they stream.',
    })
    .catch(async (error: unknown) => {
      // Made concurrently by another call: fine.
      if (!(await chrome.offscreen.hasDocument())) throw error;
    })
    .finally(() => (creating = null));
  await creating;
}

async function open(url: string): Promise<void> {
  await ensureOffscreen();
  const message: OffscreenOpen = { type: OFFSCREEN_OPEN, url };
  // A just-made document may not listen yet: a few tries.
  let last: unknown = null;
  for (let i = 0; i < 20; i++) {
    try {
      const reply = (await chrome.runtime.sendMessage(message)) as { ok?: boolean } | undefined;
      if (reply?.ok) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the offscreen document did not open the download (${String(last)})`);
}

let keepalive: ReturnType<typeof setInterval> | null = null;

export const chromeDownloadHost: DownloadHost = {
  open,
  extensionUrl: (path) => chrome.runtime.getURL(path),
  cancel: (downloadId) => chrome.downloads.cancel(downloadId),
  async erase(downloadId) {
    await chrome.downloads.cancel(downloadId).catch(() => undefined);
    await chrome.downloads.erase({ id: downloadId });
  },
  keepAlive(on) {
    if (on && !keepalive) keepalive = setInterval(() => void chrome.runtime.getPlatformInfo(), KEEPALIVE_MS);
    else if (!on && keepalive) {
      clearInterval(keepalive);
      keepalive = null;
    }
  },
};
