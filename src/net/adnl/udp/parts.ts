/**
 * adnl.message.part (DIGEST §4.3; C++ AdnlPeerPairImpl::send_messages / process_message(AdnlMessagePart)):
 * a boxed message too large for one datagram is cut into chunks, each sent as
 * `adnl.message.part hash:int256 total_size:int offset:int data:bytes` with hash = sha256(whole message).
 *
 * The reassembler is bounded: total_size <= ADNL_MAX_HUGE_MESSAGE, at most `maxReassemblies` in progress over all
 * peers and `maxPerPeer` per peer (the oldest is discarded to make room), each discarded after `timeoutMs`.
 * Parts may arrive in any order or twice; a completed message is released only if its sha256 matches the hash.
 * Unlike C++ (which accepts parts strictly in order), out-of-order parts are kept: UDP reorders.
 */
import { sha256 } from '../../crypto/index.ts';
import type { TlConstructors } from '../../tl/index.ts';
import { AdnlError } from '../errors.ts';
import { bytesEqual, keyOf } from './bytes.ts';
import { ADNL_MAX_HUGE_MESSAGE, ADNL_PART_SIZE } from './limits.ts';

export type AdnlPartMessage = TlConstructors['adnl.message.part'];

/** The part messages carrying `message` (its boxed bytes). AdnlError if it is larger than the huge limit. */
export function splitMessage(message: Uint8Array, partSize = ADNL_PART_SIZE): AdnlPartMessage[] {
  if (message.length > ADNL_MAX_HUGE_MESSAGE) {
    throw new AdnlError('protocol', `message of ${message.length} bytes exceeds ${ADNL_MAX_HUGE_MESSAGE}`);
  }
  const hash = sha256(message);
  const parts: AdnlPartMessage[] = [];
  for (let offset = 0; offset < message.length; offset += partSize) {
    parts.push({
      _: 'adnl.message.part',
      hash,
      total_size: message.length,
      offset,
      data: message.slice(offset, Math.min(message.length, offset + partSize)),
    });
  }
  return parts;
}

interface Assembly {
  peer: string;
  hash: Uint8Array;
  data: Uint8Array;
  /** 1 per byte already filled. */
  filled: Uint8Array;
  missing: number;
  startedAt: number;
}

export interface ReassemblerOptions {
  maxReassemblies: number;
  maxPerPeer: number;
  timeoutMs: number;
  now: () => number;
}

export class PartReassembler {
  readonly #assemblies = new Map<string, Assembly>();
  readonly #options: ReassemblerOptions;

  constructor(options: ReassemblerOptions) {
    this.#options = options;
  }

  /** Reassemblies in progress (for tests: bounded memory). */
  get pending(): number {
    return this.#assemblies.size;
  }

  /** Bytes held by reassemblies in progress (data + bitmap). */
  get pendingBytes(): number {
    let n = 0;
    for (const a of this.#assemblies.values()) n += a.data.length * 2;
    return n;
  }

  /**
   * Adds one part from peer `peer` (any string key). Returns the whole boxed message once complete and verified,
   * else null. AdnlError('protocol') for an invalid part (sizes out of range, zero hash, inconsistent total,
   * hash mismatch on completion); the reassembly concerned is dropped.
   */
  add(peer: string, part: AdnlPartMessage): Uint8Array | null {
    const { total_size: total, offset, data, hash } = part;
    if (!Number.isInteger(total) || total <= 0 || total > ADNL_MAX_HUGE_MESSAGE) {
      throw new AdnlError('protocol', `message part: total size ${total} out of range`);
    }
    if (!Number.isInteger(offset) || offset < 0 || data.length === 0 || offset + data.length > total) {
      throw new AdnlError('protocol', 'message part: offset/length outside the message');
    }
    if (hash.every((b) => b === 0)) throw new AdnlError('protocol', 'message part: zero hash');
    const now = this.#options.now();
    this.#expire(now);
    const key = peer + keyOf(hash);
    let a = this.#assemblies.get(key);
    if (a && a.data.length !== total) {
      this.#assemblies.delete(key);
      throw new AdnlError('protocol', 'message part: inconsistent total size');
    }
    if (!a) {
      this.#makeRoom(peer);
      a = {
        peer,
        hash,
        data: new Uint8Array(total),
        filled: new Uint8Array(total),
        missing: total,
        startedAt: now,
      };
      this.#assemblies.set(key, a);
    }
    const { filled } = a;
    for (let i = 0; i < data.length; i++) {
      const at = offset + i;
      if (filled[at] === 0) {
        filled[at] = 1;
        a.data[at] = data[i];
        a.missing--;
      }
    }
    if (a.missing > 0) return null;
    this.#assemblies.delete(key);
    if (!bytesEqual(sha256(a.data), a.hash)) throw new AdnlError('protocol', 'message part: hash mismatch');
    return a.data;
  }

  /** Forgets everything of one peer (reinit). */
  dropPeer(peer: string): void {
    for (const [k, a] of this.#assemblies) if (a.peer === peer) this.#assemblies.delete(k);
  }

  clear(): void {
    this.#assemblies.clear();
  }

  #expire(now: number): void {
    for (const [k, a] of this.#assemblies) {
      if (now - a.startedAt > this.#options.timeoutMs) this.#assemblies.delete(k);
    }
  }

  /** Evicts the oldest reassembly of `peer` (or overall) when a limit is reached. Map order = start order. */
  #makeRoom(peer: string): void {
    let ofPeer = 0;
    let oldestOfPeer: string | undefined;
    for (const [k, a] of this.#assemblies) {
      if (a.peer !== peer) continue;
      ofPeer++;
      oldestOfPeer ??= k;
    }
    if (ofPeer >= this.#options.maxPerPeer && oldestOfPeer !== undefined)
      this.#assemblies.delete(oldestOfPeer);
    if (this.#assemblies.size >= this.#options.maxReassemblies) {
      const first = this.#assemblies.keys().next();
      if (!first.done) this.#assemblies.delete(first.value);
    }
  }
}
