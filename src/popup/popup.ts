/** Popup: the gateway on/off toggle (persisted by the service worker) and its state. */
import browser from 'webextension-polyfill';
import type { GatewayState, PopupRequest } from '../background/messages.ts';

const toggle = document.getElementById('enabled') as HTMLInputElement;
const label = document.getElementById('enabled-label') as HTMLSpanElement;
const status = document.getElementById('status') as HTMLParagraphElement;

async function send(request: PopupRequest): Promise<GatewayState> {
  return (await browser.runtime.sendMessage(request)) as GatewayState;
}

function render(state: GatewayState): void {
  toggle.checked = state.settings.enabled;
  toggle.disabled = false;
  label.textContent = state.settings.enabled ? 'Gateway on' : 'Gateway off';
  status.textContent = `Service worker v${state.version} up since ${new Date(state.workerStartedAt).toLocaleTimeString()}.`;
  document.body.dataset.ready = 'true';
}

toggle.addEventListener('change', () => {
  toggle.disabled = true;
  send({ type: 'setEnabled', enabled: toggle.checked }).then(render, showError);
});

function showError(error: unknown): void {
  status.textContent = `Service worker unreachable: ${String(error)}`;
}

send({ type: 'getState' }).then(render, showError);
