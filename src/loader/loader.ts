/**
 * The loader page (INTERCEPTION.md): a DNR rule sends every TON-host navigation of an unattached tab here, with
 * the original URL after `?u=` (raw: the rule's regexSubstitution appends the whole URL). The page asks the service
 * worker to attach the debugger to this tab, then replaces itself with the URL — no extra history entry — and the
 * debugger's Fetch interception serves it. `https://` TON URLs and failures get an explanation instead.
 */
import browser from 'webextension-polyfill';
import type { OpenReply, SettingsReply } from '../background/messages.ts';
import { attachFailedPage } from './attach-failed.ts';
import { targetOf } from './target.ts';

const opening = document.getElementById('opening') as HTMLElement;
const problem = document.getElementById('problem') as HTMLElement;

function show(
  title: string,
  text: string,
  actions: { label: string; href?: string; onClick?: () => void }[],
  command?: string,
): void {
  opening.hidden = true;
  problem.hidden = false;
  (document.getElementById('problem-title') as HTMLElement).textContent = title;
  (document.getElementById('problem-text') as HTMLElement).textContent = text;
  const box = document.getElementById('problem-actions') as HTMLElement;
  box.replaceChildren();
  for (const a of actions) {
    const el = a.href ? document.createElement('a') : document.createElement('button');
    el.textContent = a.label;
    el.className = 'button';
    if (a.href && el instanceof HTMLAnchorElement) el.href = a.href;
    if (a.onClick) el.addEventListener('click', a.onClick);
    box.append(el);
  }
  const code = document.getElementById('problem-command') as HTMLElement;
  code.hidden = command === undefined;
  code.textContent = command ?? '';
  document.title = title;
  document.body.dataset.state = 'problem';
}

async function main(): Promise<void> {
  const target = targetOf(location.search, location.hash);
  (document.getElementById('target') as HTMLElement).textContent = target;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    show('Not a TON address', `Cannot open ${JSON.stringify(target)}.`, []);
    return;
  }
  if (url.protocol === 'https:') {
    const plain = new URL(url.href);
    plain.protocol = 'http:';
    show(
      'TON Sites use http://, not https://',
      `${url.hostname} is a TON Site. TON Sites are reached over RLDP, which is already encrypted end to end and ` +
        'authenticated by the site’s ADNL key, so they are published on plain http:// — no certificate authority ' +
        'issues certificates for .ton, .adnl or .bag names, and an https:// address cannot be served yet.',
      [{ label: `Open ${plain.href}`, href: plain.href }],
    );
    return;
  }
  let reply: OpenReply;
  try {
    reply = (await browser.runtime.sendMessage({ type: 'open', url: url.href })) as OpenReply;
  } catch (error) {
    reply = { ok: false, reason: 'attach-failed', message: String(error) };
  }
  if (reply.ok) {
    document.body.dataset.state = 'navigating';
    location.replace(url.href);
    return;
  }
  const retry = { label: 'Retry', onClick: () => location.reload() };
  switch (reply.reason) {
    case 'disabled':
      show(
        'The TON gateway is switched off',
        `Switch it on in the extension’s popup to open ${url.hostname}.`,
        [retry],
      );
      break;
    case 'proxy-mode':
      show('The extension is in proxy mode', 'TON Sites go through the HTTP proxy set in the options.', [
        retry,
      ]);
      break;
    case 'not-ton':
      show('Not a TON address', reply.message, []);
      break;
    default: {
      // The debugger could not attach (e.g. forbidden by the browser's policies): offer proxy mode.
      const settings = (await browser.runtime.sendMessage({ type: 'getSettings' })) as SettingsReply;
      const page = attachFailedPage(reply.message, settings.ok ? settings.settings.proxy : '127.0.0.1:8080');
      const useProxy = async () => {
        await browser.runtime.sendMessage({ type: 'saveSettings', patch: { mode: 'proxy' } });
        location.replace(url.href);
      };
      show(
        page.title,
        page.text,
        [{ label: page.switchLabel, onClick: () => void useProxy() }, retry],
        page.command,
      );
    }
  }
}

void main();
