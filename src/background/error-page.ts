/**
 * The pages a tab gets when a TON Site cannot be shown: one per failure stage, with what happened, the detail the
 * layer below gave, and a retry. They are served in place of the site's answer (same URL, same origin), so Retry
 * is a reload and Back works as usual. The text is generated here; everything from the wire is escaped.
 */
import type { GatewayStage } from '../net/gateway/index.ts';

/** Gateway stages plus the ones only the extension can hit. */
export type FailureStage = GatewayStage | 'bridge' | 'too-large' | 'internal';

export interface FailureInfo {
  stage: FailureStage;
  host: string;
  url: string;
  message: string;
  /** Sub-code from the layer below (DNS: not_registered, expired, no_record, disagreement...). */
  code?: string;
}

interface Explanation {
  title: string;
  hint: string;
  status: number;
}

function dnsExplanation(host: string, code: string | undefined): Explanation {
  switch (code) {
    case 'not_registered':
      return {
        title: `${host} is not registered`,
        hint: 'Nobody holds this name in TON DNS. Check the spelling.',
        status: 404,
      };
    case 'expired':
      return {
        title: `${host} has expired`,
        hint: 'The owner did not renew the domain within a year, so it no longer points anywhere.',
        status: 404,
      };
    case 'no_record':
      return {
        title: `${host} has no site record`,
        hint: 'The domain is registered, but its owner has not pointed it at a TON Site (no "site" record).',
        status: 404,
      };
    case 'disagreement':
      return {
        title: 'Liteservers disagree about this name',
        hint: 'Two liteservers gave different answers, so neither is trusted. One of them may be out of sync.',
        status: 502,
      };
    case 'proof_failed':
      return {
        title: `The liteserver's answer about ${host} failed verification`,
        hint:
          'Every TON DNS answer is checked against validator signatures and Merkle proofs from a trusted key ' +
          'block. No liteserver gave an answer that passed, so nothing was shown (and nothing was cached). A ' +
          'liteserver may be lying or out of date; try again, or use another network config.',
        status: 502,
      };
    case 'invalid_name':
      return { title: `${host} is not a valid TON DNS name`, hint: 'Check the spelling.', status: 400 };
    default:
      return {
        title: `Could not look up ${host} in TON DNS`,
        hint: 'The liteservers could not be asked or failed to answer. Check the bridge and the network settings.',
        status: 502,
      };
  }
}

function storageExplanation(host: string, code: string | undefined): Explanation {
  switch (code) {
    case 'no_peers':
      return {
        title: `Nobody seeds ${host}`,
        hint: 'The site is a bag in TON Storage, and no peer that holds it was found in the DHT.',
        status: 502,
      };
    case 'timeout':
      return {
        title: `The seeders of ${host} did not answer in time`,
        hint: 'The site is a bag in TON Storage; its peers are slow or gone.',
        status: 504,
      };
    case 'bad_bag':
      return {
        title: `${host} failed verification`,
        hint: 'What the peers sent does not match the bag id (its Merkle root), so none of it is shown.',
        status: 502,
      };
    case 'storage_not_supported':
      return {
        title: 'TON Storage is not available with these settings',
        hint: 'Finding the peers of a bag needs the DHT of a global config.',
        status: 501,
      };
    default:
      return { title: `Could not read ${host} from TON Storage`, hint: '', status: 502 };
  }
}

export function explain(info: FailureInfo): Explanation {
  const host = info.host || 'this site';
  switch (info.stage) {
    case 'dns':
      return dnsExplanation(host, info.code);
    case 'url':
      return { title: 'Not an address this gateway can open', hint: '', status: 400 };
    case 'storage':
      return storageExplanation(host, info.code);
    case 'dht':
      return {
        title: `The server of ${host} was not found`,
        hint: 'Its ADNL address is not in the TON DHT: the site is probably offline.',
        status: 502,
      };
    case 'handshake':
      return {
        title: `The server of ${host} is unreachable`,
        hint: 'The DHT gave an address, but nothing answered there.',
        status: 502,
      };
    case 'rldp-timeout':
      return {
        title: `${host} did not answer in time`,
        hint: 'The site is slow or overloaded.',
        status: 504,
      };
    case 'rldp':
      return { title: `The transfer from ${host} failed`, hint: 'The RLDP transfer broke off.', status: 502 };
    case 'http':
      return { title: `${host} sent an invalid answer`, hint: '', status: 502 };
    case 'bridge':
      return {
        title: 'The bridge is unreachable',
        hint: 'The extension reaches the TON network through a WebSocket bridge (`tonsite bridge`). Is it running? See the options page.',
        status: 502,
      };
    case 'too-large':
      return {
        title: 'File too large for the built-in gateway',
        hint: 'The built-in gateway holds a whole response in memory. Download it with `tonsite fetch URL -o FILE`, or switch to proxy mode in the options.',
        status: 502,
      };
    case 'aborted':
    case 'closed':
      return { title: 'The request was cancelled', hint: '', status: 502 };
    default:
      return { title: 'Something went wrong in the gateway', hint: '', status: 500 };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:640px;margin:12vh auto;padding:0 20px;color:#1b1f24}
h1{font-size:22px;margin:0 0 8px}.stage{display:inline-block;font:12px ui-monospace,monospace;background:#eef1f4;
border-radius:4px;padding:2px 6px;color:#57606a}pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;
padding:10px;border-radius:6px;font-size:13px}button{font:inherit;padding:6px 16px;border-radius:6px;
border:1px solid #0969da;background:#0969da;color:#fff;cursor:pointer}small{color:#57606a}`;

/** A complete HTML page for a failed navigation. */
export function renderErrorPage(info: FailureInfo): string {
  const e = explain(info);
  const code = info.code ? ` · ${escapeHtml(info.code)}` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(e.title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${STYLE}</style></head>
<body data-tonsite-error="${escapeHtml(info.stage)}">
<p><span class="stage">stage: ${escapeHtml(info.stage)}${code}</span></p>
<h1 id="title">${escapeHtml(e.title)}</h1>
${e.hint ? `<p id="hint">${escapeHtml(e.hint)}</p>` : ''}
<pre id="detail">${escapeHtml(info.message)}</pre>
<p><button id="retry" type="button" onclick="location.reload()">Retry</button></p>
<p><small>${escapeHtml(info.url)} · served by the TON Sites Gateway extension · ${escapeHtml(new Date().toISOString())}</small></p>
</body></html>
`;
}

/** Short text for failed sub-resources (images, scripts, fetches): they get the same status code. */
export function renderErrorText(info: FailureInfo): string {
  return `${explain(info).title} [${info.stage}${info.code ? ` ${info.code}` : ''}]: ${info.message}\n`;
}
