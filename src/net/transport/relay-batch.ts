/**
 * Batched relay messages (relay-protocol.ts, 4.): entry = length(2, big-endian) || frame, up to
 * RELAY_BATCH_MAX_FRAMES entries and RELAY_BATCH_MAX_BYTES bytes per WebSocket message. One message per
 * event-loop turn instead of one per datagram is what makes the relay cheap: WebSocket framing, the socket write
 * and the receiver's dispatch are paid once per batch.
 */
import { parseIpv4 } from './ipv4.ts';
import {
  decodeRelayFrame,
  MAX_RELAY_PAYLOAD,
  RELAY_BATCH_MAX_BYTES,
  RELAY_BATCH_MAX_FRAMES,
  RELAY_HEADER_BYTES,
  RelayFrameKind,
  writeRelayHeaderIp,
  type RelayFrame,
} from './relay-protocol.ts';
import { TransportError } from './types.ts';

/** Bytes of the length prefix before each frame. */
export const RELAY_BATCH_PREFIX_BYTES = 2;

const MAX_FRAME_BYTES = RELAY_HEADER_BYTES + MAX_RELAY_PAYLOAD;

/**
 * Parses one batched message. Payloads are views into `message` (no copy). TransportError (code 4400) when the
 * message is empty or over RELAY_BATCH_MAX_BYTES (checked before anything else), has more than
 * RELAY_BATCH_MAX_FRAMES entries (checked before each frame is decoded), an entry whose length is out of range
 * or runs past the end, or any malformed frame (decodeRelayFrame): the message is then refused as a whole.
 */
export function decodeRelayBatch(message: Uint8Array): RelayFrame[] {
  const total = message.length;
  if (total === 0) throw badBatch('empty message');
  if (total > RELAY_BATCH_MAX_BYTES)
    throw badBatch(`message of ${total} bytes exceeds ${RELAY_BATCH_MAX_BYTES}`);
  const frames: RelayFrame[] = [];
  let at = 0;
  while (at < total) {
    if (frames.length === RELAY_BATCH_MAX_FRAMES)
      throw badBatch(`more than ${RELAY_BATCH_MAX_FRAMES} frames`);
    if (total - at < RELAY_BATCH_PREFIX_BYTES) throw badBatch('truncated length prefix');
    const length = (message[at] << 8) | message[at + 1];
    at += RELAY_BATCH_PREFIX_BYTES;
    if (length < RELAY_HEADER_BYTES || length > MAX_FRAME_BYTES) throw badBatch(`frame length ${length}`);
    if (length > total - at) throw badBatch(`frame of ${length} bytes runs past the end`);
    frames.push(decodeRelayFrame(message.subarray(at, at + length)));
    at += length;
  }
  return frames;
}

/**
 * Collects frames into one batched message in a fixed RELAY_BATCH_MAX_BYTES buffer (no allocation per frame);
 * take() hands out a copy of what was collected and starts over. The owner checks fits() and takes the batch
 * first when the next frame would not fit.
 */
export class RelayBatchWriter {
  readonly #buf = new Uint8Array(RELAY_BATCH_MAX_BYTES);
  #length = 0;
  #frames = 0;
  // One-entry cache of the last host's parsed address: a burst goes to (or comes from) one peer.
  #lastHost: string | null = null;
  #lastIp = 0;

  /** Bytes collected so far (length prefixes included). */
  get byteLength(): number {
    return this.#length;
  }

  /** Frames collected so far. */
  get frameCount(): number {
    return this.#frames;
  }

  /** True iff one more frame carrying `restBytes` after its header fits in this batch. */
  fits(restBytes: number): boolean {
    return (
      this.#frames < RELAY_BATCH_MAX_FRAMES &&
      this.#length + RELAY_BATCH_PREFIX_BYTES + RELAY_HEADER_BYTES + restBytes <= RELAY_BATCH_MAX_BYTES
    );
  }

  /** Adds a DATAGRAM frame. TransportError for a bad host or port, an oversize payload, or a full batch. */
  appendDatagram(host: string, port: number, payload: Uint8Array): void {
    if (payload.length > MAX_RELAY_PAYLOAD) {
      throw new TransportError(`relay: datagram of ${payload.length} bytes exceeds ${MAX_RELAY_PAYLOAD}`);
    }
    const at = this.#begin(RelayFrameKind.DATAGRAM, host, port, payload.length);
    this.#buf.set(payload, at);
    this.#end(payload.length);
  }

  /** Adds a DROPPED notice (bridge → client). */
  appendDropped(host: string, port: number, reason: number): void {
    const at = this.#begin(RelayFrameKind.DROPPED, host, port, 1);
    this.#buf[at] = reason & 255;
    this.#end(1);
  }

  /** The batch collected so far (a copy the caller owns), and an empty writer; null when nothing was collected. */
  take(): Uint8Array | null {
    if (this.#frames === 0) return null;
    const message = this.#buf.slice(0, this.#length);
    this.#length = 0;
    this.#frames = 0;
    return message;
  }

  /** Writes prefix and header; returns where the frame's rest goes. Nothing is written when it throws. */
  #begin(kind: number, host: string, port: number, restBytes: number): number {
    if (!this.fits(restBytes)) throw new TransportError('relay: batch is full');
    let ip = this.#lastIp;
    if (host !== this.#lastHost) {
      const parsed = parseIpv4(host);
      if (parsed === null)
        throw new TransportError(`relay: not an IPv4 address: ${String(host).slice(0, 64)}`);
      ip = parsed;
    }
    const at = this.#length;
    writeRelayHeaderIp(this.#buf, at + RELAY_BATCH_PREFIX_BYTES, kind, ip, port);
    this.#lastHost = host;
    this.#lastIp = ip;
    const frameLength = RELAY_HEADER_BYTES + restBytes;
    this.#buf[at] = frameLength >>> 8;
    this.#buf[at + 1] = frameLength & 255;
    return at + RELAY_BATCH_PREFIX_BYTES + RELAY_HEADER_BYTES;
  }

  #end(restBytes: number): void {
    this.#length += RELAY_BATCH_PREFIX_BYTES + RELAY_HEADER_BYTES + restBytes;
    this.#frames++;
  }
}

/** One batched message holding `frames` in order (tests, simple senders). TransportError if they do not fit. */
export function encodeRelayBatch(frames: readonly RelayFrame[]): Uint8Array {
  if (frames.length === 0) throw new TransportError('relay: a batch needs at least one frame');
  const writer = new RelayBatchWriter();
  for (const f of frames) {
    if (f.kind === 'datagram') writer.appendDatagram(f.host, f.port, f.payload);
    else writer.appendDropped(f.host, f.port, f.reason);
  }
  return writer.take() as Uint8Array;
}

function badBatch(message: string): TransportError {
  return new TransportError(`relay batch: ${message}`, 4400);
}
