/**
 * DHT queries and answers on the wire (DIGEST §5.2; ton_api.tl dht.*). Answers are decoded with bounds: the
 * whole answer is capped at MAX_ANSWER_BYTES before decoding, node lists at MAX_NODES_PER_ANSWER. Every
 * decoding failure is a DhtParseError.
 */
import {
  TlError,
  TlReader,
  tlDecode,
  tlEncode,
  type TlCtor,
  type TlObject,
  type TlType,
} from '../tl/index.ts';
import { DhtParseError } from './errors.ts';
import { MAX_ANSWER_BYTES, MAX_NODES_PER_ANSWER } from './limits.ts';
import type { DhtNodeTl } from './node.ts';
import type { DhtValueTl } from './value.ts';

export type ValueResult = { kind: 'found'; value: DhtValueTl } | { kind: 'notFound'; nodes: DhtNodeTl[] };

function parse<T>(what: string, bytes: Uint8Array, decode: () => T): T {
  if (!(bytes instanceof Uint8Array)) throw new DhtParseError(`${what}: not bytes`);
  if (bytes.length > MAX_ANSWER_BYTES) throw new DhtParseError(`${what}: ${bytes.length} bytes is too big`);
  try {
    return decode();
  } catch (error) {
    if (error instanceof TlError) throw new DhtParseError(`${what}: ${error.message}`);
    throw error;
  }
}

function boundNodes(nodes: DhtNodeTl[]): DhtNodeTl[] {
  if (nodes.length > MAX_NODES_PER_ANSWER) throw new DhtParseError(`${nodes.length} nodes in one answer`);
  return nodes;
}

export function encodeFindValue(keyId: Uint8Array, k: number): Uint8Array {
  return tlEncode({ _: 'dht.findValue', key: keyId, k });
}

export function encodeFindNode(keyId: Uint8Array, k: number): Uint8Array {
  return tlEncode({ _: 'dht.findNode', key: keyId, k });
}

export function encodePing(randomId: bigint): Uint8Array {
  return tlEncode({ _: 'dht.ping', random_id: randomId });
}

/** dht.store carries the value BARE (`value:dht.value`). */
export function encodeStore(value: DhtValueTl): Uint8Array {
  return tlEncode({ _: 'dht.store', value });
}

export function encodeGetSignedAddressList(): Uint8Array {
  return tlEncode({ _: 'dht.getSignedAddressList' });
}

/** Answer to dht.findValue: dht.valueFound (boxed dht.Value) or dht.valueNotFound (bare dht.nodes). */
export function decodeValueResult(bytes: Uint8Array): ValueResult {
  return parse('dht.ValueResult', bytes, () => {
    const r = tlDecode<TlType<'dht.ValueResult'>>('dht.ValueResult', bytes);
    if (r._ === 'dht.valueFound') return { kind: 'found', value: r.value };
    return { kind: 'notFound', nodes: boundNodes(r.nodes.nodes) };
  });
}

/** Answer to dht.findNode: boxed dht.nodes. */
export function decodeNodes(bytes: Uint8Array): DhtNodeTl[] {
  return parse('dht.Nodes', bytes, () => boundNodes(tlDecode<TlCtor<'dht.nodes'>>('dht.Nodes', bytes).nodes));
}

/** Answer to dht.getSignedAddressList: a boxed dht.node. */
export function decodeNode(bytes: Uint8Array): DhtNodeTl {
  return parse('dht.Node', bytes, () => tlDecode<DhtNodeTl>('dht.Node', bytes));
}

export function decodeStored(bytes: Uint8Array): void {
  parse('dht.Stored', bytes, () => tlDecode('dht.Stored', bytes));
}

export function decodePong(bytes: Uint8Array): bigint {
  return parse('dht.Pong', bytes, () => tlDecode<TlCtor<'dht.pong'>>('dht.Pong', bytes).random_id);
}

/** A query as a DHT node receives it: an optional `dht.query node:dht.node` prefix, then the function. */
export interface IncomingQuery {
  announced?: DhtNodeTl;
  query: TlObject;
}

const DHT_QUERY_ID = 0x7d530769; // dht.query node:dht.node = True (ton_api.tl)

export function decodeIncomingQuery(bytes: Uint8Array): IncomingQuery {
  return parse('DHT query', bytes, () => {
    const reader = new TlReader(bytes);
    let announced: DhtNodeTl | undefined;
    if (reader.remaining >= 4 && reader.peekId() === DHT_QUERY_ID) {
      announced = reader.object<TlCtor<'dht.query'>>('dht.query').node;
    }
    const query = reader.object<TlObject>('Function');
    reader.assertEnd();
    return { announced, query };
  });
}
