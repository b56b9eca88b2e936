/**
 * Session rules of the storage protocol (ton storage/PeerActor.cpp): a ping announces the sender's session id, a
 * new id starts over; addUpdate must carry the receiver's own id; updateInit bitmaps are in td::Bitset layout with
 * a BYTE offset; have-pieces add pieces; state follows the highest seqno. And the server side refuses an addUpdate
 * for another session while answering one for ours.
 */
import { describe, expect, it } from 'vitest';
import {
  HavePieces,
  SessionTable,
  StorageError,
  StorageServer,
  applyUpdate,
  bagOverlayId,
  decodeOk,
  decodeStorageQuery,
  encodeAddUpdate,
  encodePing,
  unwrapOverlayQuery,
  wrapOverlayQuery,
} from '../../../src/net/storage/index.ts';
import { MAX_PENDING_UPDATES, applyPending, deferUpdate } from '../../../src/net/storage/sessions.ts';
import { MemoryNet } from './memory-net.ts';
import { demoBag } from './helpers.ts';

const state = (up: boolean, down: boolean) => ({
  _: 'storage.state' as const,
  will_upload: up,
  want_download: down,
});

describe('sessions', () => {
  it('a new ping id resets what we knew of the peer', () => {
    const table = new SessionTable();
    const peer = new Uint8Array(32).fill(1);
    const s = table.get(peer, 'bag');
    expect(table.get(peer, 'bag')).toBe(s);
    expect(table.ping(s, 5n)).toBe(true);
    expect(table.ping(s, 5n)).toBe(false);
    applyUpdate(s, 1, { _: 'storage.updateHavePieces', piece_id: [3, 4] }, 10);
    expect(s.peerHave?.count).toBe(2);
    expect(table.ping(s, 6n)).toBe(true);
    expect(s.peerHave).toBeNull();
  });

  it("a peer's first ping keeps what it already told us; updates before the bag's size are applied once it is known", () => {
    const table = new SessionTable();
    const s = table.get(new Uint8Array(32).fill(2), 'bag');
    // The seeder's updateInit (answering our ping) arrives before its own ping and before our torrent info.
    deferUpdate(s, 1, {
      _: 'storage.updateInit',
      have_pieces: Uint8Array.of(0b101),
      have_pieces_offset: 0,
      state: { _: 'storage.state', will_upload: true, want_download: false },
    });
    deferUpdate(s, 2, { _: 'storage.updateHavePieces', piece_id: [1] });
    expect(table.ping(s, 9n)).toBe(true); // its first id: nothing is forgotten
    expect(s.pending.length).toBe(2);
    applyPending(s, 8);
    expect([0, 1, 2, 3].map((i) => s.peerHave!.has(i))).toEqual([true, true, true, false]);
    expect(s.pending.length).toBe(0);
    // At most MAX_PENDING_UPDATES are kept.
    for (let i = 0; i < MAX_PENDING_UPDATES + 5; i++)
      deferUpdate(s, 3 + i, { _: 'storage.updateHavePieces', piece_id: [i] });
    expect(s.pending.length).toBe(MAX_PENDING_UPDATES);
    // A changed id still means a restart.
    expect(table.ping(s, 10n)).toBe(true);
    expect([s.peerHave, s.pending.length]).toEqual([null, 0]);
  });

  it('reads a have_pieces_offset past the bitmap as pieces (tonutils-storage), and skips deferred blocks outside the bag', () => {
    // 60,000 pieces: the second block starts at piece 48,000 = byte 6000; tonutils-storage says 48000.
    const byBytes = new HavePieces(60_000);
    byBytes.addBlock(Uint8Array.of(1), 6000);
    const byPieces = new HavePieces(60_000);
    byPieces.addBlock(Uint8Array.of(1), 48_000);
    expect([byBytes.has(48_000), byPieces.has(48_000), byPieces.count]).toEqual([true, true, 1]);
    expect(() => new HavePieces(60_000).addBlock(Uint8Array.of(1), 480_001)).toThrow(StorageError);
    const table = new SessionTable();
    const s = table.get(new Uint8Array(32).fill(3), 'bag');
    const state = { _: 'storage.state' as const, will_upload: true, want_download: false };
    deferUpdate(s, 1, {
      _: 'storage.updateInit',
      have_pieces: Uint8Array.of(1),
      have_pieces_offset: 1 << 30,
      state,
    });
    deferUpdate(s, 2, { _: 'storage.updateHavePieces', piece_id: [5] });
    applyPending(s, 10);
    expect(s.peerHave!.has(5)).toBe(true);
  });

  it('updateInit uses the td::Bitset layout and a byte offset; state follows the highest seqno', () => {
    const table = new SessionTable();
    const s = table.get(new Uint8Array(32), 'bag');
    applyUpdate(
      s,
      2,
      {
        _: 'storage.updateInit',
        have_pieces: Uint8Array.of(0b0000_0101, 0x80),
        have_pieces_offset: 1,
        state: state(true, false),
      },
      40,
    );
    expect([8, 9, 10, 23].map((i) => s.peerHave!.has(i))).toEqual([true, false, true, true]);
    expect(s.peerHave!.count).toBe(3);
    applyUpdate(s, 1, { _: 'storage.updateState', state: state(false, true) }, 40); // older: ignored
    expect(s.peerState).toEqual(state(true, false));
    applyUpdate(s, 3, { _: 'storage.updateState', state: state(false, true) }, 40);
    expect(s.peerState).toEqual(state(false, true));
  });

  it('a have-pieces bitmap is sent in blocks with byte offsets and read back the same', () => {
    const have = new HavePieces(100_000);
    for (const i of [0, 7, 8, 47_999, 48_000, 99_999]) have.add(i);
    const blocks = have.blocks();
    expect(blocks.map((b) => b.byteOffset)).toEqual([0, 6000, 12000]);
    const back = new HavePieces(100_000);
    for (const b of blocks) back.addBlock(b.bytes, b.byteOffset);
    expect(back.count).toBe(6);
    expect([0, 7, 8, 47_999, 48_000, 99_999].every((i) => back.has(i))).toBe(true);
  });

  it('the server answers our session updates and refuses others', async () => {
    const net = new MemoryNet();
    const seeder = net.node();
    const bag = demoBag();
    const server = new StorageServer({
      adnl: seeder,
      rldp: seeder.rldp,
      keyPair: seeder.keyPair,
      queryTimeoutMs: 200,
    });
    server.addBag(bag);
    const client = net.node();
    const sent: Uint8Array[] = [];
    // What the server sends us after our ping: updateInit for OUR session, then its own ping.
    client.onRldpQuery = async (_peer, q) => {
      sent.push(q);
      return Uint8Array.of(0x05, 0x1c, 0x2b, 0xc3); // storage.ok
    };
    let serverSession: bigint | null = null;
    client.onAdnlQuery = async (_peer, q) => {
      const ping = decodeStorageQuery(unwrapOverlayQuery(q)!.query);
      if (ping._ === 'storage.ping') serverSession = ping.session_id;
      return Uint8Array.of(0xa5, 0xc6, 0xf5, 0x6c); // storage.pong
    };
    const overlay = bagOverlayId(bag.info.bagId);
    const pong = await server.handleAdnlQuery(client.self, wrapOverlayQuery(overlay, encodePing(77n)));
    expect(pong).toEqual(Uint8Array.of(0xa5, 0xc6, 0xf5, 0x6c));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent.length).toBe(1);
    expect(sent[0].subarray(36, 40)).toEqual(
      encodeAddUpdate(77n, 1, { _: 'storage.updateState', state: state(true, false) }).subarray(0, 4),
    );
    // Our addUpdate must carry the server's session id: a made-up one is refused.
    const wrong = server.handleRldpQuery(
      client.self,
      wrapOverlayQuery(
        overlay,
        encodeAddUpdate(12345n, 1, { _: 'storage.updateState', state: state(false, true) }),
      ),
      { maxAnswerSize: 1024, deadline: Date.now() + 1000 },
    );
    await expect(wrong).rejects.toThrow();
    expect(server.stats.refused).toBe(1);
    expect(serverSession).not.toBeNull();
    const right = await server.handleRldpQuery(
      client.self,
      wrapOverlayQuery(
        overlay,
        encodeAddUpdate(serverSession!, 1, { _: 'storage.updateState', state: state(false, true) }),
      ),
      { maxAnswerSize: 1024, deadline: Date.now() + 1000 },
    );
    decodeOk(right!);
    expect(() => decodeOk(Uint8Array.of(1, 2, 3, 4))).toThrow();
  });
});
