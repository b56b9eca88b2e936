/**
 * ADNL-TCP framing (DIGEST §2.2), on PLAINTEXT bytes: `size(4 LE) || nonce(32) || payload || sha256(nonce ||
 * payload)(32)` with size = 64 + payload length. Every byte after the handshake goes through one AES-CTR stream
 * per direction, so the connection decrypts each chunk as it arrives and feeds the plaintext here.
 */
import { sha256 } from '../crypto/index.ts';
import { pooledRandomBytes } from './random-pool.ts';
import { AdnlError } from './errors.ts';

/** Smallest legal size field: nonce + checksum with an empty payload (keepalive / handshake ack). */
export const ADNL_TCP_MIN_FRAME_SIZE = 64;
/** Largest size field the C++ ext-connection accepts (2^24 bytes). */
export const ADNL_TCP_MAX_FRAME_SIZE = 1 << 24;
/** Largest payload that fits in a maximal frame. */
export const ADNL_TCP_MAX_PAYLOAD = ADNL_TCP_MAX_FRAME_SIZE - ADNL_TCP_MIN_FRAME_SIZE;

/** Builds one plaintext frame around `payload` (nonce random unless given). */
export function encodeTcpFrame(payload: Uint8Array, nonce: Uint8Array = pooledRandomBytes(32)): Uint8Array {
  if (payload.length > ADNL_TCP_MAX_PAYLOAD) {
    throw new AdnlError(
      'bad-frame-size',
      `payload of ${payload.length} bytes exceeds the ADNL-TCP frame limit`,
    );
  }
  if (nonce.length !== 32) throw new AdnlError('protocol', 'frame nonce must be 32 bytes');
  const size = 32 + payload.length + 32;
  const frame = new Uint8Array(4 + size);
  new DataView(frame.buffer).setUint32(0, size, true);
  frame.set(nonce, 4);
  frame.set(payload, 36);
  frame.set(sha256(frame.subarray(4, 36 + payload.length)), 36 + payload.length);
  return frame;
}

/**
 * Incremental parser of plaintext frames: feed chunks with any boundaries, get whole payloads back. A bad size
 * field is rejected before anything is allocated for the frame; a bad checksum is rejected when the frame is
 * complete. After an error the parser stays failed (the stream is out of sync and must be dropped).
 */
export class TcpFrameParser {
  readonly #maxFrameSize: number;
  /** Received chunks not fully consumed; `#head` is the first live one (avoids O(n) shifts). */
  #chunks: Uint8Array[] = [];
  #head = 0;
  #buffered = 0;
  /** Size field of the frame being assembled, or -1 while its 4-byte header is still incomplete. */
  #expect = -1;
  #failed: AdnlError | null = null;

  constructor(maxFrameSize: number = ADNL_TCP_MAX_FRAME_SIZE) {
    if (!Number.isInteger(maxFrameSize) || maxFrameSize < ADNL_TCP_MIN_FRAME_SIZE) {
      throw new AdnlError('bad-frame-size', `bad frame size limit ${maxFrameSize}`);
    }
    this.#maxFrameSize = Math.min(maxFrameSize, ADNL_TCP_MAX_FRAME_SIZE);
  }

  /** Bytes received but not yet returned as part of a frame. */
  get buffered(): number {
    return this.#buffered;
  }

  /** Adds a chunk; returns the payloads of all frames it completes (in order). Throws AdnlError on bad input. */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.#failed) throw this.#failed;
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    const payloads: Uint8Array[] = [];
    for (;;) {
      if (this.#expect < 0) {
        if (this.#buffered < 4) break;
        const header = this.#take(4);
        const size = (header[0] | (header[1] << 8) | (header[2] << 16) | (header[3] << 24)) >>> 0;
        if (size < ADNL_TCP_MIN_FRAME_SIZE || size > this.#maxFrameSize) {
          this.#failed = new AdnlError(
            'bad-frame-size',
            `ADNL-TCP frame size ${size} outside [${ADNL_TCP_MIN_FRAME_SIZE}, ${this.#maxFrameSize}]`,
          );
          this.#reset();
          throw this.#failed;
        }
        this.#expect = size;
      }
      if (this.#buffered < this.#expect) break;
      const body = this.#take(this.#expect);
      this.#expect = -1;
      const checked = body.length - 32;
      const digest = sha256(body.subarray(0, checked));
      let diff = 0;
      for (let i = 0; i < 32; i++) diff |= digest[i] ^ body[checked + i];
      if (diff !== 0) {
        this.#failed = new AdnlError('bad-checksum', 'ADNL-TCP frame checksum mismatch');
        this.#reset();
        throw this.#failed;
      }
      payloads.push(body.subarray(32, checked));
    }
    return payloads;
  }

  #reset(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#buffered = 0;
  }

  /** Removes exactly `n` buffered bytes (n <= buffered), copying only when they span several chunks. */
  #take(n: number): Uint8Array {
    this.#buffered -= n;
    const first = this.#chunks[this.#head];
    let out: Uint8Array;
    if (first.length >= n) {
      if (first.length === n) this.#head++;
      else this.#chunks[this.#head] = first.subarray(n);
      out = first.subarray(0, n);
    } else {
      out = new Uint8Array(n);
      let filled = 0;
      while (filled < n) {
        const chunk = this.#chunks[this.#head];
        const use = Math.min(chunk.length, n - filled);
        out.set(chunk.subarray(0, use), filled);
        filled += use;
        if (use === chunk.length) this.#head++;
        else this.#chunks[this.#head] = chunk.subarray(use);
      }
    }
    if (this.#head === this.#chunks.length) {
      this.#chunks = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
    return out;
  }
}
