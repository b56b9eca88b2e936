/**
 * Property and fuzz tests: the packet codec round-trips; random and mutated packets, datagrams and message parts
 * only ever yield typed errors (or are dropped and counted by the node), with bounded memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  encryptForKey,
  generateKeyPair,
  keyPairFromSeed,
  sha256,
} from '../../../src/net/crypto/index.ts';
import { tlEncode } from '../../../src/net/tl/index.ts';
import {
  ADNL_MAX_HUGE_MESSAGE,
  AdnlError,
  AdnlNode,
  PartReassembler,
  SeqnoWindow,
  decodePacket,
  encodePacket,
  packetSignedBytes,
  splitMessage,
  type AdnlMessage,
  type AdnlPacketFields,
  type AdnlPartMessage,
} from '../../../src/net/adnl/index.ts';
import { adnlId } from '../../../src/net/crypto/index.ts';
import { CaptureSocket, hex, loadVector } from './helpers.ts';

const RUNS = 300;

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
const long = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

const message: fc.Arbitrary<AdnlMessage> = fc.oneof(
  fc.record({ _: fc.constant('adnl.message.createChannel' as const), key: bytes(32, 32), date: int32 }),
  fc.record({
    _: fc.constant('adnl.message.confirmChannel' as const),
    key: bytes(32, 32),
    peer_key: bytes(32, 32),
    date: int32,
  }),
  fc.record({ _: fc.constant('adnl.message.custom' as const), data: bytes(0, 300) }),
  fc.constant({ _: 'adnl.message.nop' as const }),
  fc.record({ _: fc.constant('adnl.message.reinit' as const), date: int32 }),
  fc.record({ _: fc.constant('adnl.message.query' as const), query_id: bytes(32, 32), query: bytes(0, 300) }),
  fc.record({
    _: fc.constant('adnl.message.answer' as const),
    query_id: bytes(32, 32),
    answer: bytes(0, 300),
  }),
  fc.record({
    _: fc.constant('adnl.message.part' as const),
    hash: bytes(32, 32),
    total_size: int32,
    offset: int32,
    data: bytes(0, 300),
  }),
) as fc.Arbitrary<AdnlMessage>;

const addressList = fc.record({
  _: fc.constant('adnl.addressList' as const),
  addrs: fc.array(
    fc.record({
      _: fc.constant('adnl.address.udp' as const),
      ip: int32,
      port: fc.integer({ min: 0, max: 65535 }),
    }),
    { maxLength: 3 },
  ),
  version: int32,
  reinit_date: int32,
  priority: int32,
  expire_at: int32,
});

/** Any combination of the optional fields: every flag bit of adnl.packetContents. */
const packet: fc.Arbitrary<AdnlPacketFields> = fc
  .record(
    {
      rand1: bytes(0, 16),
      rand2: bytes(0, 16),
      from: fc.record({ _: fc.constant('pub.ed25519' as const), key: bytes(32, 32) }),
      from_short: fc.record({ _: fc.constant('adnl.id.short' as const), id: bytes(32, 32) }),
      body: fc.oneof(
        message.map((m) => ({ message: m })),
        fc.array(message, { maxLength: 4 }).map((ms) => ({ messages: ms })),
      ),
      address: addressList,
      priority_address: addressList,
      seqno: long,
      confirm_seqno: long,
      recv_addr_list_version: int32,
      recv_priority_addr_list_version: int32,
      reinit: fc.tuple(int32, int32),
      signature: bytes(0, 64),
    },
    { requiredKeys: ['rand1', 'rand2'] },
  )
  .map(({ body, reinit, ...rest }) => {
    const p: AdnlPacketFields = { ...rest, ...(body ?? {}) } as AdnlPacketFields;
    if (reinit) {
      p.reinit_date = reinit[0];
      p.dst_reinit_date = reinit[1];
    }
    return p;
  });

function onlyTyped(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof AdnlError)) throw error;
  }
}

const vector = loadVector<{
  first_packet: { plaintext_hex: string };
  live_roundtrip: { reply1_plaintext_hex: string };
}>('tonutils-go/adnl.json');
const seeds = [hex(vector.first_packet.plaintext_hex), hex(vector.live_roundtrip.reply1_plaintext_hex)];

