import { describe, expect, it } from 'vitest';
import {
  BridgeSelector,
  defaultBridgeUrls,
  healthzUrl,
  mayRetryOnAnotherBridge,
  parseHealth,
  probeBridge,
  type BridgeProbe,
} from '../../../src/background/bridges/index.ts';
import { GatewayError } from '../../../src/net/gateway/index.ts';

const A = 'ws://a.example:8081';
const B = 'wss://b.example';
const C = 'ws://c.example:9000/bridge';

/** A probe answering from a table, counting its calls; an entry may be a promise to settle later. */
function fakeProbe(table: Record<string, Partial<BridgeProbe> | Promise<Partial<BridgeProbe>>>) {
  const calls: string[] = [];
  const probe = async (url: string): Promise<BridgeProbe> => {
    calls.push(url);
    const r = await table[url];
    return {
      url,
      ok: r?.ok ?? false,
      latencyMs: r?.latencyMs ?? null,
      via: 'healthz',
      health: null,
      error: r?.ok ? null : 'down',
    };
  };
  return { probe, calls };
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('BridgeSelector', () => {
  it('measures every bridge and orders the healthy ones by latency, the unhealthy last', async () => {
    const { probe, calls } = fakeProbe({
      [A]: { ok: true, latencyMs: 80 },
      [B]: { ok: true, latencyMs: 20 },
      [C]: { ok: false },
    });
    const s = new BridgeSelector([A, B, C], { probe });
    await s.measure();
    expect(calls.sort()).toEqual([A, B, C].sort());
    expect(s.orderNow()).toEqual([B, A, C]);
    expect(s.states().map((x) => [x.url, x.probe?.ok])).toEqual([
      [B, true],
      [A, true],
      [C, false],
    ]);
  });

  it('keeps the configured order among equals and for bridges not measured yet', () => {
    const s = new BridgeSelector([A, B, C, A], { probe: fakeProbe({}).probe });
    expect(s.urls).toEqual([A, B, C]);
    expect(s.orderNow()).toEqual([A, B, C]);
  });

  it('order() does not wait for a slow bridge once a healthy one answered', async () => {
    let releaseSlow!: (v: Partial<BridgeProbe>) => void;
    const slow = new Promise<Partial<BridgeProbe>>((r) => (releaseSlow = r));
    const { probe } = fakeProbe({ [A]: slow, [B]: { ok: true, latencyMs: 5 } });
    const s = new BridgeSelector([A, B], { probe });
    expect(await s.order()).toEqual([B, A]);
    releaseSlow({ ok: true, latencyMs: 1 });
    await s.measure();
    expect(s.orderNow()).toEqual([A, B]);
  });

  it('use() fails over to the next bridge, records which one is in use, and demotes the failed one', async () => {
    const c = clock();
    const { probe } = fakeProbe({ [A]: { ok: true, latencyMs: 1 }, [B]: { ok: true, latencyMs: 2 } });
    const s = new BridgeSelector([A, B], { probe, now: c.now, penaltyMs: 30_000 });
    const tried: string[] = [];
    const [value, url] = await s.use(async (u) => {
      tried.push(u);
      if (u === A) throw new Error('connection refused');
      return 42;
    });
    expect([value, url, tried]).toEqual([42, B, [A, B]]);
    expect(s.inUse).toBe(B);
    expect(s.orderNow()).toEqual([B, A]);
    expect(s.states().find((x) => x.url === A)?.lastError).toBe('connection refused');
    // The next use goes to B first, without measuring again.
    tried.length = 0;
    await s.use(async (u) => void tried.push(u));
    expect(tried).toEqual([B]);
  });

  it('rejects with the last error when no bridge works', async () => {
    const s = new BridgeSelector([A, B], { probe: fakeProbe({}).probe });
    await expect(
      s.use(async (u) => {
        throw new Error(`no ${u}`);
      }),
    ).rejects.toThrow(`no ${B}`);
    expect(s.inUse).toBeNull();
  });

  it('a bridge that failed is measured again after the penalty and promoted when healthy again', async () => {
    const c = clock();
    const table: Record<string, Partial<BridgeProbe>> = {
      [A]: { ok: true, latencyMs: 1 },
      [B]: { ok: true, latencyMs: 9 },
    };
    const { probe, calls } = fakeProbe(table);
    const s = new BridgeSelector([A, B], { probe, now: c.now, penaltyMs: 30_000, maxAgeMs: 300_000 });
    expect(await s.order()).toEqual([A, B]);
    s.succeeded(A);
    s.failed(A, new Error('relay closed'));
    expect(s.inUse).toBeNull();
    calls.length = 0;
    expect(await s.order()).toEqual([B, A]);
    expect(calls).toEqual([]); // within the penalty: nothing measured again
    c.advance(30_000);
    expect(await s.order()).toEqual([A, B]);
    expect(calls).toEqual([A]); // only the demoted one: B's measurement is still fresh
  });

  it('an unhealthy answer is measured again after the penalty, not on every order()', async () => {
    const c = clock();
    const { probe, calls } = fakeProbe({ [A]: { ok: false }, [B]: { ok: true, latencyMs: 3 } });
    const s = new BridgeSelector([A, B], { probe, now: c.now, penaltyMs: 10_000 });
    await s.order();
    calls.length = 0;
    await s.order();
    await s.order();
    expect(calls).toEqual([]);
    c.advance(10_000);
    await s.order();
    expect(calls).toEqual([A]);
  });

  it('measurements older than maxAgeMs are made again', async () => {
    const c = clock();
    const { probe, calls } = fakeProbe({ [A]: { ok: true, latencyMs: 3 } });
    const s = new BridgeSelector([A], { probe, now: c.now, maxAgeMs: 60_000 });
    await s.order();
    await s.order();
    expect(calls).toEqual([A]);
    c.advance(60_000);
    await s.order();
    expect(calls).toEqual([A, A]);
  });

  it('concurrent measurements share one round of probes', async () => {
    const { probe, calls } = fakeProbe({ [A]: { ok: true, latencyMs: 3 } });
    const s = new BridgeSelector([A], { probe });
    await Promise.all([s.measure(), s.measure(), s.order()]);
    expect(calls).toEqual([A]);
  });

  it('a probe that throws counts as unhealthy', async () => {
    const s = new BridgeSelector([A], {
      probe: () => Promise.reject(new Error('boom')),
    });
    const [p] = await s.measure();
    expect(p).toMatchObject({ url: A, ok: false, error: 'boom' });
  });

  it('refuses an empty list', () => {
    expect(() => new BridgeSelector([], { probe: fakeProbe({}).probe })).toThrow(/no bridge/);
  });
});

describe('probeBridge', () => {
  const health = { status: 'ok', liteservers: 2, streams: 1, uptimeSeconds: 5 };
  const json = (body: unknown, status = 200) =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));
  const noSocket = () => Promise.reject(new Error('must not be used'));

  it('reads /healthz on the same host, port and prefix', () => {
    expect(healthzUrl('ws://127.0.0.1:8081')).toBe('http://127.0.0.1:8081/healthz');
    expect(healthzUrl('wss://bridge.example/ton/')).toBe('https://bridge.example/ton/healthz');
  });

  it('is healthy when /healthz says ok with liteservers', async () => {
    const urls: string[] = [];
    const p = await probeBridge(C, {
      fetch: (u) => (urls.push(String(u)), json(health)),
      openWebSocket: noSocket,
    });
    expect(urls).toEqual(['http://c.example:9000/bridge/healthz']);
    expect(p).toMatchObject({ ok: true, via: 'healthz', health, error: null });
    expect(p.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('a draining bridge (503) or one without liteservers is not healthy', async () => {
    const draining = await probeBridge(A, {
      fetch: () => json({ ...health, status: 'draining' }, 503),
      openWebSocket: noSocket,
    });
    expect(draining).toMatchObject({ ok: false, via: 'healthz', error: 'bridge is draining' });
    const empty = await probeBridge(A, {
      fetch: () => json({ ...health, liteservers: 0 }),
      openWebSocket: noSocket,
    });
    expect(empty).toMatchObject({ ok: false, error: 'bridge has no liteservers configured' });
  });

  it('falls back to opening a WebSocket when /healthz is not readable', async () => {
    const opened: string[] = [];
    const ok = await probeBridge(A, {
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      openWebSocket: async (u) => void opened.push(u),
    });
    expect(opened).toEqual([A]);
    expect(ok).toMatchObject({ ok: true, via: 'websocket', health: null });
    // A 426 "WebSocket only" page (status endpoints on another port) is not a health answer either.
    const page = await probeBridge(A, {
      fetch: () => Promise.resolve(new Response('tonsite bridge: WebSocket only', { status: 426 })),
      openWebSocket: async () => undefined,
    });
    expect(page.via).toBe('websocket');
  });

  it('is down when neither answers', async () => {
    const p = await probeBridge(A, {
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
      openWebSocket: () => Promise.reject(new Error('connection refused')),
    });
    expect(p).toMatchObject({ ok: false, latencyMs: null, via: null, error: 'connection refused' });
  });

  it('a bad URL is a failed probe, not an exception', async () => {
    expect(await probeBridge('http://x', { fetch: () => json(health) })).toMatchObject({ ok: false });
  });

  it('parseHealth ignores what is not a /healthz body', () => {
    expect(parseHealth(health)).toEqual(health);
    expect(parseHealth({ ...health, liteservers: -1 })).toBeNull();
    expect(parseHealth({ status: 'ok' })).toBeNull();
    expect(parseHealth('ok')).toBeNull();
    expect(parseHealth(null)).toBeNull();
  });
});

describe('failover policy', () => {
  it('retries only safe methods, and not failures the bridge cannot cause', () => {
    const timeout = new GatewayError('rldp-timeout', 'a.ton', 'slow');
    expect(mayRetryOnAnotherBridge('GET', timeout)).toBe(true);
    expect(mayRetryOnAnotherBridge(undefined, timeout)).toBe(true);
    expect(mayRetryOnAnotherBridge('head', new GatewayError('closed', 'a.ton', 'closed'))).toBe(true);
    expect(mayRetryOnAnotherBridge('GET', new Error('relay closed'))).toBe(true);
    expect(mayRetryOnAnotherBridge('POST', timeout)).toBe(false);
    expect(mayRetryOnAnotherBridge('PUT', timeout)).toBe(false);
    const dns = (code?: string) => new GatewayError('dns', 'a.ton', 'dns', { code });
    expect(mayRetryOnAnotherBridge('GET', dns('not_registered'))).toBe(false);
    expect(mayRetryOnAnotherBridge('GET', dns('no_record'))).toBe(false);
    expect(mayRetryOnAnotherBridge('GET', dns('source_failure'))).toBe(true);
    expect(mayRetryOnAnotherBridge('GET', dns())).toBe(true);
    for (const stage of ['url', 'http', 'aborted'] as const)
      expect(mayRetryOnAnotherBridge('GET', new GatewayError(stage, 'a.ton', stage))).toBe(false);
  });
});

describe('default bridges', () => {
  it('come from default-bridges.json and are checked', () => {
    expect(defaultBridgeUrls()).toContain('ws://127.0.0.1:8081');
    expect(defaultBridgeUrls(['wss://b.example/'])).toEqual(['wss://b.example']);
    expect(() => defaultBridgeUrls([])).toThrow(/no bridges/);
    expect(() => defaultBridgeUrls(['http://x'])).toThrow(/not a ws/);
  });
});
