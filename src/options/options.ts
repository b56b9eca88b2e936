/**
 * Options page: mode (built-in gateway or external HTTP proxy), bridge URLs, the network config (built-in mainnet,
 * or an imported global config such as the devnet's), a name lookup through the service worker's resolver, and
 * the TON Storage piece cache (how much it holds, and a button that empties it).
 */
import browser from 'webextension-polyfill';
import type {
  ExtensionRequest,
  ResolveReply,
  SettingsReply,
  StorageCacheReply,
} from '../background/messages.ts';
import type { Settings } from '../background/settings.ts';
import { storageCacheCounts, storageCacheUsage } from './storage-cache.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const form = $<HTMLFormElement>('settings');
const proxy = $<HTMLInputElement>('proxy');
const tMe = $<HTMLInputElement>('tme');
const dnsRelaxed = $<HTMLInputElement>('dns-relaxed');
const bridges = $<HTMLTextAreaElement>('bridges');
const configText = $<HTMLTextAreaElement>('config-text');
const configName = $<HTMLInputElement>('config-name');
const status = $<HTMLSpanElement>('save-status');

/** The network to save: null = keep the current one. */
let pendingNetwork: Settings['network'] | null = null;

function send<T>(request: ExtensionRequest): Promise<T> {
  return browser.runtime.sendMessage(request) as Promise<T>;
}

function summary(config: Record<string, unknown> | null): string {
  if (!config) return '(built in)';
  const ls = Array.isArray(config.liteservers) ? config.liteservers.length : 0;
  const dht =
    (config.dht as { static_nodes?: { nodes?: unknown[] } } | undefined)?.static_nodes?.nodes?.length ?? 0;
  return `(${ls} liteserver${ls === 1 ? '' : 's'}, ${dht} DHT node${dht === 1 ? '' : 's'})`;
}

function render(settings: Settings): void {
  for (const radio of form.querySelectorAll<HTMLInputElement>('input[name=mode]')) {
    radio.checked = radio.value === settings.mode;
  }
  proxy.value = settings.proxy;
  tMe.checked = settings.tMe;
  dnsRelaxed.checked = settings.dnsVerification === 'cross-checked';
  bridges.value = settings.bridgeUrls.join('\n');
  $('network-name').textContent = settings.network.name;
  $('network-summary').textContent = summary(settings.network.config);
  document.body.dataset.ready = 'true';
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.className = error ? 'error' : '';
}

function parseConfig(text: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (error) {
    setStatus(`The config is not valid JSON: ${(error as Error).message}`, true);
    return null;
  }
}

$('use-mainnet').addEventListener('click', () => {
  pendingNetwork = { name: 'mainnet', config: null };
  $('network-name').textContent = 'mainnet';
  $('network-summary').textContent = '(built in) — save to apply';
});

$<HTMLInputElement>('config-file').addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  configText.value = await file.text();
  configName.value = file.name.replace(/\.json$/i, '');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const mode = form.querySelector<HTMLInputElement>('input[name=mode]:checked')?.value ?? 'gateway';
  const patch: Partial<Settings> = {
    mode: mode as Settings['mode'],
    proxy: proxy.value.trim(),
    tMe: tMe.checked,
    dnsVerification: dnsRelaxed.checked ? 'cross-checked' : 'proof',
    bridgeUrls: bridges.value
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
  };
  if (configText.value.trim()) {
    const config = parseConfig(configText.value);
    if (!config) return;
    patch.network = { name: configName.value.trim() || 'custom', config };
  } else if (pendingNetwork) patch.network = pendingNetwork;
  const reply = await send<SettingsReply>({ type: 'saveSettings', patch });
  if (!reply.ok) {
    setStatus(reply.error, true);
    return;
  }
  pendingNetwork = null;
  configText.value = '';
  render(reply.settings);
  setStatus('Saved.');
});

$<HTMLFormElement>('lookup').addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = $('lookup-result');
  out.textContent = 'Resolving…';
  const reply = await send<ResolveReply>({ type: 'resolve', name: $<HTMLInputElement>('lookup-name').value });
  if (!reply.ok) {
    out.textContent = `${reply.error.code}: ${reply.error.message}`;
    return;
  }
  const r = reply.resolution;
  const answer = r.answer.kind === 'record' ? r.answer.record : r.answer;
  out.textContent = [
    `${r.name}  site  ${JSON.stringify(answer)}`,
    `from ${r.sources.join(' and ')} (${reply.trust}), ${r.hops.length} hops${reply.cached ? ', served from the IndexedDB cache' : ''}`,
  ].join('\n');
});

function renderStorageCache(reply: StorageCacheReply): void {
  const usage = $('storage-cache-usage');
  if (!reply.ok) {
    usage.textContent = 'unavailable';
    $('storage-cache-counts').textContent = reply.error;
    return;
  }
  usage.textContent = storageCacheUsage(reply);
  usage.dataset.bytes = String(reply.bytes);
  $('storage-cache-counts').textContent = storageCacheCounts(reply);
}

const clearCache = $<HTMLButtonElement>('clear-storage-cache');
clearCache.addEventListener('click', async () => {
  clearCache.disabled = true;
  const cacheStatus = $('storage-cache-status');
  cacheStatus.textContent = '';
  try {
    const reply = await send<StorageCacheReply>({ type: 'clearStorageCache' });
    renderStorageCache(reply);
    cacheStatus.textContent = reply.ok ? 'Cleared.' : '';
  } catch (error) {
    cacheStatus.textContent = `Service worker unreachable: ${String(error)}`;
  } finally {
    clearCache.disabled = false;
  }
});

/** Shown when the page opens and again whenever it becomes visible (the cache fills while sites are open). */
function refreshStorageCache(): void {
  send<StorageCacheReply>({ type: 'getStorageCache' }).then(renderStorageCache, () => undefined);
}
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') refreshStorageCache();
});
refreshStorageCache();

send<SettingsReply>({ type: 'getSettings' }).then(
  (reply) => (reply.ok ? render(reply.settings) : setStatus(reply.error, true)),
  (error: unknown) => setStatus(`Service worker unreachable: ${String(error)}`, true),
);
