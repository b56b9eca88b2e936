/**
 * How TON hosts reach the extension (INTERCEPTION.md), through chrome.* (webextension-polyfill has no
 * declarativeNetRequest or proxy):
 *   built-in gateway  two DNR *session* rules: `http://` main-frame navigations to TON hosts go to the loader page
 *                     (which attaches the debugger), except in tabs already attached (`excludedTabIds`: DNR runs
 *                     before Fetch interception, so an attached tab would loop on the loader); `https://` TON
 *                     URLs go to the loader too, which explains why they cannot work.
 *   proxy mode        a PAC script sending TON hosts to the user's HTTP proxy.
 *   off               neither.
 */
import type { Settings } from './settings.ts';

export const LOADER_PATH = '/src/loader/index.html';
const HTTP_RULE_ID = 1;
const HTTPS_RULE_ID = 2;

/** Host suffixes the gateway serves with these settings (without the dot). */
export function servedSuffixes(settings: Pick<Settings, 'tMe'>): string[] {
  return settings.tMe ? ['ton', 'adnl', 'bag', 't.me'] : ['ton', 'adnl', 'bag'];
}

export function servesHost(settings: Pick<Settings, 'tMe'>, hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  return servedSuffixes(settings).some((s) => h.endsWith(`.${s}`) && h.length > s.length + 1);
}

function suffixRegex(suffixes: string[]): string {
  return `(${suffixes.map((s) => s.replace(/\./g, '\\.')).join('|')})`;
}

/** RE2 patterns over the whole URL (a match is replaced by the substitution, so they must match all of it). */
export function ruleRegex(scheme: 'http' | 'https', suffixes: string[]): string {
  return `^${scheme}://([a-z0-9-]+\\.)+${suffixRegex(suffixes)}\\.?(:[0-9]{1,5})?(/.*)?$`;
}

export function loaderUrl(): string {
  return chrome.runtime.getURL(LOADER_PATH);
}

/** The rules for these settings and attached tabs (empty when off or in proxy mode). */
export function gatewayRules(
  settings: Settings,
  attachedTabs: number[],
): chrome.declarativeNetRequest.Rule[] {
  if (!settings.enabled || settings.mode !== 'gateway') return [];
  const redirect = (id: number, regexFilter: string, excludedTabIds?: number[]) => ({
    id,
    priority: 1,
    action: {
      type: 'redirect' as chrome.declarativeNetRequest.RuleActionType,
      redirect: { regexSubstitution: `${loaderUrl()}?u=\\0` },
    },
    condition: {
      regexFilter,
      resourceTypes: ['main_frame' as chrome.declarativeNetRequest.ResourceType],
      ...(excludedTabIds && excludedTabIds.length > 0 ? { excludedTabIds } : {}),
    },
  });
  return [
    redirect(HTTP_RULE_ID, ruleRegex('http', servedSuffixes(settings)), attachedTabs),
    // https://*.t.me is a real web site: only the TON-only suffixes get the explanation page.
    redirect(HTTPS_RULE_ID, ruleRegex('https', ['ton', 'adnl', 'bag'])),
  ];
}

/** Replaces our session rules with the ones for `settings` and `attachedTabs`. */
export async function applyRules(settings: Settings, attachedTabs: number[]): Promise<void> {
  const existing = await chrome.declarativeNetRequest.getSessionRules();
  await chrome.declarativeNetRequest.updateSessionRules({
    removeRuleIds: existing.map((r) => r.id),
    addRules: gatewayRules(settings, attachedTabs),
  });
}

/** The PAC script of proxy mode: TON hosts over http:// to `proxy`, everything else direct. */
export function pacScript(settings: Pick<Settings, 'proxy' | 'tMe'>): string {
  const tests = servedSuffixes(settings)
    .map((s) => `dnsDomainIs(h, ${JSON.stringify('.' + s)})`)
    .join(' || ');
  return [
    'function FindProxyForURL(url, host) {',
    '  var h = host.toLowerCase();',
    `  if (url.substring(0, 5) === "http:" && (${tests})) return ${JSON.stringify(`PROXY ${settings.proxy}`)};`,
    '  return "DIRECT";',
    '}',
  ].join('\n');
}

/** Sets or clears the PAC script for `settings`. */
export async function applyProxy(settings: Settings): Promise<void> {
  if (settings.enabled && settings.mode === 'proxy') {
    await chrome.proxy.settings.set({
      value: { mode: 'pac_script', pacScript: { data: pacScript(settings) } },
      scope: 'regular',
    });
  } else {
    await chrome.proxy.settings.clear({ scope: 'regular' });
  }
}
