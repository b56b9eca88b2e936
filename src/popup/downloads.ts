/**
 * The popup's Downloads section (issue 17): each download streaming to disk with its bytes, rate and source (the
 * site's peer or the bag's seeder), Cancel while it streams and Retry (from the start) when it failed. Chrome's
 * own download list shows the same file with its real name and size; this adds where the bytes come from.
 */
import browser from 'webextension-polyfill';
import type { DownloadInfo } from '../background/downloads.ts';
import type { DownloadsReply, ExtensionRequest } from '../background/messages.ts';

const POLL_MS = 1000;

function send<T>(request: ExtensionRequest): Promise<T> {
  return browser.runtime.sendMessage(request) as Promise<T>;
}

function size(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

function line(d: DownloadInfo): string {
  const done = d.size !== null ? `${size(d.bytes)} of ${size(d.size)}` : size(d.bytes);
  const rate = d.rate > 0 ? `, ${size(d.rate)}/s` : '';
  const end = d.state === 'failed' || d.state === 'cancelled' ? ` — ${d.state}: ${d.error ?? ''}` : '';
  return `${d.state}: ${done}${rate}${end}`;
}

function button(text: string, className: string, action: () => Promise<unknown>): HTMLButtonElement {
  const b = document.createElement('button');
  b.textContent = text;
  b.className = className;
  b.addEventListener('click', () => {
    b.disabled = true;
    void action().finally(() => void render());
  });
  return b;
}

async function render(): Promise<void> {
  const list = document.getElementById('downloads') as HTMLUListElement | null;
  const section = document.getElementById('downloads-section');
  if (!list || !section) return;
  const reply = await send<DownloadsReply>({ type: 'getDownloads' });
  const downloads = reply.downloads.slice().reverse();
  section.hidden = downloads.length === 0;
  list.replaceChildren(
    ...downloads.map((d) => {
      const li = document.createElement('li');
      li.dataset.state = d.state;
      li.dataset.key = d.key;
      const name = document.createElement('strong');
      name.textContent = d.fileName;
      const progress = document.createElement('span');
      progress.className = 'download-progress';
      progress.textContent = line(d);
      const source = document.createElement('small');
      source.className = 'muted';
      source.textContent = d.source;
      li.append(name, ' ', progress, document.createElement('br'), source);
      if (d.state === 'streaming' || d.state === 'starting')
        li.append(
          ' ',
          button('Cancel', 'download-cancel', () => send({ type: 'cancelDownload', key: d.key })),
        );
      if (d.retryable)
        li.append(
          ' ',
          button('Retry', 'download-retry', () => send({ type: 'retryDownload', key: d.key })),
        );
      return li;
    }),
  );
}

export function showDownloads(): void {
  const tick = () => void render().catch(() => undefined);
  tick();
  setInterval(tick, POLL_MS);
}
