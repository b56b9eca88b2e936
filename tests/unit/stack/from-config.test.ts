/**
 * stackFromConfig: one composition for every host. The published mainnet and testnet configs (../shared/spec)
 * give their liteservers, the compiled-in hints picked by zero state, a DHT, and the trust a host will report;
 * nothing connects while the stack is built (the pool factory is ours, and records what it was given).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CrossCheckResolver, FailoverResolver, SourceResolver } from '../../../src/net/dns/index.ts';
import { LitePool, type LiteServerEntry } from '../../../src/net/lite/index.ts';
import { stackFromConfig } from '../../../src/net/stack/index.ts';
import { createMemoryStreamPair } from '../../../src/net/transport/index.ts';

const mainnet: unknown = JSON.parse(readFileSync('../shared/spec/global-config-mainnet.json', 'utf8'));

let connects = 0;

/** A pool whose connections are counted: building a stack must open none. */
function idlePool(servers: LiteServerEntry[]): LitePool {
  return new LitePool({
    servers,
    connector: () => async () => (connects++, createMemoryStreamPair().a),
    healthCheckIntervalMs: 0,
  });
}

describe('stackFromConfig', () => {
  it('verifies by default: proven answers from the key block the release compiles in, failing over between servers', async () => {
    const stack = stackFromConfig(mainnet, { pool: idlePool });
    expect(stack.dns?.trust).toBe('proof');
    expect(stack.dns?.resolver).toBeInstanceOf(FailoverResolver);
    // mainnet's anchor: the compiled-in key block is newer than the config's init_block (PROOFS.md §2.5)
    const anchor = await stack.dns?.blockTrust?.anchor();
    expect(anchor?.source).toBe('compiled-in key block');
    expect(anchor?.id.seqno).toBe(95424597);
    const single = stackFromConfig(mainnet, { pool: idlePool, single: true });
    expect(single.dns?.trust).toBe('proof');
    expect(single.dns?.resolver).toBeInstanceOf(SourceResolver);
    expect(connects).toBe(0);
    stack.dns?.pool.close();
    single.dns?.pool.close();
  });

  it('refuses to verify with a config that has no validator section (no anchor)', () => {
    const { validator: _, ...bare } = mainnet as Record<string, unknown>;
    expect(() => stackFromConfig(bare, { pool: idlePool })).toThrow(/validator section/);
  });

  it('cross-checks on the liteservers of mainnet when relaxed, with its compiled-in hints and DHT', () => {
    const given: LiteServerEntry[][] = [];
    const stack = stackFromConfig(mainnet, {
      pool: (servers) => (given.push(servers), idlePool(servers)),
      verification: 'cross-checked',
    });
    expect(stack.servers.length).toBeGreaterThanOrEqual(2);
    expect(given).toEqual([stack.servers]);
    expect(stack.dns?.trust).toBe('cross-checked');
    expect(stack.dns?.resolver).toBeInstanceOf(CrossCheckResolver);
    expect(stack.hints).toBeDefined();
    expect(stack.dht?.staticNodes.length).toBeGreaterThan(0);
    expect(connects).toBe(0);
    stack.dns?.pool.close();
  });

  it('asks one liteserver with `single`, and when the config lists only one', () => {
    const single = stackFromConfig(mainnet, { pool: idlePool, single: true, verification: 'cross-checked' });
    expect(single.dns?.trust).toBe('single-source');
    expect(single.dns?.resolver).toBeInstanceOf(SourceResolver);
    single.dns?.pool.close();
    const one = {
      ...(mainnet as object),
      liteservers: (mainnet as { liteservers: unknown[] }).liteservers.slice(0, 1),
    };
    const stack = stackFromConfig(one, { pool: idlePool, verification: 'cross-checked' });
    expect(stack.dns?.trust).toBe('single-source');
    stack.dns?.pool.close();
  });

  it('has no DNS without liteservers and says why, and no DHT without static nodes', () => {
    const stack = stackFromConfig({ dht: { static_nodes: { nodes: [] } } }, { pool: idlePool });
    expect(stack.dns).toBeNull();
    expect(stack.serversError?.message).toMatch(/no liteservers/);
    expect(stack.dht).toBeNull();
    expect(stack.hints).toBeUndefined();
  });
});
