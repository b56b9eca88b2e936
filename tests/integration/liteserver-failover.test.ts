/**
 * The lite pool (src/net/lite/pool.ts) against two devnet liteservers sharing one chain: stopping the server
 * that holds an in-flight query still gets an answer from the other; a lagging (frozen) server is noticed and
 * avoided. Over direct TCP and through the bridge.
 */
import { WebSocket } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startDevnet, type Devnet } from '../../src/devnet/index.ts';
import { LitePool, type LiteServerEntry } from '../../src/net/lite/index.ts';
import { bridgeTcpUrl, connectWebSocketStream, type StreamConnector } from '../../src/net/transport/index.ts';
import { tcpConnector } from '../../src/node/tcp-stream.ts';

let devnet: Devnet | null = null;
let pool: LitePool | null = null;

afterEach(async () => {
  pool?.close();
  pool = null;
  await devnet?.stop();
  devnet = null;
});

const direct = (s: LiteServerEntry): StreamConnector => tcpConnector(s.host, s.port);

async function setup(connector: (d: Devnet) => (s: LiteServerEntry) => StreamConnector = () => direct) {
  devnet = await startDevnet({ liteservers: 2, blockIntervalMs: 0 });
  pool = LitePool.fromConfig(devnet.globalConfig, connector(devnet), {
    healthCheckIntervalMs: 0,
    queryTimeoutMs: 5_000,
    retryMinDelayMs: 60_000,
  });
  return { devnet, pool };
}

async function waitUntil(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 5));
}

describe('lite pool failover on devnet liteservers', () => {
  for (const via of ['tcp', 'bridge'] as const) {
    it(`answers from the other server when the one holding the query stops (${via})`, async () => {
      const { devnet, pool } = await setup((d) =>
        via === 'tcp'
          ? direct
          : (s) => () =>
              connectWebSocketStream(bridgeTcpUrl(d.bridge!.url, { server: s.index }), { WebSocket }),
      );
      await pool.refresh();
      const expected = devnet.chain.last.id.seqno;
      // Both servers hold answers back, so the query is surely in flight when its server goes away.
      for (const ls of devnet.liteservers) ls.setDelay(400);
      let servedBy = -1;
      const answer = pool.run(async (client, server) => {
        const info = await client.getMasterchainInfo();
        servedBy = server.index;
        return info;
      });
      await waitUntil(() => pool.status().some((s) => s.inFlight > 0));
      const victim = pool.status().find((s) => s.inFlight > 0)!.index;
      const survivor = 1 - victim;
      devnet.liteservers[survivor].setDelay(0);
      await devnet.liteservers[victim].stop();
      const info = await answer;
      expect(info.last.seqno).toBe(expected);
      expect(servedBy).toBe(survivor);
      const status = pool.status();
      expect(status[victim].reachable).toBe(false);
      expect(status[survivor].reachable).toBe(true);
    });
  }

  it('notices a lagging server and stops using it', async () => {
    const { devnet, pool } = await setup();
    const laggard = 1;
    devnet.liteservers[laggard].freeze();
    for (let i = 0; i < 12; i++) devnet.seal();
    const status = await pool.refresh();
    expect(status[laggard].lag).toBe(12);
    expect(status[laggard].lagging).toBe(true);
    expect(status[0].lagging).toBe(false);
    const used = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const seqno = await pool.run(async (client, server) => {
        used.add(server.index);
        return (await client.getMasterchainInfo()).last.seqno;
      });
      expect(seqno).toBe(devnet.chain.last.id.seqno);
    }
    expect([...used]).toEqual([0]);
    // Blocks the laggard does not have yet are "not applied" there (651), like a desynced real liteserver.
    const last = await pool.runOn(0, (c) => c.getMasterchainInfo());
    await expect(pool.runOn(laggard, (c) => c.getBlockHeader(last.last))).rejects.toThrow(/651|not applied/);
    // Once it catches up it is used again.
    devnet.liteservers[laggard].unfreeze();
    const again = await pool.refresh();
    expect(again[laggard].lagging).toBe(false);
  });
});
