/**
 * The extension's service worker. Every listener is registered synchronously at the top level, so Chromium can
 * wake a stopped worker for any of them (a debugger event, a navigation, a message) and the new instance handles
 * it after start() restored its state from storage.
 */
import './buffer-global.ts';
import browser, { type Runtime } from 'webextension-polyfill';
import { chromeDownloadHost } from './download-host.ts';
import { DownloadStreams } from './downloads.ts';
import { isExtensionRequest, WATCH_IDLE, WATCH_PORT } from './messages.ts';
import { BackgroundService } from './service.ts';
import type { Debuggee } from './sessions.ts';

const service = new BackgroundService({
  version: browser.runtime.getManifest().version,
  session: chrome.storage?.session ?? null,
  async setBadge(enabled) {
    await browser.action.setBadgeText({ text: enabled ? '' : 'off' });
    await browser.action.setBadgeBackgroundColor({ color: '#888888' });
  },
  downloads: chromeDownloadHost,
});

const extensionOrigin = new URL(browser.runtime.getURL('/')).origin;

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  // Only our own extension pages (popup, options, loader) may talk to the worker.
  if (sender.id !== browser.runtime.id || !sender.url || new URL(sender.url).origin !== extensionOrigin)
    return undefined;
  if (!isExtensionRequest(message)) return undefined;
  return service.handle(message, { tabId: sender.tab?.id, frameId: sender.frameId, url: sender.url });
});

chrome.debugger.onEvent.addListener((source, method, params) => {
  void service.start().then(() => service.sessions.handleEvent(source as Debuggee, method, params));
});

chrome.debugger.onDetach.addListener((source, reason) => {
  void service.start().then(() => service.sessions.handleDetach(source as Debuggee, reason));
});

// A TON page's content script connects again when a stopped worker dropped its port: that wakes this instance,
// whose start() answers the requests the stopped one left paused. Tabs we do not serve are told to stop watching.
chrome.runtime.onConnect.addListener((port) => {
  if (port.name !== WATCH_PORT || port.sender?.id !== chrome.runtime.id) return;
  const tabId = port.sender.tab?.id;
  void service.start().then(() => {
    if (tabId === undefined || !service.sessions.has(tabId)) {
      port.postMessage(WATCH_IDLE);
      port.disconnect();
    }
  });
});

browser.webNavigation.onCommitted.addListener((details) => {
  if (details.frameId === 0) void service.start().then(() => service.committed(details.tabId, details.url));
});

// First run: a page that explains the extension and checks the bridges (src/welcome).
browser.runtime.onInstalled.addListener((details) => {
  if (details.reason === 'install')
    void browser.tabs.create({ url: browser.runtime.getURL('src/welcome/index.html') });
});

browser.tabs.onRemoved.addListener((tabId) => {
  void service.start().then(() => service.tabRemoved(tabId));
});

// Downloads (downloads.ts): the offscreen frame's navigation to a download URL is answered with the stream; a URL
// this instance did not hand out (another instance's, a used one) gets a 404, which Chrome shows as a failed download.
self.addEventListener('fetch', (event: Event) => {
  const e = event as Event & { request: Request; respondWith(r: Response | Promise<Response>): void };
  const url = new URL(e.request.url);
  if (!DownloadStreams.isDownloadUrl(url, extensionOrigin) || !service.downloads) return;
  e.respondWith(service.downloads.respond(url));
});
chrome.downloads.onCreated.addListener((item) => service.downloads?.created(item));
chrome.downloads.onChanged.addListener((delta) => service.downloads?.changed(delta));

void service.start();
