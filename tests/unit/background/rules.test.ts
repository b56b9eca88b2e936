/**
 * What the DNR rules and the PAC script match (src/background/rules.ts), settings validation, the loader's target
 * URL and the error pages. The regexes are RE2 in Chromium; these patterns use only syntax RE2 and JS share.
 */
import { describe, expect, it } from 'vitest';
import { explain, renderErrorPage } from '../../../src/background/error-page.ts';
import { pacScript, ruleRegex, servedSuffixes, servesHost } from '../../../src/background/rules.ts';
import { fetchPatterns } from '../../../src/background/sessions.ts';
import { checkSettingsPatch, DEFAULT_SETTINGS, SettingsError } from '../../../src/background/settings.ts';
import { targetOf } from '../../../src/loader/target.ts';

describe('DNR rule patterns', () => {
  const http = new RegExp(ruleRegex('http', servedSuffixes({ tMe: true })));
  const httpNoTme = new RegExp(ruleRegex('http', servedSuffixes({ tMe: false })));
  const https = new RegExp(ruleRegex('https', ['ton', 'adnl', 'bag']));

  it('match whole TON URLs (the match is replaced by the loader URL)', () => {
    for (const url of [
      'http://alice.ton/',
      'http://docs.alice.ton/a/b?c=d&e=f',
      'http://alice.ton:8080/x',
      'http://gateway.t.me/',
      `http://${'a'.repeat(55)}.adnl/`,
      `http://${'0'.repeat(64)}.bag/index.html`,
    ]) {
      const m = http.exec(url);
      expect(m?.[0], url).toBe(url);
    }
    expect(https.exec('https://alice.ton/x')?.[0]).toBe('https://alice.ton/x');
  });

  it('leave everything else alone', () => {
    for (const url of [
      'http://ton/',
      'http://alice.tonx/',
      'http://evil.com/?x=.ton/',
      'http://evil.com/alice.ton/',
      'https://alice.ton/',
      'http://t.me/durov',
      'ftp://alice.ton/',
    ]) {
      expect(http.test(url), url).toBe(false);
    }
    expect(httpNoTme.test('http://gateway.t.me/')).toBe(false);
    expect(https.test('https://durov.t.me/')).toBe(false); // a real web site
  });

  it('serve the hosts the settings say', () => {
    expect(servesHost({ tMe: true }, 'Gateway.T.Me.')).toBe(true);
    expect(servesHost({ tMe: false }, 'gateway.t.me')).toBe(false);
    expect(servesHost({ tMe: false }, 'ton')).toBe(false);
    expect(fetchPatterns(['ton'])).toEqual([
      { urlPattern: 'http://*.ton/*', requestStage: 'Request' },
      { urlPattern: 'http://*.ton:*', requestStage: 'Request' },
    ]);
  });
});

describe('PAC script of proxy mode', () => {
  function run(script: string, url: string): string {
    const host = new URL(url).hostname;
    const dnsDomainIs = (h: string, d: string) => h.endsWith(d);
    return new Function('dnsDomainIs', 'url', 'host', `${script}\nreturn FindProxyForURL(url, host);`)(
      dnsDomainIs,
      url,
      host,
    ) as string;
  }

  it('sends http TON hosts to the proxy and everything else direct', () => {
    const script = pacScript({ proxy: '127.0.0.1:8080', tMe: false });
    expect(run(script, 'http://alice.ton/x')).toBe('PROXY 127.0.0.1:8080');
    expect(run(script, 'http://ALICE.TON/')).toBe('PROXY 127.0.0.1:8080');
    expect(run(script, 'https://alice.ton/')).toBe('DIRECT');
    expect(run(script, 'http://gateway.t.me/')).toBe('DIRECT');
    expect(run(script, 'http://example.com/')).toBe('DIRECT');
    expect(run(pacScript({ proxy: 'proxy.local:3128', tMe: true }), 'http://gateway.t.me/')).toBe(
      'PROXY proxy.local:3128',
    );
  });
});

describe('settings validation', () => {
  it('accepts good values and names the bad field', () => {
    expect(
      checkSettingsPatch({ bridgeUrls: ['ws://127.0.0.1:8081/', 'wss://bridge.example'] }).bridgeUrls,
    ).toEqual(['ws://127.0.0.1:8081', 'wss://bridge.example']);
    expect(checkSettingsPatch({ proxy: ' 127.0.0.1:8080 ' }).proxy).toBe('127.0.0.1:8080');
    expect(() => checkSettingsPatch({ bridgeUrls: ['http://x'] })).toThrow(/ws:\/\//);
    expect(() => checkSettingsPatch({ bridgeUrls: [] })).toThrow(SettingsError);
    // DNS verification: proof by default, relaxable only to cross-checked (issue 14)
    expect(DEFAULT_SETTINGS.dnsVerification).toBe('proof');
    expect(checkSettingsPatch({ dnsVerification: 'cross-checked' }).dnsVerification).toBe('cross-checked');
    expect(() => checkSettingsPatch({ dnsVerification: 'single-source' })).toThrow(SettingsError);
    expect(() => checkSettingsPatch({ dnsVerification: 'none' })).toThrow(SettingsError);
    expect(() => checkSettingsPatch({ proxy: 'x:99999' })).toThrow(/HOST:PORT/);
    expect(() => checkSettingsPatch({ mode: 'tor' })).toThrow(SettingsError);
    expect(() => checkSettingsPatch({ network: { name: 'x', config: { dht: {} } } })).toThrow(/liteservers/);
    expect(checkSettingsPatch({ network: { name: 'mainnet', config: null } }).network?.config).toBeNull();
    expect(checkSettingsPatch({ unknown: 1 })).toEqual({});
    expect(DEFAULT_SETTINGS).toMatchObject({ enabled: true, mode: 'gateway', network: { name: 'mainnet' } });
  });
});

describe('loader target', () => {
  it('is the raw URL after ?u= plus the fragment', () => {
    expect(targetOf('?u=http://alice.ton/a?b=1&c=2', '#top')).toBe('http://alice.ton/a?b=1&c=2#top');
    expect(targetOf('?u=http%3A%2F%2Falice.ton%2F', '')).toBe('http://alice.ton/');
    expect(targetOf('?x=1&u=http://alice.ton/', '')).toBe('http://alice.ton/');
    expect(targetOf('', '')).toBe('');
  });
});

describe('error pages', () => {
  it('have a title, status and escaped detail per stage', () => {
    expect(explain({ stage: 'dns', host: 'a.ton', url: '', message: '', code: 'expired' })).toMatchObject({
      title: 'a.ton has expired',
      status: 404,
    });
    expect(explain({ stage: 'handshake', host: 'a.ton', url: '', message: '' }).title).toMatch(/unreachable/);
    expect(explain({ stage: 'bridge', host: '', url: '', message: '' }).status).toBe(502);
    const page = renderErrorPage({
      stage: 'http',
      host: 'a.ton',
      url: 'http://a.ton/<x>',
      message: '"<script>',
    });
    expect(page).not.toContain('<script>');
    expect(page).toContain('&#34;&#60;script&#62;');
  });
});
