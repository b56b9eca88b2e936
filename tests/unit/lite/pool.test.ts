/** LitePool failover, retries, lag avoidance and diagnostics, over fake liteservers made from our server end. */
import { afterEach, describe, expect, it } from 'vitest';
import {
  LiteError,
  LiteErrorCode,
  LitePool,
  LiteServerError,
  liteServerConfigEntry,
  type LitePoolOptions,
  type LiteServerEntry,
} from '../../../src/net/lite/index.ts';
import { base64Encode } from '../../../src/net/transport/index.ts';
import { createFakeLiteServer, type FakeLiteServer } from './fake-liteserver.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pools: LitePool[] = [];
afterEach(() => pools.splice(0).forEach((p) => p.close()));

function makePool(servers: FakeLiteServer[], options: Partial<LitePoolOptions> = {}): LitePool {
  const entries: LiteServerEntry[] = servers.map((s, index) => ({
    index,
    host: '127.0.0.1',
    port: 10_000 + index,
    publicKey: s.keys.publicKey,
    key: base64Encode(s.keys.publicKey),
  }));
  const pool = new LitePool({
    servers: entries,
    connector: (entry) => servers[entry.index].connector,
    queryTimeoutMs: 2_000,
    connectTimeoutMs: 500,
    healthCheckIntervalMs: 0,
    retryMinDelayMs: 10,
    retryMaxDelayMs: 50,
    adnl: { pingIntervalMs: 0 },
    ...options,
  });
  pools.push(pool);
  return pool;
}

/** Waits until `cond` holds (bounded). */
async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(2);
  }
}

