/**
 * The offscreen document of downloads (src/background/downloads.ts): it opens each download URL the service
 * worker hands it in an iframe. The frame's navigation is what reaches the worker's fetch handler (a
 * chrome.downloads.download of the same URL does not); its `attachment` answer turns it into a download that
 * Chrome's download manager owns from then on, so the frame is removed after a while.
 */
import { OFFSCREEN_OPEN, isOffscreenOpen } from '../background/offscreen-messages.ts';

/** The download manager owns the stream once the answer's headers arrived; the frame is not needed after that. */
const FRAME_MS = 60_000;

const origin = location.origin;

chrome.runtime.onMessage.addListener((message: unknown, sender, reply) => {
  if (sender.id !== chrome.runtime.id || !isOffscreenOpen(message)) return undefined;
  let url: URL;
  try {
    url = new URL(message.url);
  } catch {
    return undefined;
  }
  // Only our own origin's download URLs: this page never opens anything a site named.
  if (url.origin !== origin) return undefined;
  const frame = document.createElement('iframe');
  frame.src = url.href;
  document.body.append(frame);
  setTimeout(() => frame.remove(), FRAME_MS);
  reply({ type: OFFSCREEN_OPEN, ok: true });
  return undefined;
});
