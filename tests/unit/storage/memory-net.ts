/**
 * An in-memory network of storage nodes for unit tests: each node is both the ADNL and the RLDP transport of the
 * storage layer (StorageAdnl + StorageRldp); a query calls the addressed node's handler with our identity, with
 * the timeout, max_answer_size and "no answer" behaviour of the real layers. Nodes can be taken down, slowed or
 * made to tamper with what they answer. The devnet integration tests run the same code over real ADNL/RLDP/UDP.
 */
import type { AdnlPeer } from '../../../src/net/adnl/index.ts';
import { adnlId, generateKeyPair, type KeyPair } from '../../../src/net/crypto/index.ts';
import type {
  IncomingRldpContext,
  StorageAdnl,
  StorageRldp,
  UdpAddress,
} from '../../../src/net/storage/index.ts';

const timeoutError = (ms: number): Error =>
  Object.assign(new Error(`timed out after ${ms} ms`), { kind: 'timeout' });

export class MemoryNode implements StorageAdnl {
  readonly keyPair: KeyPair;
  readonly self: AdnlPeer;
  onAdnlQuery: ((peer: AdnlPeer, q: Uint8Array) => Promise<Uint8Array | null> | null) | null = null;
  onRldpQuery:
    ((peer: AdnlPeer, q: Uint8Array, ctx: IncomingRldpContext) => Promise<Uint8Array> | null) | null = null;
  /** Down: receives nothing, answers nothing. */
  down = false;
  delayMs = 0;
  /** Rewrites RLDP answers this node sends. */
  tamper: ((answer: Uint8Array) => Uint8Array) | null = null;
  adnlQueries = 0;
  rldpQueries = 0;

  constructor(
    readonly net: MemoryNet,
    readonly address: UdpAddress,
  ) {
    this.keyPair = generateKeyPair();
    this.self = { id: adnlId(this.keyPair.publicKey), publicKey: this.keyPair.publicKey, address };
  }

  addPeer(publicKey: Uint8Array, address: UdpAddress): AdnlPeer {
    return { id: adnlId(publicKey), publicKey, address: { ...address } };
  }

  #target(peer: AdnlPeer): MemoryNode | null {
    const node = this.net.at(peer.address);
    return node && !node.down && Buffer.from(node.self.id).equals(Buffer.from(peer.id)) ? node : null;
  }

  async query(
    peer: AdnlPeer,
    query: Uint8Array,
    timeoutMs: number,
    opts?: { attempts?: number },
  ): Promise<Uint8Array> {
    if (this.down) throw Object.assign(new Error('closed'), { kind: 'closed' });
    this.adnlQueries++;
    const total = timeoutMs * (opts?.attempts ?? 1);
    return this.#deliver(total, async () => {
      const node = this.#target(peer);
      const answer = node?.onAdnlQuery?.(this.self, query.slice());
      return answer ? await answer : null;
    });
  }

  async #deliver(timeoutMs: number, run: () => Promise<Uint8Array | null>): Promise<Uint8Array> {
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => reject(timeoutError(timeoutMs)), timeoutMs);
      const go = async (): Promise<void> => {
        if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
        const answer = await run().catch(() => null);
        if (answer === null) return; // unanswered: the timer rejects
        clearTimeout(timer);
        resolve(answer);
      };
      void go();
    });
  }

  async rldpQuery(
    peer: AdnlPeer,
    data: Uint8Array,
    opts: { maxAnswerSize: number; timeoutMs: number },
  ): Promise<Uint8Array> {
    if (this.down) throw Object.assign(new Error('closed'), { kind: 'closed' });
    this.rldpQueries++;
    return this.#deliver(opts.timeoutMs, async () => {
      const node = this.#target(peer);
      const handled = node?.onRldpQuery?.(this.self, data.slice(), {
        maxAnswerSize: opts.maxAnswerSize,
        deadline: Date.now() + opts.timeoutMs,
      });
      if (!handled) return null;
      let answer = await handled;
      if (node!.delayMs) await new Promise((r) => setTimeout(r, node!.delayMs));
      if (node!.down) return null;
      if (node!.tamper) answer = node!.tamper(answer);
      if (answer.length > opts.maxAnswerSize) return null;
      return answer;
    });
  }

  /** The RLDP face of this node. */
  get rldp(): StorageRldp {
    return { query: (peer, data, opts) => this.rldpQuery(peer, data, opts) };
  }
}

export class MemoryNet {
  readonly #nodes = new Map<string, MemoryNode>();
  #port = 10000;

  node(): MemoryNode {
    const address = { host: '10.0.0.1', port: this.#port++ };
    const n = new MemoryNode(this, address);
    this.#nodes.set(`${address.host}:${address.port}`, n);
    return n;
  }

  at(address: UdpAddress): MemoryNode | undefined {
    return this.#nodes.get(`${address.host}:${address.port}`);
  }
}
