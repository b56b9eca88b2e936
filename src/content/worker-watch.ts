/**
 * Content script on TON pages: holds a Port to the service worker. Chromium may stop the worker while requests of
 * this tab are paused in the debugger's Fetch domain, and nothing else would wake it (a paused request sends no
 * more events: tests/e2e/worker-death.test.ts). A stopped worker disconnects the port; connecting again wakes a
 * new instance, which answers what the stopped one left paused (src/background/held-requests.ts). The worker
 * answers `idle` when it does not serve this tab (proxy mode, detached): then the script stops watching, so an
 * idle worker is not woken again and again.
 */
import { WATCH_IDLE, WATCH_PORT } from '../background/messages.ts';

/** Pause before connecting again (the stopped worker's teardown finishes first). */
const RECONNECT_MS = 250;

function watch(): void {
  let port: chrome.runtime.Port;
  try {
    port = chrome.runtime.connect({ name: WATCH_PORT });
  } catch {
    return; // the extension was reloaded or removed: this script's context is gone
  }
  let idle = false;
  port.onMessage.addListener((message) => {
    if (message === WATCH_IDLE) idle = true;
  });
  port.onDisconnect.addListener(() => {
    void chrome.runtime.lastError;
    if (!idle) setTimeout(watch, RECONNECT_MS);
  });
}

watch();
