/** The extension's service worker: owns settings and answers the popup. */
import browser, { type Runtime } from 'webextension-polyfill';
import { isPopupRequest, type GatewayState, type PopupRequest } from './messages.ts';
import { loadSettings, saveSettings } from './settings.ts';

const workerStartedAt = Date.now();

async function handle(request: PopupRequest): Promise<GatewayState> {
  const settings =
    request.type === 'setEnabled' ? await saveSettings({ enabled: request.enabled }) : await loadSettings();
  await updateBadge(settings.enabled);
  return { settings, workerStartedAt, version: browser.runtime.getManifest().version };
}

async function updateBadge(enabled: boolean): Promise<void> {
  await browser.action.setBadgeText({ text: enabled ? '' : 'off' });
  await browser.action.setBadgeBackgroundColor({ color: '#888888' });
}

browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
  // Only our own extension pages may talk to the worker; TON sites never reach it.
  if (sender.id !== browser.runtime.id || !isPopupRequest(message)) return undefined;
  return handle(message);
});

void loadSettings().then((s) => updateBadge(s.enabled));