describe('packet codec properties', () => {
  it('round-trips every flag combination; flags follow the fields; signed bytes clear bit 11', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const encoded = encodePacket(p);
        const decoded = decodePacket(encoded);
        expect(encodePacket(decoded)).toEqual(encoded);
        const signed = packetSignedBytes(decoded);
        expect(decodePacket(signed).signature).toBeUndefined();
        expect(decodePacket(signed).flags & 0x800).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });

  it('random bytes decode to a packet or an AdnlError, nothing else', () => {
    fc.assert(
      fc.property(bytes(0, 600), (b) => onlyTyped(() => decodePacket(b))),
      { numRuns: RUNS * 3 },
    );
  });

  it('mutated real packets decode or fail with AdnlError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (seed, edits, cut) => {
          const b = seed.slice(0, cut === undefined ? seed.length : cut % (seed.length + 1));
          for (const [at, value] of edits) if (b.length > 0) b[at % b.length] = value;
          onlyTyped(() => decodePacket(b));
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('refuses unknown flag bits (0x1000 is never on the wire)', () => {
    const b = hex(vector.first_packet.plaintext_hex);
    // flags word follows the 16-byte rand1 (1 + 15) after the 4-byte constructor id.
    b[21] |= 0x10;
    expect(() => decodePacket(b)).toThrow(AdnlError);
  });
});

describe('AdnlNode under hostile datagrams', () => {
  const me = keyPairFromSeed(new Uint8Array(32).fill(9));
  const myId = adnlId(me.publicKey);

  it('drops random datagrams and well-encrypted garbage without throwing or internal errors', () => {
    const socket = new CaptureSocket();
    const node = new AdnlNode({ socket, keyPair: me });
    node.onQuery = async () => new Uint8Array(0);
    fc.assert(
      fc.property(
        fc.oneof(
          bytes(0, 1500),
          bytes(0, 1500).map((b) => {
            const out = new Uint8Array(32 + b.length);
            out.set(myId);
            out.set(b, 32);
            return out;
          }),
        ),
        (d) => socket.inject(d, '127.0.0.1', 5555),
      ),
      { numRuns: RUNS * 2 },
    );
    // Garbage and mutated real plaintexts, properly encrypted to us: the decoder runs on them.
    fc.assert(
      fc.property(
        fc.oneof(
          bytes(0, 800),
          fc.constantFrom(...seeds).chain((s) =>
            fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }).map((edits) => {
              const b = s.slice();
              for (const [at, v] of edits) b[at % b.length] = v;
              return b;
            }),
          ),
        ),
        (plain) => {
          const sealed = encryptForKey(me.publicKey, plain, generateKeyPair());
          const d = new Uint8Array(32 + sealed.length);
          d.set(myId);
          d.set(sealed, 32);
          socket.inject(d, '127.0.0.1', 5555);
        },
      ),
      { numRuns: RUNS },
    );
    expect(node.stats.dropped.internal).toBeUndefined();
    // An unmodified real packet is validly signed (root signatures do not cover the destination): at most
    // that one sender became a peer.
    expect(node.peerCount).toBeLessThanOrEqual(1);
    node.close();
  });

  it('decryption failures are CryptoError (the node counts them as decrypt)', () => {
    const socket = new CaptureSocket();
    const node = new AdnlNode({ socket, keyPair: me });
    const d = new Uint8Array(200);
    d.set(myId);
    socket.inject(d, '127.0.0.1', 1);
    expect(node.stats.dropped.decrypt).toBe(1);
    expect(CryptoError).toBeDefined();
    node.close();
  });
});

