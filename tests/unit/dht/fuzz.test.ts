/**
 * Property tests of everything that parses DHT bytes from the wire: random and mutated inputs may only ever
 * produce a result or a DhtError — never another exception, hang or huge allocation. Plus round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  decodeIncomingQuery,
  decodeNodes,
  decodeOverlayNodes,
  decodeValueResult,
  DhtError,
  DhtServer,
  dhtKeyId,
  encodeOverlayNodes,
  makeSignedValue,
  overlayIdOf,
  readOverlayNodes,
  signDhtNode,
  signOverlayNode,
  verifyDhtNode,
  verifyDhtValue,
  type ValueResult,
} from '../../../src/net/dht/index.ts';
import { seededKeyPair } from './sim-network.ts';

const NOW = 1_700_000_000;
const kp = seededKeyPair(1, 1);
const sampleValue = makeSignedValue(kp, 'address', 0, new Uint8Array(40).fill(7), NOW + 600);
const validFound = tlEncode({ _: 'dht.valueFound', value: sampleValue });
const nodes = [0, 1, 2].map((i) =>
  signDhtNode(seededKeyPair(10 + i, 1), [{ host: '10.0.0.1', port: 100 + i }]),
);
const validNotFound = tlEncode({ _: 'dht.valueNotFound', nodes: { _: 'dht.nodes', nodes } });
const overlay = overlayIdOf(new Uint8Array(32).fill(1));
const validOverlay = encodeOverlayNodes([signOverlayNode(seededKeyPair(20, 1), overlay, NOW)]);

/** Runs `f`; anything thrown must be a DhtError. */
function onlyDhtErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!(error instanceof DhtError)) throw error;
  }
}

/** Full client-side handling of one findValue answer. */
function consume(bytes: Uint8Array): void {
  const r: ValueResult = decodeValueResult(bytes);
  if (r.kind === 'found') verifyDhtValue(r.value, NOW);
  else for (const n of r.nodes) onlyDhtErrors(() => verifyDhtNode(n));
}

const mutated = (base: Uint8Array) =>
  fc
    .array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 8,
    })
    .chain((edits) =>
      fc.record({
        edits: fc.constant(edits),
        cut: fc.integer({ min: 0, max: base.length }),
        extra: fc.uint8Array({ maxLength: 8 }),
      }),
    )
    .map(({ edits, cut, extra }) => {
      const out = base.slice();
      for (const [i, b] of edits) out[i] = b;
      return Uint8Array.from([...out.subarray(0, cut), ...extra]);
    });

describe('DHT parsing fuzz', () => {
  it('the valid inputs are valid', () => {
    consume(validFound);
    consume(validNotFound);
    expect(readOverlayNodes(validOverlay, overlay)).toHaveLength(1);
  });

  it('random bytes into every decoder: DhtError only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        onlyDhtErrors(() => consume(bytes));
        onlyDhtErrors(() => decodeNodes(bytes));
        onlyDhtErrors(() => decodeIncomingQuery(bytes));
        onlyDhtErrors(() => readOverlayNodes(bytes, overlay));
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes behind valid constructor ids: DhtError only', () => {
    const ids = [validFound.subarray(0, 4), validNotFound.subarray(0, 4), validOverlay.subarray(0, 4)];
    fc.assert(
      fc.property(fc.constantFrom(...ids), fc.uint8Array({ maxLength: 400 }), (id, rest) => {
        const bytes = Uint8Array.from([...id, ...rest]);
        onlyDhtErrors(() => consume(bytes));
        onlyDhtErrors(() => readOverlayNodes(bytes, overlay));
      }),
      { numRuns: 400 },
    );
  });

  it('mutated valueFound / valueNotFound / overlay.nodes: DhtError only, and a mutated value never verifies with other content', () => {
    fc.assert(
      fc.property(mutated(validFound), (bytes) => {
        try {
          const r = decodeValueResult(bytes);
          if (r.kind === 'found') {
            const info = verifyDhtValue(r.value, NOW);
            // Whatever still verifies must be exactly what was signed.
            expect(info.value).toEqual(sampleValue.value);
            expect(info.ttl).toBe(sampleValue.ttl);
          }
        } catch (error) {
          if (!(error instanceof DhtError)) throw error;
        }
      }),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(mutated(validNotFound), (bytes) => onlyDhtErrors(() => consume(bytes))),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(mutated(validOverlay), (bytes) => onlyDhtErrors(() => readOverlayNodes(bytes, overlay))),
      { numRuns: 300 },
    );
  });

  it('length prefixes claiming huge sizes are refused before allocation', () => {
    // dht.valueNotFound + dht.nodes vector count 0x7fffffff.
    const bytes = Uint8Array.from([...validNotFound.subarray(0, 4), 0xff, 0xff, 0xff, 0x7f]);
    expect(() => decodeValueResult(bytes)).toThrow(DhtError);
    expect(() => decodeValueResult(new Uint8Array(1 << 20))).toThrow(DhtError);
    expect(() => decodeOverlayNodes(new Uint8Array(769))).toThrow(DhtError);
  });

  it('a DhtServer answers or ignores any bytes, never throws', () => {
    const s = new DhtServer({ keyPair: kp, addresses: [{ host: '127.0.0.1', port: 1 }], now: () => NOW });
    for (const n of nodes) s.addNode(n);
    s.store(sampleValue);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          mutated(tlEncode({ _: 'dht.store', value: sampleValue })),
        ),
        (bytes) => {
          const answer = s.handle(bytes, new Uint8Array(32));
          if (answer !== null) expect(answer.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('round-trip: any valid key/value signs, encodes, decodes and verifies to the same content', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 127 }),
        fc.integer({ min: 0, max: 15 }),
        fc.uint8Array({ maxLength: 768 }),
        fc.integer({ min: NOW, max: NOW + 3600 }),
        fc.constantFrom('signature' as const, 'anybody' as const),
        (name, idx, data, ttl, rule) => {
          const v = makeSignedValue(kp, name, idx, data, ttl, rule);
          const r = decodeValueResult(tlEncode({ _: 'dht.valueFound', value: v }));
          if (r.kind !== 'found') throw new Error('expected valueFound');
          const info = verifyDhtValue(r.value, NOW);
          expect(info.value).toEqual(data);
          expect(info.ttl).toBe(ttl);
          expect(info.rule).toBe(rule);
          expect(info.keyId).toEqual(dhtKeyId(v.key.key));
        },
      ),
      { numRuns: 60 },
    );
  });
});
