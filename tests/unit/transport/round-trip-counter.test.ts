import { describe, expect, it } from 'vitest';
import { createMemoryStreamPair, roundTripCounter } from '../../../src/net/transport/index.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('roundTripCounter', () => {
  it('counts the connect, then one round trip per burst of writes after a read', async () => {
    const counter = roundTripCounter();
    const pair = createMemoryStreamPair();
    const connect = counter.wrap(async () => pair.a);
    const stream = await connect();
    expect(counter.rounds()).toBe(1);
    const seen: number[] = [];
    stream.onData = (d) => seen.push(...d);
    stream.write(Uint8Array.of(1));
    stream.write(Uint8Array.of(2)); // pipelined: the same round trip
    expect(counter.rounds()).toBe(2);
    pair.b.write(Uint8Array.of(9)); // the answer
    await tick();
    expect(seen).toEqual([9]);
    stream.write(Uint8Array.of(3));
    expect(counter.rounds()).toBe(3);
    const other = await counter.wrap(async () => createMemoryStreamPair().a)();
    other.write(Uint8Array.of(4)); // a second connection adds its connect; this write shares the burst
    expect(counter.rounds()).toBe(4);
  });
});
