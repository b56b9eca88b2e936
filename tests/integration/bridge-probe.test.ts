/**
 * The extension's bridge probe (src/background/bridges/probe.ts) against real bridges on loopback: /healthz read
 * the way the extension reads it (the bridge lets extension origins, and only them, read it), the WebSocket
 * fallback when the status endpoints are elsewhere, a draining bridge, and a stopped one. No liteserver is
 * contacted: a probe never opens /tcp.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { probeBridge } from '../../src/background/bridges/probe.ts';
import { startBridge, udpRelayRoute, type BridgeServer } from '../../src/node/bridge/index.ts';
import { openRelaySocket, bridgeUdpUrl } from '../../src/net/transport/index.ts';

const destinations = [
  { index: 0, host: '127.0.0.1', port: 9, key: new Uint8Array(32).fill(1) },
  { index: 1, host: '127.0.0.1', port: 9, key: new Uint8Array(32).fill(2) },
];

const bridges: BridgeServer[] = [];
afterEach(async () => {
  await Promise.all(bridges.splice(0).map((b) => b.close()));
});

async function bridge(options: { statusEndpoints?: boolean } = {}): Promise<BridgeServer> {
  const b = await startBridge({
    host: '127.0.0.1',
    port: 0,
    destinations,
    routes: [udpRelayRoute({ allowLoopback: true })],
    statusEndpoints: options.statusEndpoints,
  });
  bridges.push(b);
  return b;
}

/** Node has no global WebSocket before 22: the probe's fallback gets `ws`'s. */
const openWebSocket = async (url: string, timeoutMs: number) => {
  const socket = await openRelaySocket(bridgeUdpUrl(url), {
    connectTimeoutMs: timeoutMs,
    WebSocket: WebSocket as never,
    batch: false,
  });
  socket.close();
};

describe('bridge probe', () => {
  it('reads /healthz: healthy, with the number of liteservers', async () => {
    const b = await bridge();
    const probe = await probeBridge(b.url, { openWebSocket });
    expect(probe).toMatchObject({
      url: b.url,
      ok: true,
      via: 'healthz',
      health: { status: 'ok', liteservers: 2 },
      error: null,
    });
    expect(probe.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('/healthz is readable by browser-extension origins only', async () => {
    const b = await bridge();
    const healthz = b.url.replace(/^ws/, 'http') + '/healthz';
    const ext = await fetch(healthz, {
      headers: { origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' },
    });
    expect(ext.headers.get('access-control-allow-origin')).toBe(
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    );
    expect(ext.headers.get('vary')).toMatch(/origin/i);
    const web = await fetch(healthz, { headers: { origin: 'http://evil.example' } });
    expect(web.status).toBe(200);
    expect(web.headers.get('access-control-allow-origin')).toBeNull();
    const none = await fetch(healthz);
    expect(none.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('falls back to opening the relay when /healthz is not served on the bridge port', async () => {
    const b = await bridge({ statusEndpoints: false });
    const probe = await probeBridge(b.url, { openWebSocket });
    expect(probe).toMatchObject({ ok: true, via: 'websocket', health: null });
  });

  it('a draining bridge (no longer listening) is not healthy', async () => {
    const b = await bridge();
    const open = await openRelaySocket(bridgeUdpUrl(b.url), { WebSocket: WebSocket as never, batch: false });
    const drained = b.drain(10_000); // the open relay keeps it draining
    try {
      // Draining stops listening: nothing answers any more, /healthz included.
      const probe = await probeBridge(b.url, { openWebSocket, timeoutMs: 1_000 });
      expect(probe.ok).toBe(false);
    } finally {
      open.close();
      await drained;
    }
  });

  it('a stopped bridge is down', async () => {
    const b = await bridge();
    await b.close();
    const probe = await probeBridge(b.url, { openWebSocket, timeoutMs: 2_000 });
    expect(probe).toMatchObject({ ok: false, latencyMs: null, via: null });
    expect(probe.error).toBeTruthy();
  });
});