describe('LitePool', () => {
  it('refresh() reports per-server state: reachable, latency, seqno, lag, last error', async () => {
    const a = createFakeLiteServer(1000);
    const b = createFakeLiteServer(1000);
    b.down = true;
    const pool = makePool([a, b]);
    const status = await pool.refresh();
    expect(status[0]).toMatchObject({
      index: 0,
      state: 'ready',
      reachable: true,
      lastSeqno: 1000,
      lag: 0,
      lagging: false,
    });
    expect(status[0].latencyMs).toBeGreaterThanOrEqual(0);
    expect(status[1]).toMatchObject({
      index: 1,
      state: 'down',
      reachable: false,
      lastSeqno: null,
      lag: null,
    });
    expect(status[1].lastError).toMatch(/refused/);
  });

  it('stopping a server mid-query: the query is answered by the other server', async () => {
    const a = createFakeLiteServer(1000);
    const b = createFakeLiteServer(1000);
    const pool = makePool([a, b]);
    b.delayMs = 40; // make a the faster, preferred server
    await pool.refresh();
    b.delayMs = 0;
    a.delayMs = Infinity;
    const pending = pool.run((c, server) => c.getMasterchainInfo().then((info) => ({ info, server })));
    await until(() => a.calls.length === 2); // refresh + this query reached a
    a.kill();
    a.down = true;
    const { info, server } = await pending;
    expect(server.index).toBe(1);
    expect(info.last.seqno).toBe(1000);
    expect(pool.status()[0]).toMatchObject({ state: 'down', reachable: false });
  });

  it('a server that times out is failed over, then avoided', async () => {
    const a = createFakeLiteServer(1000);
    const b = createFakeLiteServer(1000);
    const pool = makePool([a, b], { queryTimeoutMs: 100 });
    b.delayMs = 40;
    await pool.refresh();
    b.delayMs = 0;
    a.delayMs = Infinity;
    const info = await pool.getMasterchainInfo();
    expect(info.last.seqno).toBe(1000);
    expect(pool.status()[0].lastError).toMatch(/timed out/);
    // Further requests go to b (a is busy/slow or down).
    const before = a.calls.length;
    for (let i = 0; i < 5; i++) await pool.getMasterchainInfo();
    expect(a.calls.length).toBe(before);
  });

  it('avoids a lagging server, uses it only as a last resort, and takes it back once it catches up', async () => {
    const servers = [createFakeLiteServer(1000), createFakeLiteServer(1001), createFakeLiteServer(900)];
    const pool = makePool(servers, { maxLagBlocks: 8 });
    const status = await pool.refresh();
    expect(status.map((s) => s.lag)).toEqual([1, 0, 101]);
    expect(status.map((s) => s.lagging)).toEqual([false, false, true]);
    const before = servers[2].calls.length;
    for (let i = 0; i < 20; i++) await pool.run((c) => c.getTime());
    expect(servers[2].calls.length).toBe(before);

    // Only the laggard left: it still answers rather than nothing.
    for (const s of servers.slice(0, 2)) {
      s.kill();
      s.down = true;
    }
    await sleep(5);
    expect(await pool.run((c) => c.getTime())).toBe(1_700_000_005);

    servers[2].seqno = 1001;
    servers[0].down = false;
    servers[1].down = false;
    await sleep(60); // past the retry backoff
    const after = await pool.refresh();
    expect(after.map((s) => s.lagging)).toEqual([false, false, false]);
  });

  it('a seqno seen in normal traffic updates lag too', async () => {
    const a = createFakeLiteServer(500);
    const b = createFakeLiteServer(500);
    const pool = makePool([a, b]);
    await pool.refresh();
    b.seqno = 600;
    await pool.runOn(1, (c) => c.getMasterchainInfo());
    await sleep(2);
    await pool.runOn(0, (c) => c.getMasterchainInfo());
    expect(pool.status().map((s) => s.lag)).toEqual([100, 0]);
  });

  it('retries on "not ready" server errors, not on other server errors, and never retries non-idempotent work', async () => {
    const a = createFakeLiteServer(1000);
    const b = createFakeLiteServer(1000);
    const pool = makePool([a, b]);
    await pool.refresh();
    let calls = 0;
    const value = await pool.run(async (_c, server) => {
      calls++;
      if (calls === 1) throw new LiteServerError(LiteErrorCode.NOT_READY, 'block not applied');
      return server.index;
    });
    expect(calls).toBe(2);
    expect(typeof value).toBe('number');

    calls = 0;
    await expect(
      pool.run(async () => {
        calls++;
        throw new LiteServerError(LiteErrorCode.ERROR, 'cannot compute');
      }),
    ).rejects.toBeInstanceOf(LiteServerError);
    expect(calls).toBe(1);

    a.delayMs = Infinity;
    b.delayMs = Infinity;
    const before = a.calls.length + b.calls.length;
    await expect(pool.run((c) => c.getTime({ timeoutMs: 50 }), { idempotent: false })).rejects.toMatchObject({
      kind: 'no-server',
    });
    expect(a.calls.length + b.calls.length).toBe(before + 1);
  });

  it('pipelined connections: a server whose handshake fails is failed over; non-idempotent work waits for the ack', async () => {
    const a = createFakeLiteServer(1000);
    const b = createFakeLiteServer(1000);
    const pool = makePool([a, b]);
    // Server 0 is listed with a key it does not have: it hangs up on our handshake (after we sent the query).
    // The pool picks its first server at random: fresh pools until server 0 was tried (2^-12 to miss it).
    const wrong = createFakeLiteServer(1000);
    const entries = pool.servers;
    let triedBroken = 0;
    for (let i = 0; i < 12; i++) {
      const broken = new LitePool({
        servers: [{ ...entries[0], publicKey: wrong.keys.publicKey }, entries[1]],
        connector: (entry) => [a, b][entry.index].connector,
        queryTimeoutMs: 2_000,
        connectTimeoutMs: 500,
        healthCheckIntervalMs: 0,
        adnl: { pingIntervalMs: 0 },
      });
      pools.push(broken);
      const info = await broken.run((c, server) => c.getMasterchainInfo().then(() => server.index));
      expect(info).toBe(1);
      if (broken.status()[0].reachable === false) triedBroken++;
    }
    expect(triedBroken).toBeGreaterThan(0);
    expect(a.calls.length).toBe(0);

    // Non-idempotent work on a fresh pool: the broken server is never sent the work, the good one gets it once.
    const fresh = new LitePool({
      servers: [{ ...entries[0], publicKey: wrong.keys.publicKey }],
      connector: () => a.connector,
      connectTimeoutMs: 500,
      healthCheckIntervalMs: 0,
      adnl: { pingIntervalMs: 0 },
    });
    pools.push(fresh);
    let ran = 0;
    await expect(
      fresh.run(
        async (c) => {
          ran++;
          return c.getTime();
        },
        { idempotent: false },
      ),
    ).rejects.toMatchObject({ kind: 'no-server' });
    expect(ran).toBe(0);
    expect(a.calls.length).toBe(0);
  });

  it('runOnTwo answers from two different servers, replacing a failed leg', async () => {
    const servers = [createFakeLiteServer(7), createFakeLiteServer(7), createFakeLiteServer(7)];
    const pool = makePool(servers);
    await pool.refresh();
    const [x, y] = await pool.runOnTwo((c) => c.getMasterchainInfo());
    expect(x.server.index).not.toBe(y.server.index);
    expect(x.value.last.seqno).toBe(7);
    expect(y.value.last.seqno).toBe(7);

    servers[0].delayMs = Infinity;
    const [p, q] = await pool.runOnTwo((c) => c.getTime({ timeoutMs: 80 }));
    expect(new Set([p.server.index, q.server.index])).toEqual(new Set([1, 2]));

    const single = makePool([createFakeLiteServer(1)]);
    const error = await single.runOnTwo((c) => c.getTime()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LiteError);
    expect((error as LiteError).kind).toBe('no-server');
  });

  it('recovers a server that comes back (reconnect after backoff)', async () => {
    const a = createFakeLiteServer(10);
    const pool = makePool([a]);
    await pool.refresh();
    a.kill();
    a.down = true;
    await sleep(5);
    await expect(pool.getMasterchainInfo()).rejects.toBeInstanceOf(LiteError);
    a.down = false;
    await sleep(60);
    expect((await pool.getMasterchainInfo()).last.seqno).toBe(10);
    expect(pool.status()[0]).toMatchObject({ state: 'ready', reachable: true, failures: 0, lastError: null });
  });

  it('builds from a global config and reports changes', async () => {
    const servers = [createFakeLiteServer(3), createFakeLiteServer(3)];
    const config = {
      liteservers: servers.map((s, i) => liteServerConfigEntry('127.0.0.1', 4000 + i, s.keys.publicKey)),
    };
    const seen: number[] = [];
    const pool = LitePool.fromConfig(config, (entry) => servers[entry.index].connector, {
      healthCheckIntervalMs: 0,
    });
    pools.push(pool);
    pool.onChange = (status) => seen.push(status.filter((s) => s.state === 'ready').length);
    expect(pool.servers.map((s) => `${s.host}:${s.port}`)).toEqual(['127.0.0.1:4000', '127.0.0.1:4001']);
    await pool.refresh();
    expect(seen.at(-1)).toBe(2);
  });
});
