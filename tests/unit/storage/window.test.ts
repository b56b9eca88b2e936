/**
 * The request window of a streamed download: a stream asks for up to `prefetch` pieces ahead of the one it
 * delivers, the swarm keeps at most maxInflightPerPeer of them on the wire per peer, and a slow piece does not
 * stop the ones after it from being fetched (it did when the stream's window and the wire's were both 8), nor
 * does a piece past its stall time stop a seeder that still answers the others from getting new requests; a piece
 * no peer has waits for one to announce it. A stream
 * adds one abort listener, not one per piece ahead.
 */
import { describe, expect, it } from 'vitest';
import {
  PREFETCH_BYTES,
  decodeStorageQuery,
  defaultPrefetch,
  encodeAddUpdate,
  unwrapOverlayQuery,
  wrapOverlayQuery,
  type SwarmOptions,
} from '../../../src/net/storage/index.ts';
import { bytes, demoBag, peerOf, startClient, startSeeder } from './helpers.ts';
import { MemoryNet } from './memory-net.ts';

function pieceOf(query: Uint8Array): number | null {
  const inner = unwrapOverlayQuery(query);
  if (!inner) return null;
  const q = decodeStorageQuery(inner.query);
  return q._ === 'storage.getPiece' ? q.piece_id : null;
}

describe('the request window', () => {
  it('asks for 4 MiB of pieces ahead by default, at least 2 and at most 64', () => {
    expect(PREFETCH_BYTES).toBe(4 << 20);
    expect(defaultPrefetch(128 << 10)).toBe(32);
    expect(defaultPrefetch(1024)).toBe(64);
    expect(defaultPrefetch(8 << 20)).toBe(2);
  });

  /**
   * Streams big.bin from one seeder that holds back its answer for one piece inside it until the `target` pieces
   * after it have been answered (or 3 s have passed), and answers the others at once.
   */
  async function slowPieceRun(swarm: SwarmOptions, target: number) {
    const net = new MemoryNet();
    const bag = demoBag(1024);
    const seeder = startSeeder(net, [bag]);
    const serve = seeder.node.onRldpQuery!;
    let inflight = 0;
    let maxInflight = 0;
    let slowAnswered = false;
    let releaseSlow: (() => void) | null = null;
    const servedWhileSlow: number[] = [];
    const file = bag.header.files.find((f) => f.name === 'big.bin')!;
    const slow = Math.floor((bag.info.headerSize + file.offset) / 1024) + 3; // a piece inside the file
    seeder.node.onRldpQuery = (peer, q, ctx) => {
      const index = pieceOf(q);
      const answer = serve(peer, q, ctx);
      if (index === null || !answer) return answer;
      inflight++;
      maxInflight = Math.max(maxInflight, inflight);
      const held =
        index === slow
          ? new Promise<void>((resolve) => {
              releaseSlow = resolve;
              setTimeout(resolve, 3000);
            })
          : new Promise<void>((resolve) => setTimeout(resolve, 2));
      return Promise.all([answer, held]).then(([a]) => {
        inflight--;
        if (index === slow) slowAnswered = true;
        else if (!slowAnswered && index > slow) {
          servedWhileSlow.push(index);
          if (servedWhileSlow.length >= target) releaseSlow?.();
        }
        return a;
      });
    };
    const { client } = startClient(net, { cache: null, swarm });
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    const start = opened.fileStart(file);
    const body = opened.stream(start, start + file.size); // default window: 64 pieces of 1 KiB
    const got = new Uint8Array(await new Response(body).arrayBuffer());
    expect(Buffer.from(got).equals(Buffer.from(bytes(100_000, 7)))).toBe(true);
    return { servedWhileSlow: servedWhileSlow.length, maxInflight };
  }

  it('keeps fetching the pieces after a slow one, with no more than maxInflightPerPeer on the wire', async () => {
    const run = await slowPieceRun(
      { maxInflightPerPeer: 4, initialStallMs: 5000, pieceTimeoutMs: 5000 },
      defaultPrefetch(1024) - 1,
    );
    // The 63 pieces after the slow one came while it was out (with 8 ahead, as before, only 7 did); never more
    // than 4 requests at once.
    expect(run.servedWhileSlow).toBe(defaultPrefetch(1024) - 1);
    expect(run.maxInflight).toBeLessThanOrEqual(4);
  });

  it('a lone seeder that keeps answering gets new requests while one piece is past its stall time', async () => {
    // The slow piece passes its stall time (50 ms) long before it comes; there is no other peer to ask.
    const run = await slowPieceRun(
      { maxInflightPerPeer: 4, initialStallMs: 50, minStallMs: 50, pieceTimeoutMs: 5000 },
      defaultPrefetch(1024) - 1,
    );
    expect(run.servedWhileSlow).toBe(defaultPrefetch(1024) - 1);
  });

  it('a stream with dozens of pieces ahead adds no listener per piece (no leak warning), and stops on abort', async () => {
    const net = new MemoryNet();
    const bag = demoBag(1024);
    const seeder = startSeeder(net, [bag]);
    seeder.node.delayMs = 5;
    const { client } = startClient(net, { cache: null });
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const reader = opened.stream(0, bag.info.fileSize, { signal: controller.signal }).getReader();
      expect((await reader.read()).done).toBe(false);
      controller.abort();
      await expect(reader.read()).rejects.toMatchObject({ kind: 'aborted' });
      await new Promise((r) => setTimeout(r, 20)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('a request for a piece no peer has yet goes out once a peer announces it (storage.updateHavePieces)', async () => {
    const net = new MemoryNet();
    const bag = demoBag(1024);
    const seeder = startSeeder(net, [bag]);
    const last = bag.info.piecesCount - 1;
    const { node, client } = startClient(net, { cache: null });
    // The seeder's updateInit reaches the client without its last piece (as from a seeder still downloading).
    const deliver = node.onRldpQuery!;
    let session: { id: bigint; seqno: number; overlay: Uint8Array } | null = null;
    node.onRldpQuery = (peer, q, ctx) => {
      const inner = unwrapOverlayQuery(q);
      const query = inner && decodeStorageQuery(inner.query);
      if (inner && query?._ === 'storage.addUpdate' && query.update._ === 'storage.updateInit') {
        const have = query.update.have_pieces.slice();
        have[last >> 3] &= ~(1 << (last & 7)); // td::Bitset: bit i of byte i >> 3, least significant first
        session = { id: query.session_id, seqno: query.seqno, overlay: inner.overlayId };
        q = wrapOverlayQuery(
          inner.overlayId,
          encodeAddUpdate(query.session_id, query.seqno, { ...query.update, have_pieces: have }),
        );
      }
      return deliver(peer, q, ctx);
    };
    const opened = await client.open(bag.info.bagId, { peers: [peerOf(seeder)] });
    while (!session) await new Promise((r) => setTimeout(r, 5));
    const reading = new Response(opened.stream(0, bag.info.fileSize)).arrayBuffer();
    // Everything else arrives; then, with nothing in flight, the seeder announces the last piece.
    await new Promise((r) => setTimeout(r, 300));
    const s = session as { id: bigint; seqno: number; overlay: Uint8Array };
    const update = encodeAddUpdate(s.id, s.seqno + 1, { _: 'storage.updateHavePieces', piece_id: [last] });
    await client.handleRldpQuery(seeder.node.self, wrapOverlayQuery(s.overlay, update), {
      maxAnswerSize: 1024,
      deadline: Date.now() + 1000,
    });
    const got = new Uint8Array(await reading);
    expect(got.length).toBe(bag.info.fileSize);
  });
});
