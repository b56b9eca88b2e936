/**
 * The first-run page (opened by the service worker on install): what the extension does, and whether a bridge
 * answers. It asks the worker to measure the configured bridges (bridges/probe.ts) every few seconds; while
 * none answers it shows the one command that starts a local bridge, and turns green as soon as one does.
 * `body[data-bridges]` is checking | none | ok.
 */
import browser from 'webextension-polyfill';
import type { BridgeState } from '../background/bridges/index.ts';
import type { BridgesReply } from '../background/messages.ts';
import { bridgeMeasurement } from '../popup/bridges.ts';

/** How often the bridges are measured again while none answers, and once one does. */
const POLL_NONE_MS = 3_000;
const POLL_OK_MS = 5_000;

const $ = (id: string) => document.getElementById(id) as HTMLElement;

function render(bridges: BridgeState[]): boolean {
  const working = bridges.filter((b) => b.probe?.ok && b.failedAt === null);
  const list = $('bridges');
  list.replaceChildren(
    ...bridges.map((b) => {
      const li = document.createElement('li');
      const ok = working.includes(b);
      li.className = ok ? 'ok' : 'down';
      li.dataset.url = b.url;
      li.dataset.ok = String(ok);
      li.textContent = `${b.url} — ${bridgeMeasurement(b)}`;
      return li;
    }),
  );
  const ok = working.length > 0;
  $('verdict').textContent = ok
    ? `Connected: ${working[0].url} answers.`
    : `No bridge answers (${bridges.length === 1 ? 'the configured one' : `${bridges.length} configured`}).`;
  $('no-bridge').hidden = ok;
  $('ready').hidden = !ok;
  document.body.dataset.bridges = ok ? 'ok' : 'none';
  return ok;
}

async function check(): Promise<void> {
  let ok = false;
  try {
    const reply = (await browser.runtime.sendMessage({ type: 'checkBridges' })) as BridgesReply;
    ok = render(reply.bridges);
  } catch (error) {
    $('verdict').textContent = `The extension’s service worker did not answer: ${String(error)}`;
  }
  setTimeout(() => void check(), ok ? POLL_OK_MS : POLL_NONE_MS);
}

$('options-link').addEventListener('click', (event) => {
  event.preventDefault();
  void browser.runtime.openOptionsPage();
});

void check();