describe('message parts', () => {
  const options = { maxReassemblies: 8, maxPerPeer: 3, timeoutMs: 10_000, now: () => 0 };

  it('split + shuffled, duplicated parts reassemble to the original message', () => {
    fc.assert(
      fc.property(
        bytes(1, ADNL_MAX_HUGE_MESSAGE),
        fc.integer({ min: 1, max: 1500 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (msg, size, order) => {
          const parts = splitMessage(msg, size);
          const shuffled = [...parts, ...order.slice(0, 3).map((i) => parts[i % parts.length])];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (order[i % Math.max(order.length, 1)] ?? 0) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
          }
          const r = new PartReassembler(options);
          let out: Uint8Array | null = null;
          for (const p of shuffled) {
            const got = r.add('peer', p);
            if (got) out = got;
          }
          expect(out).toEqual(msg);
          expect(r.pending).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('random parts only produce AdnlError and never exceed the reassembly bounds', () => {
    const hashes = [sha256(new Uint8Array([1])), sha256(new Uint8Array([2])), new Uint8Array(32)];
    const part: fc.Arbitrary<[string, AdnlPartMessage]> = fc.tuple(
      fc.constantFrom('a', 'b', 'c', 'd'),
      fc.record({
        _: fc.constant('adnl.message.part' as const),
        hash: fc.oneof(fc.constantFrom(...hashes), bytes(32, 32)),
        total_size: fc.oneof(int32, fc.integer({ min: 0, max: ADNL_MAX_HUGE_MESSAGE + 10 })),
        offset: fc.oneof(int32, fc.integer({ min: 0, max: ADNL_MAX_HUGE_MESSAGE })),
        data: bytes(0, 1100),
      }),
    );
    fc.assert(
      fc.property(fc.array(part, { maxLength: 60 }), (seq) => {
        const r = new PartReassembler(options);
        for (const [peer, p] of seq) {
          onlyTyped(() => r.add(peer, p));
          expect(r.pending).toBeLessThanOrEqual(options.maxReassemblies);
          expect(r.pendingBytes).toBeLessThanOrEqual(options.maxReassemblies * 2 * ADNL_MAX_HUGE_MESSAGE);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('rejects a completed message whose hash does not match, and expires stale reassemblies', () => {
    let now = 0;
    const r = new PartReassembler({ ...options, now: () => now });
    const [p0, p1] = splitMessage(new Uint8Array(2000).fill(1));
    r.add('x', p0);
    expect(() => r.add('x', { ...p1, data: p1.data.map(() => 2) })).toThrow(AdnlError);
    r.add('x', p0);
    expect(r.pending).toBe(1);
    now = 10_001;
    r.add('y', p0);
    expect(r.pending).toBe(1); // x expired, y started
    expect(() => splitMessage(new Uint8Array(ADNL_MAX_HUGE_MESSAGE + 1))).toThrow(AdnlError);
  });

  it('a node reassembles a huge message sent as parts in any order', async () => {
    const socket = new CaptureSocket();
    const server = keyPairFromSeed(new Uint8Array(32).fill(3));
    const node = new AdnlNode({ socket, keyPair: server });
    const got: Uint8Array[] = [];
    node.onCustom = (_p, d) => got.push(d);
    const clientSocket = new CaptureSocket();
    const client = new AdnlNode({ socket: clientSocket, keyPair: generateKeyPair() });
    const peer = client.addPeer(server.publicKey, { host: '127.0.0.1', port: 1 });
    const data = new Uint8Array(6000).map((_, i) => i & 255);
    client.sendCustom(peer, data);
    await Promise.resolve();
    expect(clientSocket.sent.length).toBeGreaterThanOrEqual(6);
    for (const d of clientSocket.sent.slice().reverse()) socket.inject(d.data, '127.0.0.1', 2);
    expect(got).toEqual([data]);
    expect(tlEncode({ _: 'adnl.message.custom', data }).length).toBeGreaterThan(6000);
    node.close();
    client.close();
  });
});

describe('seqno window', () => {
  it('matches a set-based model of "seen" within 64 of the highest', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 1n, max: 300n }), { maxLength: 200 }), (seqnos) => {
        const w = new SeqnoWindow();
        const seen = new Set<bigint>();
        let highest = 0n;
        for (const s of seqnos) {
          const modelSeen = s + 64n <= highest || seen.has(s);
          expect(w.seen(s)).toBe(modelSeen);
          if (!modelSeen) {
            w.add(s);
            seen.add(s);
            if (s > highest) highest = s;
          }
          expect(w.highest).toBe(highest);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
