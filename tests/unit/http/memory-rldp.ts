/**
 * An in-memory stand-in for two RldpNodes talking to each other: query() calls the other side's onQuery with
 * our peer identity and enforces max_answer_size and the timeout as RLDP would. Unit tests only; the real proof
 * is the devnet integration tests over RLDP/ADNL/UDP.
 */
import type { AdnlPeer } from '../../../src/net/adnl/index.ts';
import type {
  IncomingQueryContext,
  RldpQueryOptions,
  HttpRldpTransport,
} from '../../../src/net/http/index.ts';

export type QueryHandler = (
  peer: AdnlPeer,
  data: Uint8Array,
  ctx: IncomingQueryContext,
) => Promise<Uint8Array> | null;

export class MemoryRldp implements HttpRldpTransport {
  onQuery: QueryHandler | null = null;
  other: MemoryRldp | null = null;
  queries = 0;
  bytesOut = 0;
  /** Artificial one-way delay per query and per answer (ms). */
  delayMs = 0;

  constructor(readonly self: AdnlPeer) {}

  async query(peer: AdnlPeer, data: Uint8Array, opts: RldpQueryOptions): Promise<Uint8Array> {
    const other = this.other;
    if (!other || other.self.id !== peer.id)
      throw Object.assign(new Error('no such peer'), { kind: 'closed' });
    this.queries++;
    this.bytesOut += data.length;
    const deadline = Date.now() + opts.timeoutMs;
    const run = async (): Promise<Uint8Array> => {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      const handled = other.onQuery?.(this.self, data.slice(), {
        maxAnswerSize: opts.maxAnswerSize,
        deadline,
        version: 2,
      });
      if (!handled) return new Promise<Uint8Array>(() => {}); // dropped, like an unanswered RLDP query
      const answer = await handled;
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (answer.length > opts.maxAnswerSize)
        throw new Error(`answer of ${answer.length} over max_answer_size`);
      return answer.slice();
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(Object.assign(new Error('RLDP query timed out'), { kind: 'timeout' })),
        opts.timeoutMs,
      );
    });
    try {
      return await Promise.race([run(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

export function peerOf(n: number): AdnlPeer {
  return {
    id: new Uint8Array(32).fill(n),
    publicKey: new Uint8Array(32).fill(100 + n),
    address: { host: '127.0.0.1', port: 1000 + n },
  };
}

/** A connected client/server pair of doubles: `client.other === server` and back. */
export function memoryPair(): { client: MemoryRldp; server: MemoryRldp } {
  const client = new MemoryRldp(peerOf(1));
  const server = new MemoryRldp(peerOf(2));
  client.other = server;
  server.other = client;
  return { client, server };
}
