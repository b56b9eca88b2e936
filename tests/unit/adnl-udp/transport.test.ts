/** Relay frames, the relay's destination policy, and the fault-injecting socket. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_RELAY_PAYLOAD,
  RelayDropReason,
  bridgeUdpUrl,
  decodeRelayFrame,
  encodeRelayDatagram,
  encodeRelayDropped,
} from '../../../src/net/transport/relay-protocol.ts';
import { formatIpv4, parseIpv4 } from '../../../src/net/transport/ipv4.ts';
import { FaultySocket } from '../../../src/net/transport/faulty-socket.ts';
import { TransportError } from '../../../src/net/transport/index.ts';
import { classifyIpv4, isAllowedDestination } from '../../../src/node/bridge/udp-relay-policy.ts';
import { CaptureSocket } from './helpers.ts';

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((o) => o.join('.'));

describe('IPv4 text', () => {
  it('parses only strict dotted quads and round-trips', () => {
    fc.assert(
      fc.property(ipv4, (h) => {
        expect(formatIpv4(parseIpv4(h) as number)).toBe(h);
      }),
    );
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '01.2.3.4',
      '256.1.1.1',
      'a.b.c.d',
      ' 1.2.3.4',
      '1.2.3.4 ',
      'localhost',
    ]) {
      expect(parseIpv4(bad)).toBeNull();
    }
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
  });
});

describe('relay frames', () => {
  it('round-trip datagrams and drop notices', () => {
    fc.assert(
      fc.property(
        ipv4,
        fc.integer({ min: 1, max: 65535 }),
        fc.uint8Array({ maxLength: MAX_RELAY_PAYLOAD }),
        (h, p, d) => {
          const f = decodeRelayFrame(encodeRelayDatagram(h, p, d));
          expect(f).toEqual({ kind: 'datagram', host: h, port: p, payload: d });
          expect(decodeRelayFrame(encodeRelayDropped(h, p, RelayDropReason.PACKET_RATE))).toEqual({
            kind: 'dropped',
            host: h,
            port: p,
            reason: RelayDropReason.PACKET_RATE,
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('decodes random bytes to a frame or a TransportError (4400) only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1600 }), (b) => {
        try {
          decodeRelayFrame(b);
        } catch (error) {
          expect(error).toBeInstanceOf(TransportError);
          expect((error as TransportError).code).toBe(4400);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('refuses oversize payloads, bad addresses and ports when encoding', () => {
    expect(() => encodeRelayDatagram('1.2.3.4', 5, new Uint8Array(MAX_RELAY_PAYLOAD + 1))).toThrow(
      TransportError,
    );
    expect(() => encodeRelayDatagram('example.com', 5, new Uint8Array(1))).toThrow(TransportError);
    expect(() => encodeRelayDatagram('1.2.3.4', 0, new Uint8Array(1))).toThrow(TransportError);
    expect(() => decodeRelayFrame(new Uint8Array([1, 1, 2, 3, 4, 0, 0]))).toThrow(TransportError);
  });

  it('builds the /udp URL', () => {
    expect(bridgeUdpUrl('ws://127.0.0.1:8081')).toBe('ws://127.0.0.1:8081/udp');
    expect(bridgeUdpUrl('wss://h.example/bridge/')).toBe('wss://h.example/bridge/udp');
    expect(() => bridgeUdpUrl('http://x')).toThrow(TransportError);
  });
});

describe('relay destination policy', () => {
  const strict = { allowLoopback: false, minPort: 1024 };
  const devnet = { allowLoopback: true, minPort: 1024 };

  it('classifies the special-purpose ranges', () => {
    const cases: [string, string][] = [
      ['0.1.2.3', 'this-network'],
      ['10.0.0.1', 'private'],
      ['100.64.0.1', 'cgnat'],
      ['100.127.255.255', 'cgnat'],
      ['100.128.0.1', 'public'],
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['169.254.1.1', 'link-local'],
      ['172.15.255.255', 'public'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['172.32.0.1', 'public'],
      ['192.0.0.8', 'ietf-protocol'],
      ['192.0.2.1', 'documentation'],
      ['192.88.99.1', '6to4-relay'],
      ['192.168.1.1', 'private'],
      ['198.18.0.1', 'benchmarking'],
      ['198.19.255.255', 'benchmarking'],
      ['198.51.100.7', 'documentation'],
      ['203.0.113.7', 'documentation'],
      ['224.0.0.1', 'multicast'],
      ['239.255.255.250', 'multicast'],
      ['240.0.0.1', 'reserved'],
      ['255.255.255.255', 'broadcast'],
      ['8.8.8.8', 'public'],
      ['65.21.141.231', 'public'],
    ];
    for (const [h, cls] of cases) expect([h, classifyIpv4(parseIpv4(h) as number)]).toEqual([h, cls]);
  });

  it('allows only public unicast with port >= 1024; devnet adds loopback only', () => {
    expect(isAllowedDestination('65.21.141.231', 30303, strict)).toBe(true);
    expect(isAllowedDestination('65.21.141.231', 53, strict)).toBe(false);
    expect(isAllowedDestination('65.21.141.231', 0, strict)).toBe(false);
    expect(isAllowedDestination('127.0.0.1', 30303, strict)).toBe(false);
    expect(isAllowedDestination('127.0.0.1', 30303, devnet)).toBe(true);
    expect(isAllowedDestination('10.0.0.1', 30303, devnet)).toBe(false);
    expect(isAllowedDestination('192.168.0.1', 30303, devnet)).toBe(false);
    expect(isAllowedDestination('255.255.255.255', 30303, devnet)).toBe(false);
    expect(isAllowedDestination('not-an-ip', 30303, devnet)).toBe(false);
  });

  it("refuses this host's own addresses even when public", () => {
    const own = { ...strict, blockedHosts: new Set(['65.21.141.231']) };
    expect(isAllowedDestination('65.21.141.231', 30303, own)).toBe(false);
    expect(isAllowedDestination('65.21.141.232', 30303, own)).toBe(true);
  });
});

describe('FaultySocket', () => {
  /** Deterministic uniform source. */
  function lcg(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }

  it('loses about the configured share, both ways', () => {
    const inner = new CaptureSocket();
    const f = new FaultySocket(inner, { loss: 0.2, random: lcg(1) });
    let received = 0;
    f.onMessage = () => received++;
    for (let i = 0; i < 2000; i++) {
      f.send(new Uint8Array([i & 255]), '127.0.0.1', 9);
      inner.inject(new Uint8Array([1]), '127.0.0.1', 9);
    }
    expect(inner.sent.length).toBeGreaterThan(1450);
    expect(inner.sent.length).toBeLessThan(1750);
    expect(received).toBeGreaterThan(1450);
    expect(received).toBeLessThan(1750);
    expect(f.stats.lost).toBe(4000 - inner.sent.length - received);
  });

  it('delays, reorders and duplicates; applies one direction only when asked', async () => {
    const inner = new CaptureSocket();
    const f = new FaultySocket(inner, {
      delayMs: 5,
      reorder: 0.3,
      reorderDelayMs: 30,
      duplicate: 0.1,
      random: lcg(2),
    });
    for (let i = 0; i < 50; i++) f.send(new Uint8Array([i]), '127.0.0.1', 9);
    expect(inner.sent).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 80));
    const order = inner.sent.map((d) => d.data[0]);
    expect(order.length).toBe(50 + f.stats.duplicated);
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
    expect(new Set(order).size).toBe(50);

    const inner2 = new CaptureSocket();
    const g = new FaultySocket(inner2, { loss: 1, direction: 'receive' });
    let got = 0;
    g.onMessage = () => got++;
    g.send(new Uint8Array([1]), '127.0.0.1', 9);
    inner2.inject(new Uint8Array([1]), '127.0.0.1', 9);
    expect(inner2.sent).toHaveLength(1);
    expect(got).toBe(0);
    g.close();
    expect(inner2.closed).toBe(true);
  });

  it('rejects nonsense settings and bounds queued datagrams', () => {
    expect(() => new FaultySocket(new CaptureSocket(), { loss: 2 })).toThrow(RangeError);
    const inner = new CaptureSocket();
    const f = new FaultySocket(inner, { delayMs: 1000, maxQueued: 10 });
    for (let i = 0; i < 20; i++) f.send(new Uint8Array([i]), '127.0.0.1', 9);
    expect(f.stats.delayed).toBe(10);
    expect(f.stats.lost).toBe(10);
    f.close();
  });
});
