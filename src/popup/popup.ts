/**
 * Popup: the gateway toggle, the connection (bridge, liteservers with their last masterchain seqno, DHT, how full
 * the TON Storage piece cache is), and for
 * the current tab the site's record and where it came from, the peer, RLDP version, bytes, and the request log with
 * the stage each request reached and how long each stage took. `?tab=ID` picks the tab (tests, a detached popup);
 * by default it is the active tab of the current window.
 */
import browser from 'webextension-polyfill';
import type {
  ConnectionReply,
  ExtensionRequest,
  GatewayState,
  StorageCacheReply,
} from '../background/messages.ts';
import type { ConnectionStatus } from '../background/stack.ts';
import type { RequestEntry, TabState } from '../background/tab-state.ts';
import { storageCacheUsage } from '../options/storage-cache.ts';
import { bridgeInUseText, otherBridgesText } from './bridges.ts';
import { showDownloads } from './downloads.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const toggle = $<HTMLInputElement>('enabled');
const status = $<HTMLParagraphElement>('status');

function send<T>(request: ExtensionRequest): Promise<T> {
  return browser.runtime.sendMessage(request) as Promise<T>;
}

async function currentTab(): Promise<number | undefined> {
  const param = new URLSearchParams(location.search).get('tab');
  if (param !== null && /^\d+$/.test(param)) return Number(param);
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

function el(tag: string, text?: string, className?: string): HTMLElement {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (className) e.className = className;
  return e;
}

function fillKv(dl: HTMLElement, rows: [string, string | Node, string?][]): void {
  dl.replaceChildren();
  for (const [key, value, id] of rows) {
    const dd = el('dd');
    if (id) dd.id = id;
    dd.append(value);
    dl.append(el('dt', key), dd);
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(2)} MiB`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s} s ago` : `${Math.round(s / 60)} min ago`;
}

function renderConnection(c: ConnectionStatus | null): void {
  const dl = $('connection');
  const list = $('liteservers');
  list.replaceChildren();
  if (!c) {
    fillKv(dl, [['status', 'not connected yet (connects on the first TON request)']]);
    return;
  }
  const mc = c.masterchain
    ? `seqno ${c.masterchain.seqno} from ${c.masterchain.server} (${ago(c.masterchain.at)})`
    : 'not asked yet';
  const rows: [string, string, string?][] = [
    ['network', `${c.network} (DNS ${c.trust})`],
    ['bridge', bridgeInUseText(c), 'bridge'],
    ...(c.bridgeStates.length > 1
      ? [['other bridges', otherBridgesText(c), 'other-bridges'] as [string, string, string]]
      : []),
    ['masterchain', mc, 'masterchain'],
    [
      'DHT',
      c.dht ? `${c.dht.staticNodes} static nodes, ${c.dht.learnedNodes} learned` : 'no DHT in the config',
    ],
  ];
  if (c.error) rows.push(['error', c.error]);
  fillKv(dl, rows);
  $('bridge').dataset.inUse = c.bridgeInUse ?? '';
  for (const s of c.liteservers) {
    const state = s.reachable === false ? 'bad' : s.state === 'ready' ? 'ok' : '';
    const li = el('li');
    li.dataset.seqno = String(s.lastSeqno ?? '');
    li.append(
      el('span', `${s.host}:${s.port} `),
      el('span', s.state, state),
      el(
        'span',
        ` · seqno ${s.lastSeqno ?? '–'}${s.latencyMs !== null ? ` · ${s.latencyMs} ms` : ''}${s.lagging ? ' · lagging' : ''}${s.lastError && s.state === 'down' ? ` · ${s.lastError}` : ''}`,
      ),
    );
    list.append(li);
  }
}

function renderTab(tab: TabState | null, attached: boolean): void {
  const dl = $('tab');
  $('tab-empty').hidden = tab !== null && tab.host !== '';
  if (!tab || !tab.host) {
    dl.replaceChildren();
    return;
  }
  const rows: [string, string, string?][] = [
    ['site', `${tab.host}${attached ? '' : ' (not attached)'}`, 'tab-host'],
  ];
  const site = tab.site;
  if (site) {
    if (site.record) {
      const r = site.record;
      const text =
        r.type === 'adnl' ? `adnl ${r.adnlText}.adnl` : r.type === 'storage' ? `bag ${r.bagId}` : r.type;
      rows.push(['record', text, 'tab-record']);
    } else {
      const none =
        site.kind === 'adnl' ? 'none: an .adnl address' : site.kind === 'bag' ? 'none: a .bag address' : '–';
      rows.push(['record', none, 'tab-record']);
    }
    if (site.resolution) {
      const res = site.resolution;
      const proven = res.block ? ` at block ${res.block.seqno}` : '';
      const anchor = res.anchor ? `, from ${res.anchor.source} ${res.anchor.seqno}` : '';
      rows.push(['DNS', `${res.trust}${proven}${anchor}`, 'tab-trust']);
      rows.push([
        'from',
        `${res.sources.join(' and ')} (${res.trust}, ${res.hops} hops${res.cached ? ', IndexedDB cache' : ''}) ${ago(res.resolvedAt * 1000)}`,
        'tab-source',
      ]);
    }
    if (site.bagId) {
      rows.push(['bag', site.bagId, 'tab-bag']);
      rows.push(['seeder', site.adnl ? `${site.adnl}.adnl at ${site.address}` : 'none ready', 'tab-peer']);
    } else rows.push(['peer', `${site.adnl}.adnl at ${site.address}`, 'tab-peer']);
    rows.push([
      'RLDP',
      `v${site.rldpVersion}${site.rldp ? `, ${site.rldp.retransmits} retransmits` : ''}`,
      'tab-rldp',
    ]);
  }
  rows.push(['bytes', bytes(tab.bytes), 'tab-bytes']);
  fillKv(dl, rows);
}

function renderRequest(r: RequestEntry): HTMLElement {
  const li = el('li');
  li.className = 'request';
  li.dataset.status = String(r.status);
  let path = r.url;
  try {
    const u = new URL(r.url);
    path = u.host + u.pathname + u.search;
  } catch {
    // keep the raw URL
  }
  li.append(
    el('span', `#${r.id} `, 'muted'),
    el('span', `${r.method} ${path} → ${r.status || '–'}`),
    el('br'),
  );
  for (const s of r.stages) {
    const chip = el(
      'span',
      `${s.stage} ${s.cached ? 'cached' : `${s.ms} ms`}`,
      `stage${s.cached ? ' cached' : ''}`,
    );
    chip.dataset.stage = s.stage;
    if (s.detail) chip.title = s.detail;
    li.append(chip);
  }
  if (r.error) {
    const chip = el('span', `failed at ${r.error.stage}`, 'stage failed');
    chip.dataset.stage = r.error.stage;
    chip.title = r.error.message;
    li.append(chip);
  }
  if (r.totalMs !== null) li.append(el('span', ` ${r.totalMs} ms, ${bytes(r.bytes)}`, 'muted'));
  return li;
}

function renderRequests(tab: TabState | null): void {
  const list = $('requests');
  list.replaceChildren(...(tab?.requests ?? []).slice(-20).reverse().map(renderRequest));
}

function renderStorageCache(reply: StorageCacheReply): void {
  const line = $('storage-cache');
  line.textContent = `Storage cache: ${reply.ok ? storageCacheUsage(reply) : `unavailable (${reply.error})`}`;
  if (reply.ok) line.dataset.bytes = String(reply.bytes);
}

let tabId: number | undefined;

function render(state: GatewayState): void {
  toggle.checked = state.settings.enabled;
  toggle.disabled = false;
  $('enabled-label').textContent = state.settings.enabled ? 'Gateway on' : 'Gateway off';
  $('mode').textContent =
    state.settings.mode === 'gateway' ? 'built-in gateway' : `HTTP proxy ${state.settings.proxy}`;
  $('infobar-note').hidden = state.settings.mode !== 'gateway';
  renderConnection(state.connection);
  renderTab(state.tab, state.tabAttached);
  renderRequests(state.tab);
  status.textContent = `v${state.version}, service worker up since ${new Date(state.workerStartedAt).toLocaleTimeString()}.`;
  document.body.dataset.ready = 'true';
}

function showError(error: unknown): void {
  status.textContent = `Service worker unreachable: ${String(error)}`;
}

async function refresh(): Promise<void> {
  const [state, cache] = await Promise.all([
    send<GatewayState>({ type: 'getState', tabId }),
    send<StorageCacheReply>({ type: 'getStorageCache' }),
  ]);
  renderStorageCache(cache);
  render(state);
}

toggle.addEventListener('change', () => {
  toggle.disabled = true;
  send<GatewayState>({ type: 'setEnabled', enabled: toggle.checked }).then(() => refresh(), showError);
});

$('options-link').addEventListener('click', (event) => {
  event.preventDefault();
  void browser.runtime.openOptionsPage();
});

async function main(): Promise<void> {
  tabId = await currentTab();
  await refresh();
  showDownloads();
  // Ask the liteservers for their latest block (the popup shows the masterchain seqno), then keep the view live.
  const reply = await send<ConnectionReply>({ type: 'refreshConnection' });
  if (reply.connection) renderConnection(reply.connection);
  document.body.dataset.connection = reply.ok ? 'ok' : 'failed';
  setInterval(() => void refresh().catch(showError), 2000);
}

main().catch(showError);
