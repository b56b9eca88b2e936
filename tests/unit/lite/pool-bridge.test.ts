/** The pool through the real `tonsite bridge` (src/node/bridge) with the `ws` WebSocket, as the browser runs it. */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import {
  LitePool,
  bridgeConnectors,
  liteServerConfigEntry,
  liteServersFromConfig,
} from '../../../src/net/lite/index.ts';
import type { WebSocketConstructor } from '../../../src/net/transport/index.ts';
import { startBridge } from '../../../src/node/bridge/index.ts';
import { createFakeLiteServer, listenFakeLiteServer } from './fake-liteserver.ts';

const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('LitePool over the WebSocket bridge', () => {
  it('answers through the bridge and fails over when a liteserver dies mid-query', async () => {
    const servers = [createFakeLiteServer(50), createFakeLiteServer(50)];
    const listening = await Promise.all(servers.map((s) => listenFakeLiteServer(s)));
    for (const l of listening) cleanup.push(() => l.tcp.close());
    const config = {
      liteservers: servers.map((s, i) =>
        liteServerConfigEntry('127.0.0.1', listening[i].port, s.keys.publicKey),
      ),
    };
    const bridge = await startBridge({
      destinations: liteServersFromConfig(config).map((e) => ({
        index: e.index,
        host: e.host,
        port: e.port,
        key: e.publicKey,
      })),
    });
    cleanup.push(() => bridge.close());
    const pool = LitePool.fromConfig(
      config,
      bridgeConnectors(bridge.url, { WebSocket: WebSocket as unknown as WebSocketConstructor }),
      {
        healthCheckIntervalMs: 0,
        retryMinDelayMs: 10,
        adnl: { pingIntervalMs: 0 },
      },
    );
    cleanup.push(() => pool.close());

    const status = await pool.refresh();
    expect(status.map((s) => [s.reachable, s.lastSeqno])).toEqual([
      [true, 50],
      [true, 50],
    ]);

    // Whichever server takes the next query hangs, then dies; the answer comes from the other one.
    for (const s of servers) s.delayMs = Infinity;
    const pending = pool.run((c, server) => c.getTime().then(() => server.index));
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (servers.some((s) => s.calls.length === 2)) {
          clearInterval(timer);
          resolve();
        }
      }, 2);
    });
    const victim = servers.findIndex((s) => s.calls.length === 2);
    const other = 1 - victim;
    servers[other].delayMs = 0;
    servers[victim].kill();
    listening[victim].tcp.close();
    expect(await pending).toBe(other);
  });
});
