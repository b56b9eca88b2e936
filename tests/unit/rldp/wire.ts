/**
 * Hand-driven RLDP nodes for tests of what hostile or unusual senders put on the wire: a transport whose inject()
 * delivers bytes as if a peer sent them (sent collects the node's output), and crafted messageParts with any fec
 * fields.
 */
import type { AdnlPeer } from '../../../src/net/adnl/index.ts';
import {
  messagePartSize,
  RldpNode,
  writeMessagePart,
  type PartHeader,
  type RldpNodeOptions,
} from '../../../src/net/rldp/index.ts';

export function peer(tag: number): AdnlPeer {
  const id = new Uint8Array(32).fill(tag);
  return { id, publicKey: id, address: { host: '127.0.0.1', port: 40000 + tag } };
}

/** A node on a transport we drive by hand: inject() delivers bytes as if `from` sent them; sent collects output. */
export function harness(options: RldpNodeOptions = {}) {
  const sent: { to: AdnlPeer; data: Uint8Array }[] = [];
  const transport = {
    onCustom: null as ((p: AdnlPeer, d: Uint8Array) => void) | null,
    sendCustom(to: AdnlPeer, data: Uint8Array) {
      sent.push({ to, data: data.slice() });
    },
  };
  const node = new RldpNode(transport, options);
  return {
    node,
    sent,
    inject(from: AdnlPeer, data: Uint8Array) {
      transport.onCustom!(from, data);
    },
  };
}

export interface Craft extends Partial<PartHeader> {
  seqno?: number;
  symbol?: Uint8Array;
}

/** A messagePart; data_size defaults to total_size and symbols_count to ceil(data_size / symbol_size). */
export function part(c: Craft): Uint8Array {
  const symbolSize = c.symbolSize ?? 768;
  const out = new Uint8Array(messagePartSize(symbolSize));
  const at = writeMessagePart(
    out,
    0,
    {
      version: c.version ?? 2,
      transferId: c.transferId ?? new Uint8Array(32).fill(1),
      part: c.part ?? 0,
      totalSize: c.totalSize ?? 1000,
      dataSize: c.dataSize ?? c.totalSize ?? 1000,
      symbolSize,
      symbolsCount: c.symbolsCount ?? Math.ceil((c.dataSize ?? c.totalSize ?? 1000) / symbolSize),
    },
    c.seqno ?? 0,
  );
  if (c.symbol) out.set(c.symbol, at);
  return out;
}

export const inverted = (id: Uint8Array) => id.map((b) => ~b & 0xff);
