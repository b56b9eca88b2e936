/**
 * Request bodies travel "backwards" (DIGEST §8.1): after we send http.request, the site pulls the body from us
 * with its own http.getNextPayloadPart{id = request id} RLDP queries. RequestBodies keeps the bodies of our
 * requests in flight and answers those pulls, in seqno order, only to the peer the request went to.
 */
import type { AdnlPeer } from '../adnl/index.ts';
import { ChunkReader } from './body.ts';
import {
  boxedId,
  decodeGetNextPayloadPart,
  encodePayloadPart,
  HTTP_GET_NEXT_PAYLOAD_PART_ID,
} from './codec.ts';
import { HttpError } from './errors.ts';
import { HTTP_CHUNK_SIZE, HTTP_SERVER_IDLE_MS, PAYLOAD_PART_OVERHEAD } from './limits.ts';
import { hexOf, unrefTimer, type IncomingQueryContext } from './transport.ts';

interface BodySender {
  peerKey: string;
  reader: ChunkReader;
  seqno: number;
  busy: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

export class RequestBodies {
  readonly #senders = new Map<string, BodySender>();
  readonly #maxChunk: number;
  readonly #idleMs: number;

  constructor(options: { maxChunk?: number; idleMs?: number } = {}) {
    this.#maxChunk = options.maxChunk ?? HTTP_CHUNK_SIZE;
    this.#idleMs = options.idleMs ?? HTTP_SERVER_IDLE_MS;
  }

  get size(): number {
    return this.#senders.size;
  }

  /** Makes the body of request `id` available to `peer`; it is forgotten once fully sent or idle too long. */
  register(id: Uint8Array, peer: AdnlPeer, reader: ChunkReader): void {
    const key = hexOf(id);
    if (this.#senders.has(key)) throw new HttpError('request', 'duplicate request id');
    const sender: BodySender = { peerKey: hexOf(peer.id), reader, seqno: 0, busy: false, timer: null };
    this.#senders.set(key, sender);
    this.#arm(key, sender);
  }

  /** Stops serving the body of request `id` (request failed or was aborted). */
  drop(id: Uint8Array, reason?: unknown): void {
    const key = hexOf(id);
    const sender = this.#senders.get(key);
    if (!sender) return;
    this.#forget(key, sender);
    sender.reader.cancel(reason);
  }

  dropAll(reason?: unknown): void {
    for (const [key, sender] of [...this.#senders]) {
      this.#forget(key, sender);
      sender.reader.cancel(reason);
    }
  }

  /**
   * Answers an incoming RLDP query if it is a pull of one of our request bodies; null for other queries.
   * HttpError for a pull we must not answer (unknown id, another peer, wrong seqno, overlapping pulls).
   */
  handleQuery(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> | null {
    if (boxedId(data) !== HTTP_GET_NEXT_PAYLOAD_PART_ID) return null;
    return this.#serve(peer, data, ctx);
  }

  async #serve(peer: AdnlPeer, data: Uint8Array, ctx: IncomingQueryContext): Promise<Uint8Array> {
    const q = decodeGetNextPayloadPart(data);
    const key = hexOf(q.id);
    const sender = this.#senders.get(key);
    if (!sender || sender.peerKey !== hexOf(peer.id))
      throw new HttpError('protocol', 'pull of an unknown request body');
    if (sender.busy) throw new HttpError('protocol', 'overlapping pulls of one request body');
    if (q.seqno !== sender.seqno) {
      throw new HttpError('protocol', `request body pulled with seqno ${q.seqno}, expected ${sender.seqno}`);
    }
    const room = Math.min(this.#maxChunk, ctx.maxAnswerSize - PAYLOAD_PART_OVERHEAD);
    const chunk = Math.min(q.maxChunkSize, room);
    if (!(chunk > 0)) throw new HttpError('protocol', `pull with max_chunk_size ${q.maxChunkSize}`);
    sender.busy = true;
    this.#arm(key, sender);
    try {
      const part = await sender.reader.read(chunk);
      sender.seqno++;
      if (part.last) this.#forget(key, sender);
      return encodePayloadPart({ data: part.data, trailer: [], last: part.last });
    } catch (error) {
      this.#forget(key, sender);
      sender.reader.cancel(error);
      throw error;
    } finally {
      sender.busy = false;
    }
  }

  #arm(key: string, sender: BodySender): void {
    if (sender.timer) clearTimeout(sender.timer);
    sender.timer = unrefTimer(
      setTimeout(() => {
        if (this.#senders.get(key) !== sender) return;
        this.#forget(key, sender);
        sender.reader.cancel(new HttpError('timeout', 'request body was not pulled in time'));
      }, this.#idleMs),
    );
  }

  #forget(key: string, sender: BodySender): void {
    if (sender.timer) clearTimeout(sender.timer);
    sender.timer = null;
    if (this.#senders.get(key) === sender) this.#senders.delete(key);
  }
}
